// The first run with the Ollama the user has, through a real gateway and the fake Ollama: the default aliases use an
// installed chat model (never over the user's choice, never written to the file), a missing model is reported with
// its `ollama pull` until a pull fixes it, a stopped Ollama is a 502 that says so, bare names and an added provider's
// models resolve, /v1/embeddings without a model uses the embedding model, and health is one set of words.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import type { ProviderView, StatusResponse } from '../../main/admin/contract.js';
import { startFakeOllama, type FakeOllama } from '../fakes/ollama.js';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/openai.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const noCache = { exact: { enabled: false }, semantic: { enabled: false } };
let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

async function setup(models: string[], env: NodeJS.ProcessEnv = {}, extra: Record<string, unknown> = {}) {
  const ollama = await startFakeOllama({ models, strictModels: true });
  const gw = await startTestGateway({ cache: noCache, providers: [{ id: 'ollama', kind: 'ollama', baseUrl: ollama.url }], ...extra }, { env });
  cleanup.push(() => ollama.close(), () => gw.close());
  return { ollama, gw, client: new OpenAI({ baseURL: `${gw.baseUrl}/v1`, apiKey: 'unused', maxRetries: 0 }) };
}

const status = async (gw: TestGateway): Promise<StatusResponse> => (await gw.admin('/admin/status')).json() as Promise<StatusResponse>;
const chatModelsOf = (o: FakeOllama): unknown[] => o.requests.filter((r) => r.path === '/api/chat').map((r) => (r.body as { model?: unknown }).model);
const settingsFile = (gw: TestGateway): Record<string, unknown> => JSON.parse(readFileSync(join(gw.dataDir, 'settings.json'), 'utf8'));

describe('first run from what is installed', () => {
  it('a stock Ollama with only llama3.2:3b: the default aliases use it, in memory only', async () => {
    const { ollama, gw, client } = await setup(['llama3.2:3b', 'nomic-embed-text']);
    const res = await client.chat.completions.create({ model: 'chat-fast', messages: [{ role: 'user', content: 'hi' }] }).withResponse();
    expect(res.response.headers.get('x-lynkr-provider')).toBe('ollama');
    expect(chatModelsOf(ollama)).toEqual(['llama3.2:3b']);
    const s = await status(gw);
    expect(s.ollamaModel).toEqual({ name: 'llama3.2:3b', chosenBy: 'installed' });
    expect(s.missingModels).toEqual([]);
    // The file keeps what the user wrote: no aliases, no ollama.model.
    expect(settingsFile(gw)).not.toHaveProperty('aliases');
    expect(settingsFile(gw)).not.toHaveProperty('ollama');
  });

  it('prefers a coder model with tools over a smaller general one', async () => {
    const { ollama, client } = await setup(['llama3.2:1b', 'qwen2.5-coder:1.5b']);
    await client.chat.completions.create({ model: 'chat-fast', messages: [{ role: 'user', content: 'hi' }] });
    expect(chatModelsOf(ollama)).toEqual(['qwen2.5-coder:1.5b']);
  });

  it("OLLAMA_MODEL is the user's choice: kept, reported missing with its ollama pull, fixed by a pull", async () => {
    const { ollama, gw, client } = await setup(['llama3.2:3b'], { OLLAMA_MODEL: 'qwen2.5-coder:7b' });
    let s = await status(gw);
    expect(s.ollamaModel).toEqual({ name: 'qwen2.5-coder:7b', chosenBy: 'user' });
    expect(s.missingModels).toEqual([
      { provider: 'ollama', model: 'qwen2.5-coder:7b', usedBy: ['chat-fast', 'chat-quality', 'auto', 'tier SIMPLE', 'tier MEDIUM', 'tier COMPLEX', 'tier REASONING'], pullCommand: 'ollama pull qwen2.5-coder:7b' },
    ]);
    // Before the pull, Ollama's own "try pulling it first" 404 reaches the client.
    await expect(client.chat.completions.create({ model: 'chat-fast', messages: [{ role: 'user', content: 'hi' }] })).rejects.toMatchObject({ status: 404 });
    const pull = await gw.admin('/admin/ollama/pull', { method: 'POST', body: JSON.stringify({ model: 'qwen2.5-coder:7b' }) });
    expect(await pull.text()).toContain('"status":"success"');
    s = await status(gw);
    expect(s.missingModels).toEqual([]);
    await client.chat.completions.create({ model: 'chat-fast', messages: [{ role: 'user', content: 'hi' }] });
    expect(chatModelsOf(ollama).at(-1)).toBe('qwen2.5-coder:7b');
  });

  it('an alias written in the settings file is never re-pointed; its missing model is reported', async () => {
    const { gw } = await setup(['llama3.2:3b'], {}, { aliases: { 'chat-fast': { targets: ['ollama/qwen2.5-coder:7b'] } } });
    const aliases = (await (await gw.admin('/admin/aliases')).json()) as { name: string; targets: { label: string }[] }[];
    expect(aliases.find((a) => a.name === 'chat-fast')?.targets.map((t) => t.label)).toEqual(['ollama/qwen2.5-coder:7b']);
    expect(aliases.find((a) => a.name === 'chat-quality')?.targets.map((t) => t.label)).toEqual(['ollama/llama3.2:3b']);
    expect((await status(gw)).missingModels?.map((m) => [m.model, m.usedBy])).toEqual([['qwen2.5-coder:7b', ['chat-fast']]]);
  });
});

