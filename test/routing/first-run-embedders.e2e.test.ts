// The first run with an Ollama that has embedding models only, or lists one first, through a real gateway and the
// fake Ollama (which says which models embed in /api/show, as the real one does): the default chat aliases
// (chat-fast, chat-quality, auto with its tiers) never name an embedding model, neither from the settings' defaults
// nor from the run-time choice of an installed model (routing/installed-model.ts); /v1/embeddings still uses it.
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import type { StatusResponse } from '../../main/admin/contract.js';
import { startFakeOllama, type FakeOllama } from '../fakes/ollama.js';
import { startFakeOpenAI } from '../fakes/openai.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const noCache = { exact: { enabled: false }, semantic: { enabled: false } };
let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

async function setup(models: string[], extra: Record<string, unknown> = {}) {
  const ollama = await startFakeOllama({ models, strictModels: true });
  const providers = [{ id: 'ollama', kind: 'ollama', baseUrl: ollama.url }, ...((extra.providers as unknown[]) ?? [])];
  const gw = await startTestGateway({ cache: noCache, ...extra, providers } as Parameters<typeof startTestGateway>[0]);
  cleanup.push(() => ollama.close(), () => gw.close());
  return { ollama, gw, client: new OpenAI({ baseURL: `${gw.baseUrl}/v1`, apiKey: 'unused', maxRetries: 0 }) };
}

/** The default chat aliases' targets (tier targets first for auto), as /admin/aliases shows them. */
async function chatAliasTargets(gw: TestGateway): Promise<Record<string, string[]>> {
  const views = (await (await gw.admin('/admin/aliases')).json()) as { name: string; targets: { label: string }[] }[];
  const names = ['chat-fast', 'chat-quality', 'auto'];
  return Object.fromEntries(views.filter((v) => names.includes(v.name)).map((v) => [v.name, v.targets.map((t) => t.label)]));
}

const status = async (gw: TestGateway): Promise<StatusResponse> => (await gw.admin('/admin/status')).json() as Promise<StatusResponse>;
const sentModels = (o: FakeOllama, path: string): unknown[] => o.requests.filter((r) => r.path === path).map((r) => (r.body as { model?: unknown }).model);

describe('first run with embedding models installed', () => {
  it('only nomic-embed-text installed: the chat aliases keep the chat model to pull, never the embedder', async () => {
    // The installed-model choice is made before the gateway is up (cli/start.ts awaits it).
    const { ollama, gw, client } = await setup(['nomic-embed-text']);
    expect(sentModels(ollama, '/api/show')).toContain('nomic-embed-text:latest');
    const aliases = await chatAliasTargets(gw);
    expect(Object.keys(aliases).sort()).toEqual(['auto', 'chat-fast', 'chat-quality']);
    for (const targets of Object.values(aliases)) expect(targets).toEqual(['ollama/qwen2.5-coder:7b']);
    const s = await status(gw);
    expect(s.ollamaModel).toEqual({ name: 'qwen2.5-coder:7b', chosenBy: 'default' });
    expect(s.missingModels?.map((m) => m.pullCommand)).toEqual(['ollama pull qwen2.5-coder:7b']);

    // A chat request is Ollama's "pull it first" 404 for the chat model, not a chat sent to the embedder.
    await expect(client.chat.completions.create({ model: 'chat-fast', messages: [{ role: 'user', content: 'hi' }] })).rejects.toMatchObject({ status: 404 });
    expect(sentModels(ollama, '/api/chat')).toEqual(['qwen2.5-coder:7b']);
    // Embeddings still use it.
    const emb = await client.embeddings.create({ input: 'hello' } as unknown as OpenAI.EmbeddingCreateParams);
    expect(emb.data).toHaveLength(1);
    expect(sentModels(ollama, '/api/embed')).toEqual(['nomic-embed-text']);
  });

  it('embedding models listed before the chat model: the aliases and tiers use the chat model', async () => {
    const { ollama, gw, client } = await setup(['all-minilm:latest', 'nomic-embed-text:latest', 'llama3.2:3b']);
    expect((await status(gw)).ollamaModel).toEqual({ name: 'llama3.2:3b', chosenBy: 'installed' });
    const aliases = await chatAliasTargets(gw);
    expect(aliases['chat-fast']).toEqual(['ollama/llama3.2:3b']);
    expect(aliases['chat-quality']).toEqual(['ollama/llama3.2:3b']);
    expect(aliases.auto.every((l) => l === 'ollama/llama3.2:3b')).toBe(true);
    await client.chat.completions.create({ model: 'chat-fast', messages: [{ role: 'user', content: 'hi' }] });
    expect(sentModels(ollama, '/api/chat')).toEqual(['llama3.2:3b']);
  });

  it('an embedding-only cloud provider beside an embedding-only Ollama: no chat alias names either embedder', async () => {
    const cloud = await startFakeOpenAI({ models: ['text-embedding-3-small', 'text-embedding-3-large'] });
    cleanup.push(() => cloud.close());
    const vectors = { id: 'vectors', kind: 'openai-compatible', baseUrl: `${cloud.url}/v1`, apiKey: 'sk-vectors-0000', models: ['text-embedding-3-small', 'text-embedding-3-large'] };
    const { gw, client } = await setup(['nomic-embed-text'], { providers: [vectors] });
    const labels = Object.values(await chatAliasTargets(gw)).flat();
    expect(labels.length).toBeGreaterThan(0);
    expect(labels.filter((l) => /embed/.test(l))).toEqual([]);
    expect(cloud.count('/chat/completions')).toBe(0);
    // The provider's embedding models still serve /v1/embeddings by name.
    const emb = await client.embeddings.create({ model: 'vectors/text-embedding-3-small', input: 'hello' });
    expect(emb.model).toBe('text-embedding-3-small');
  });
});
