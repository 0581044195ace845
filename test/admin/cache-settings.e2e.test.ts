// The Cache page's API through a real gateway: the semantic switch takes effect on the next request, the embedder
// list comes from what Ollama has installed (plus nomic-embed-text to pull, and automatic first), names are
// readable (also which model automatic picked), and the exact cache's policy is settable; everything lands in the
// settings file.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CacheSettingsView, CacheStats, StatusResponse } from '../../main/admin/contract.js';
import { embedderLabel } from '../../main/admin/routes/cache.js';
import { startFakeOllama, type FakeOllama } from '../fakes/ollama.js';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/openai.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

let ollama: FakeOllama;
let cloud: FakeOpenAI;
let gw: TestGateway;
const put = async (body: unknown) => {
  const res = await gw.admin('/admin/cache/settings', { method: 'PUT', body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as CacheSettingsView & { error?: { message: string } } };
};
const saved = () => (JSON.parse(readFileSync(join(gw.dataDir, 'settings.json'), 'utf8')) as { cache: { exact?: { policy?: string }; semantic?: Record<string, unknown> } }).cache;
const AUTO_LABEL = 'Automatic (an installed Ollama embedding model, else built-in)';
const view = async () => (await (await gw.admin('/admin/cache/settings')).json()) as CacheSettingsView;
const stats = async () => (await (await gw.admin('/admin/cache/stats')).json()) as CacheStats;
const embedderHealth = async () => ((await (await gw.admin('/admin/status')).json()) as StatusResponse).cache.embedder;
const ask = async (content: string) => {
  const res = await fetch(`${gw.baseUrl}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'openai/gpt-4o-mini', temperature: 0, messages: [{ role: 'user', content }] }),
  });
  await res.text();
  return res.headers.get('x-lynkr-cache');
};

beforeAll(async () => {
  ollama = await startFakeOllama({ models: ['llama3.2:3b', 'all-minilm:latest'] });
  cloud = await startFakeOpenAI({ models: ['gpt-4o-mini'] });
  gw = await startTestGateway({
    providers: [
      { id: 'ollama', kind: 'ollama', baseUrl: ollama.url },
      { id: 'openai', kind: 'openai', baseUrl: cloud.url, apiKey: 'sk-cache-settings-0123456789', models: ['gpt-4o-mini'] },
    ],
    mode: 'auto',
    // Chosen explicitly: the default may pick an installed Ollama embedding model (auto).
    cache: { semantic: { embedder: 'builtin' } },
  });
});
afterAll(async () => {
  await gw?.close();
  await ollama?.close();
  await cloud?.close();
});

describe('cache settings', () => {
  it('readable embedder names instead of internal ids', async () => {
    expect(embedderLabel('builtin-hybrid-w50000-n156-s70')).toBe('Built-in (word vectors + n-grams)');
    expect(embedderLabel('ollama-nomic-embed-text:latest')).toBe('Ollama · nomic-embed-text');
    const stats = (await (await gw.admin('/admin/cache/stats')).json()) as CacheStats;
    expect(stats.embedder).toMatch(/^builtin-hybrid/);
    expect(stats.embedderLabel).toBe('Built-in (word vectors + n-grams)');
  });

  it('lists built-in, the installed Ollama embedding model, nomic-embed-text to pull, and the OpenAI provider', async () => {
    const view = (await (await gw.admin('/admin/cache/settings')).json()) as CacheSettingsView;
    expect(view).toMatchObject({ exactEnabled: true, exactPolicy: 'deterministic', semanticEnabled: false, embedder: { embedder: 'builtin' } });
    expect(view.options.map((o) => [o.embedder, o.model, o.provider, o.installed])).toEqual([
      ['auto', undefined, undefined, true],
      ['builtin', undefined, undefined, true],
      ['ollama', 'all-minilm', 'ollama', true],
      ['ollama', 'nomic-embed-text', 'ollama', false],
      ['openai', 'text-embedding-3-small', 'openai', true],
    ]);
    // The chat model is not offered as an embedder.
    expect(JSON.stringify(view.options)).not.toContain('llama3.2');
  });

  it('the semantic switch: a paraphrase misses while off, and is served semantically once on', async () => {
    const first = await ask('How do I reverse a list in Python?');
    expect(first).toBe('miss');
    expect(await ask('How do I reverse a list in Python ?')).not.toBe('hit-semantic');

    const on = await put({ semanticEnabled: true });
    expect(on.status).toBe(200);
    expect(on.body.semanticEnabled).toBe(true);
    expect(saved().semantic?.enabled).toBe(true);
    // The built-in embedder loads its word vectors in the background on first use.
    let n = 0;
    await expect.poll(() => ask(`warm-up ${++n}`), { timeout: 20_000, interval: 200 }).toBe('miss');
    expect(await ask('Explain what a mutex is, briefly.')).toBe('miss');
    expect(await ask('Explain what a mutex is briefly')).toBe('hit-semantic');

    const off = await put({ semanticEnabled: false });
    expect(off.body.semanticEnabled).toBe(false);
    expect(await ask('Explain briefly what a mutex is')).not.toBe('hit-semantic');
  });

  it('choosing an Ollama embedder uses it for the next request; OpenAI needs a provider', async () => {
    const chosen = await put({ semanticEnabled: true, embedder: 'ollama', embedderModel: 'all-minilm', embedderProvider: 'ollama' });
    expect(chosen.status).toBe(200);
    expect(chosen.body.embedder).toMatchObject({ embedder: 'ollama', model: 'all-minilm', provider: 'ollama', label: 'Ollama · all-minilm' });
    expect(saved().semantic).toMatchObject({ embedder: 'ollama', embedderModel: 'all-minilm', embedderProvider: 'ollama' });
    const before = ollama.count('/api/embed');
    await ask('What is the capital of France?');
    expect(ollama.count('/api/embed')).toBeGreaterThan(before);
    const stats = (await (await gw.admin('/admin/cache/stats')).json()) as CacheStats;
    expect(stats.embedderLabel).toBe('Ollama · all-minilm');

    const noProvider = await put({ embedder: 'openai' });
    expect(noProvider.status).toBe(400);
    expect(noProvider.body.error?.message).toContain('needs a provider');
    const unknown = await put({ embedder: 'openai', embedderProvider: 'nope' });
    expect(unknown.status).toBe(400);
    expect(saved().semantic?.embedder).toBe('ollama');

    const back = await put({ embedder: 'builtin', semanticEnabled: false });
    expect(back.body.embedder).toMatchObject({ embedder: 'builtin' });
    expect(saved().semantic?.embedderModel).toBeUndefined();
  });

  it('automatic: offered first, saved as auto, and says which installed Ollama model it picked', async () => {
    expect((await view()).options[0]).toEqual({ embedder: 'auto', label: AUTO_LABEL, installed: true });
    const chosen = await put({ embedder: 'auto' });
    expect(chosen.status).toBe(200);
    expect(chosen.body.embedder).toEqual({ embedder: 'auto', label: AUTO_LABEL });
    expect(saved().semantic).toMatchObject({ embedder: 'auto' });
    expect(saved().semantic?.embedderModel).toBeUndefined();
    // Just switched: it has not looked at Ollama yet, and says so in words.
    expect(chosen.body.inUse).toEqual({ id: 'auto', label: 'Choosing… (looking for an installed Ollama embedding model)' });
    expect(await embedderHealth()).toBe('off'); // the semantic cache is off

    await put({ semanticEnabled: true });
    // The installed embedding model (all-minilm, the only one), not the built-in; by name, not by internal id.
    await expect.poll(async () => (await view()).inUse.label, { timeout: 5000 }).toBe('Ollama · all-minilm');
    expect((await view()).inUse.id).toMatch(/^ollama-all-minilm/);
    expect((await stats()).embedderLabel).toBe('Ollama · all-minilm');
    expect(await embedderHealth()).toBe('ready');
    const before = ollama.count('/api/embed');
    await ask('What is the boiling point of water at sea level?');
    expect(ollama.count('/api/embed')).toBeGreaterThan(before);
    expect(ollama.requests.filter((r) => r.path === '/api/embed').at(-1)?.body).toMatchObject({ model: 'all-minilm:latest' });

    const back = await put({ embedder: 'builtin', semanticEnabled: false });
    expect([back.body.embedder.embedder, back.body.inUse.label]).toEqual(['builtin', 'Built-in (word vectors + n-grams)']);
  });

  it('the exact cache policy: off stops exact hits, deterministic brings them back', async () => {
    expect((await put({ exactPolicy: 'off' })).body.exactPolicy).toBe('off');
    expect(saved().exact?.policy).toBe('off');
    await ask('policy probe');
    expect(await ask('policy probe')).not.toBe('hit-exact');
    await put({ exactPolicy: 'deterministic' });
    await ask('policy probe two');
    expect(await ask('policy probe two')).toBe('hit-exact');
    expect((await put({ exactPolicy: 'sometimes' })).status).toBe(400);
  });
});
