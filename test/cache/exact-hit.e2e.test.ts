// Replayed exact hits (server/hit-replay.ts): the same request text served again without parsing, routing or
// keying. Through the openai SDK and a real gateway: a replay must be indistinguishable from a hit served the
// long way, and must stop the moment anything it depended on changes. The exact key is computed only on the long
// way, so counting its calls tells which way a request took.
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CacheStats } from '../../main/admin/contract.js';
import type { RequestRecord } from '../../main/core/ports.js';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/openai.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const keyCalls = vi.hoisted(() => ({ n: 0 }));
vi.mock('../../main/cache/key.js', async (importOriginal) => {
  const mod = await importOriginal<typeof import('../../main/cache/key.js')>();
  return { ...mod, exactKey: (...args: Parameters<typeof mod.exactKey>) => (keyCalls.n++, mod.exactKey(...args)) };
});

let up: FakeOpenAI;
let gw: TestGateway;
let openai: OpenAI;
let answers = 0;
const chats = (): number => up.count('/chat/completions');

const settings = {
  providers: [
    { id: 'openai', kind: 'openai' as const, baseUrl: '', apiKey: 'sk-test-0123456789abcdef', models: ['gpt-4o-mini', 'gpt-4o'] },
    { id: 'ollama', kind: 'ollama' as const, baseUrl: 'http://127.0.0.1:9' },
  ],
  aliases: { chat: { targets: ['openai/gpt-4o-mini'] } },
  defaultModel: 'chat',
  cache: { exact: { policy: 'always' as const }, semantic: { enabled: false } },
};

beforeAll(async () => {
  up = await startFakeOpenAI({ models: ['gpt-4o-mini', 'gpt-4o'] });
  up.reply((body) => ({ text: `Answer ${++answers} from ${String(body.model)}.`, usage: { prompt_tokens: 20, completion_tokens: 7 } }));
  settings.providers[0].baseUrl = up.url;
});

beforeEach(async () => {
  gw = await startTestGateway(settings);
  openai = new OpenAI({ baseURL: `${gw.baseUrl}/v1`, apiKey: 'unused', maxRetries: 0 });
});

afterEach(async () => {
  await gw?.close();
});

afterAll(async () => {
  await up?.close();
});

const ask = (content: string, headers: Record<string, string> = {}) =>
  openai.chat.completions.create({ model: 'chat', messages: [{ role: 'user', content }] }, { headers }).withResponse();
const routeHeaders = (h: Headers) => Object.fromEntries([...h].filter(([k]) => k.startsWith('x-lynkr-')));
const stats = async (): Promise<CacheStats> => (await gw.admin('/admin/cache/stats')).json() as Promise<CacheStats>;

/** A miss, then a hit the long way, which the memo remembers; the next identical request can be replayed. */
async function prime(content: string) {
  const miss = await ask(content);
  expect(miss.response.headers.get('x-lynkr-cache')).toBe('miss');
  const hit = await ask(content);
  expect(hit.response.headers.get('x-lynkr-cache')).toBe('hit-exact');
  return hit;
}