describe('a stopped Ollama, and one health model', () => {
  it('OLLAMA_MODEL with Ollama stopped: a 502 naming Ollama and how to start it, not a 404; health says down', async () => {
    const { ollama, gw, client } = await setup(['llama3.2:latest'], { OLLAMA_MODEL: 'llama3.2' });
    await ollama.stop();
    const err = (await client.chat.completions.create({ model: 'llama3.2', messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e)) as { status: number; message: string };
    expect(err.status).toBe(502);
    expect(err.message).toContain('Ollama is not running at [address]');
    expect(err.message).toContain('`ollama serve`');
    const health = (await (await gw.admin('/admin/providers')).json()) as ProviderView[];
    expect(health.find((p) => p.id === 'ollama')?.health).toMatchObject({ state: 'down', checked: true });
    const ready = await fetch(`${gw.baseUrl}/health/ready`);
    expect(ready.status).toBe(503);
    const body = (await ready.json()) as { providers: { id: string; health: { state: string } }[] };
    expect(body.providers.find((p) => p.id === 'ollama')?.health.state).toBe('down');
    // The window's Ollama panel agrees with the provider's health (not "Not found" beside a green dot).
    const s = await status(gw);
    expect([s.ollama.state === 'running', s.providers.find((p) => p.id === 'ollama')?.health?.state]).toEqual([false, 'down']);
  });
});

describe('models: bare names, added providers, embeddings', () => {
  let cloud: FakeOpenAI | undefined;
  afterEach(async () => {
    await cloud?.close();
    cloud = undefined;
  });

  it('bare Ollama names, an added provider\'s models by bare name, ambiguity named, embeddings without a model', async () => {
    const { ollama, gw, client } = await setup(['qwen2.5-coder:latest', 'nomic-embed-text:latest']);
    await client.chat.completions.create({ model: 'qwen2.5-coder', messages: [{ role: 'user', content: 'hi' }] });
    expect(chatModelsOf(ollama).at(-1)).toBe('qwen2.5-coder:latest');
    const emb = await client.embeddings.create({ model: 'nomic-embed-text', input: 'hello' }).withResponse();
    expect(emb.response.headers.get('x-lynkr-provider')).toBe('ollama');
    // No model: the embedding model, never a chat model.
    const raw = await fetch(`${gw.baseUrl}/v1/embeddings`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ input: 'hello' }) });
    expect(raw.status).toBe(200);
    expect(ollama.requests.filter((r) => r.path === '/api/embed').map((r) => (r.body as { model?: unknown }).model)).toEqual(['nomic-embed-text', 'nomic-embed-text']);

    cloud = await startFakeOpenAI({ models: ['m-large', 'qwen2.5-coder:latest', 'text-embedding-3-small'] });
    const added = await gw.admin('/admin/providers', { method: 'POST', body: JSON.stringify({ id: 'myprovider', kind: 'openai-compatible', baseUrl: `${cloud.url}/v1`, apiKey: 'sk-my-provider-0000' }) });
    expect(added.status).toBe(201);
    const ids = (await client.models.list()).data.map((m) => m.id);
    expect(ids).toEqual(expect.arrayContaining(['myprovider/m-large', 'ollama/qwen2.5-coder:latest']));
    expect(ids).not.toContain('myprovider/text-embedding-3-small');
    expect(ids).not.toContain('ollama/nomic-embed-text:latest');
    const res = await client.chat.completions.create({ model: 'm-large', messages: [{ role: 'user', content: 'hi' }] }).withResponse();
    expect([res.response.headers.get('x-lynkr-provider'), res.data.choices.length]).toEqual(['myprovider', 1]);
    const amb = (await client.chat.completions.create({ model: 'qwen2.5-coder:latest', messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e)) as { status: number; message: string };
    expect(amb.status).toBe(400);
    expect(amb.message).toContain('ollama/qwen2.5-coder:latest, myprovider/qwen2.5-coder:latest');
  });
});
