// Exact hits through the openai SDK and a real gateway: a hit answers like the miss it repeats (body, headers, log
// row), with a fresh id, and stops the moment anything its key depends on changes: the entry itself (cleared,
// replaced, expired) or the route plan (mode, alias targets: the exact key includes every target, cache/key.ts).
// The upstream's request count proves whether a request reached it.
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CacheStats } from '../../main/admin/contract.js';
import type { RequestRecord } from '../../main/core/ports.js';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/openai.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

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
const cacheOf = (r: Awaited<ReturnType<typeof ask>>) => r.response.headers.get('x-lynkr-cache');
const routeHeaders = (h: Headers) => Object.fromEntries([...h].filter(([k]) => k.startsWith('x-lynkr-') && k !== 'x-lynkr-cache' && k !== 'x-lynkr-provider'));
const stats = async (): Promise<CacheStats> => (await gw.admin('/admin/cache/stats')).json() as Promise<CacheStats>;
const logRows = async (limit: number): Promise<RequestRecord[]> => ((await (await gw.admin(`/admin/logs?limit=${limit}`)).json()) as { rows: RequestRecord[] }).rows;

describe('exact hits', () => {
  it('answer like the miss they repeat, with a fresh id, without reaching the upstream; stats and log rows count them', async () => {
    const miss = await ask('What is a mutex?');
    expect(cacheOf(miss)).toBe('miss');
    const [chatsBefore, statsBefore] = [chats(), await stats()];
    const hit = await ask('What is a mutex?');
    const again = await ask('What is a mutex?');

    expect(chats()).toBe(chatsBefore);
    for (const h of [hit, again]) {
      expect(h.response.status).toBe(200);
      expect(cacheOf(h)).toBe('hit-exact');
      expect(h.response.headers.get('x-lynkr-provider')).toBe('cache');
      expect(routeHeaders(h.response.headers)).toEqual(routeHeaders(miss.response.headers));
      expect(h.response.headers.get('content-type')).toBe(miss.response.headers.get('content-type'));
      expect(h.data.id).toBe(`chatcmpl-${h.response.headers.get('x-request-id')}`);
      expect(Math.abs(h.data.created - Date.now() / 1000)).toBeLessThan(5);
      expect({ ...h.data, id: '', created: 0 }).toEqual({ ...miss.data, id: '', created: 0 });
    }
    expect(new Set([miss.data.id, hit.data.id, again.data.id]).size).toBe(3);

    const after = await stats();
    expect(after.hits.exact).toBe(statsBefore.hits.exact + 2);
    expect(after.tokensSaved).toBe(statsBefore.tokensSaved + 2 * 27);
    // Read at once: the request log's reads see the rows still waiting for their batch write.
    const [againRow, hitRow, missRow] = await logRows(3);
    expect([againRow.id, hitRow.id, missRow.id]).toEqual([again, hit, miss].map((r) => r.response.headers.get('x-request-id')));
    const comparable = (r: RequestRecord) => ({ ...r, id: '', time: 0, latencyMs: 0, ttfbMs: 0 });
    expect(comparable(againRow)).toEqual(comparable(hitRow));
    expect(hitRow).toMatchObject({ status: 200, cache: 'hit-exact', provider: 'cache', costUsd: 0, inputTokens: 20, outputTokens: 7 });
    const { provider, cache, locality, costUsd, ...rest } = comparable(missRow);
    expect([provider, cache, locality]).toEqual(['openai', 'miss', 'cloud']);
    expect(costUsd).toBeGreaterThan(0);
    expect(comparable(hitRow)).toMatchObject(rest);
  });

  it('stop when the entry is cleared or replaced', async () => {
    const first = await ask('Explain a deadlock.');
    expect(cacheOf(await ask('Explain a deadlock.'))).toBe('hit-exact');
    expect((await gw.admin('/admin/cache/clear', { method: 'POST', body: '{}' })).status).toBe(200);
    const afterClear = await ask('Explain a deadlock.');
    expect(cacheOf(afterClear)).toBe('miss');
    expect(afterClear.data.choices[0].message.content).not.toBe(first.data.choices[0].message.content);

    const fresh = await ask('Explain a deadlock.', { 'cache-control': 'no-cache' }); // stores a new answer
    const replaced = await ask('Explain a deadlock.');
    expect(cacheOf(replaced)).toBe('hit-exact');
    expect(replaced.data.choices[0].message.content).toBe(fresh.data.choices[0].message.content);
    expect(replaced.data.choices[0].message.content).not.toBe(afterClear.data.choices[0].message.content);
  });

  it('follow the route plan: a mode that leaves no target, a retargeted alias, the exact cache turned off', async () => {
    const first = await ask('What is a race condition?');
    expect((await gw.admin('/admin/mode', { method: 'PUT', body: JSON.stringify({ mode: 'local' }) })).status).toBe(200);
    await expect(ask('What is a race condition?')).rejects.toMatchObject({ status: 503 });
    await gw.admin('/admin/mode', { method: 'PUT', body: JSON.stringify({ mode: 'auto' }) });
    expect(cacheOf(await ask('What is a race condition?'))).toBe('hit-exact');

    // Entries are keyed by the plan's targets: a retargeted alias never serves the old target's answer, and the
    // old target's answer is there again once the alias points back at it.
    const retarget = (targets: string[]) => gw.admin('/admin/aliases/chat', { method: 'PUT', body: JSON.stringify({ targets }) });
    expect((await retarget(['openai/gpt-4o'])).status).toBe(200);
    const chatsBefore = chats();
    const moved = await ask('What is a race condition?');
    expect(cacheOf(moved)).toBe('miss');
    expect(chats()).toBe(chatsBefore + 1);
    expect(moved.data.choices[0].message.content).toMatch(/from gpt-4o\.$/);
    expect((await retarget(['openai/gpt-4o-mini'])).status).toBe(200);
    const back = await ask('What is a race condition?');
    expect(cacheOf(back)).toBe('hit-exact');
    expect(back.data.choices[0].message.content).toBe(first.data.choices[0].message.content);

    gw.gateway.settings.update((s) => {
      s.cache.exact.enabled = false;
    });
    const off = await ask('What is a race condition?');
    expect(cacheOf(off)).not.toMatch(/^hit/);
    expect(chats()).toBe(chatsBefore + 2);
  });
});

describe('exact hits with a short TTL', () => {
  it('stop when the entry expires', async () => {
    await gw.close();
    // Long enough for a loaded machine to send the second request in time.
    const ttlMs = 1500;
    gw = await startTestGateway({ ...settings, cache: { ...settings.cache, exact: { ...settings.cache.exact, ttlMs } } });
    openai = new OpenAI({ baseURL: `${gw.baseUrl}/v1`, apiKey: 'unused', maxRetries: 0 });
    await ask('What is a futex?');
    // The entry is stored as the first answer completes (off the client's path, a little later): its TTL runs from
    // then, so the wait starts from the answer, with a margin for a loaded machine.
    const stored = Date.now();
    expect(cacheOf(await ask('What is a futex?'))).toBe('hit-exact');
    await new Promise((r) => setTimeout(r, stored + ttlMs + 500 - Date.now()));
    expect(cacheOf(await ask('What is a futex?'))).toBe('miss');
  });
});