describe('replayed exact hits', () => {
  it('serve the same answer, headers, log row and stats as a hit served the long way, with a fresh id', async () => {
    const hit = await prime('What is a mutex?');
    const [keysBefore, chatsBefore, statsBefore] = [keyCalls.n, chats(), await stats()];
    const replay = await ask('What is a mutex?');

    expect(keyCalls.n).toBe(keysBefore);
    expect(chats()).toBe(chatsBefore);
    expect(replay.response.status).toBe(200);
    expect(routeHeaders(replay.response.headers)).toEqual(routeHeaders(hit.response.headers));
    expect(replay.response.headers.get('content-type')).toBe(hit.response.headers.get('content-type'));
    const requestId = replay.response.headers.get('x-request-id');
    expect(replay.data.id).toBe(`chatcmpl-${requestId}`);
    expect(replay.data.id).not.toBe(hit.data.id);
    expect(Math.abs(replay.data.created - Date.now() / 1000)).toBeLessThan(5);
    expect({ ...replay.data, id: '', created: 0 }).toEqual({ ...hit.data, id: '', created: 0 });

    const after = await stats();
    expect(after.hits.exact).toBe(statsBefore.hits.exact + 1);
    expect(after.tokensSaved).toBe(statsBefore.tokensSaved + 27);
    await new Promise((r) => setTimeout(r, 50));
    const { rows } = (await (await gw.admin('/admin/logs?limit=2')).json()) as { rows: RequestRecord[] };
    const [replayRow, hitRow] = rows;
    expect(replayRow.id).toBe(requestId);
    const comparable = (r: RequestRecord) => ({ ...r, id: '', time: 0, latencyMs: 0, ttfbMs: 0 });
    expect(comparable(replayRow)).toEqual(comparable(hitRow));
    expect(replayRow).toMatchObject({ status: 200, cache: 'hit-exact', provider: 'cache', requestedModel: 'chat', alias: 'chat', inputTokens: 20, outputTokens: 7 });
  });

  it('take the long way with Cache-Control, for streams, for other request text and with the per-user scope', async () => {
    await prime('Define a semaphore.');
    let keys = keyCalls.n;
    const noCache = await ask('Define a semaphore.', { 'cache-control': 'no-cache' });
    expect(noCache.response.headers.get('x-lynkr-cache')).toBe('bypass:no-cache');
    expect(keyCalls.n).toBe(++keys);
    const stream = await openai.chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'Define a semaphore.' }], stream: true });
    for await (const _ of stream) {
      // drain
    }
    expect(keyCalls.n).toBe(++keys);
    await ask('Define a semaphore. ');
    expect(keyCalls.n).toBe(++keys);
    // The per-user scope keys on who asks (the inbound key), which the request text does not say.
    gw.gateway.settings.update((s) => {
      s.cache.scope = 'user';
    });
    const as = (apiKey: string) =>
      new OpenAI({ baseURL: `${gw.baseUrl}/v1`, apiKey, maxRetries: 0 }).chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'Define a mutex.' }] }).withResponse();
    for (let i = 0; i < 3; i++) expect((await as('key-of-alice')).response.headers.get('x-lynkr-cache')).toBe(i === 0 ? 'miss' : 'hit-exact');
    expect(keyCalls.n).toBe(keys + 3);
    expect((await as('key-of-bob')).response.headers.get('x-lynkr-cache')).toBe('miss');
  });

  it('stop when the entry is cleared, replaced or expired', async () => {
    const first = await prime('Explain a deadlock.');
    expect((await gw.admin('/admin/cache/clear', { method: 'POST', body: '{}' })).status).toBe(200);
    const afterClear = await ask('Explain a deadlock.');
    expect(afterClear.response.headers.get('x-lynkr-cache')).toBe('miss');
    expect(afterClear.data.choices[0].message.content).not.toBe(first.data.choices[0].message.content);

    await ask('Explain a deadlock.'); // remembered again
    const fresh = await ask('Explain a deadlock.', { 'cache-control': 'no-cache' }); // stores a new answer
    const replaced = await ask('Explain a deadlock.');
    expect(replaced.response.headers.get('x-lynkr-cache')).toBe('hit-exact');
    expect(replaced.data.choices[0].message.content).toBe(fresh.data.choices[0].message.content);
    expect(replaced.data.choices[0].message.content).not.toBe(afterClear.data.choices[0].message.content);
  });

  it('stop when the settings change: mode, alias targets, the cache itself', async () => {
    await prime('What is a race condition?');
    expect((await gw.admin('/admin/mode', { method: 'PUT', body: JSON.stringify({ mode: 'local' }) })).status).toBe(200);
    await expect(ask('What is a race condition?')).rejects.toMatchObject({ status: 503 });
    await gw.admin('/admin/mode', { method: 'PUT', body: JSON.stringify({ mode: 'auto' }) });

    await ask('What is a race condition?'); // a hit the long way, remembered under the new settings
    // Entries are keyed by the plan's targets: a retargeted alias never serves the old target's answer.
    const retarget = await gw.admin('/admin/aliases/chat', { method: 'PUT', body: JSON.stringify({ targets: ['openai/gpt-4o'] }) });
    expect(retarget.status).toBe(200);
    const keys = keyCalls.n;
    const moved = await ask('What is a race condition?');
    expect(moved.response.headers.get('x-lynkr-cache')).toBe('miss');
    expect(keyCalls.n).toBe(keys + 1);
    expect(moved.data.choices[0].message.content).toMatch(/from gpt-4o\.$/);

    gw.gateway.settings.update((s) => {
      s.cache.exact.enabled = false;
    });
    const off = await ask('What is a race condition?');
    expect(off.response.headers.get('x-lynkr-cache')).not.toMatch(/^hit/);
  });
});

describe('replayed exact hits with a short TTL', () => {
  it('stop when the entry expires', async () => {
    await gw.close();
    gw = await startTestGateway({ ...settings, cache: { ...settings.cache, exact: { ...settings.cache.exact, ttlMs: 300 } } });
    openai = new OpenAI({ baseURL: `${gw.baseUrl}/v1`, apiKey: 'unused', maxRetries: 0 });
    await prime('What is a futex?');
    await new Promise((r) => setTimeout(r, 400));
    expect((await ask('What is a futex?')).response.headers.get('x-lynkr-cache')).toBe('miss');
  });
});
