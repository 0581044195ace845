// The `auto` embedder (an installed Ollama embedding model, else the builtin) and what /health/ready says about
// the embedder while it loads.
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAutoEmbedder, pickOllamaEmbedder } from '../../main/cache/embedders/auto.js';
import { createNgramEmbedder } from '../../main/cache/embedders/index.js';
import type { Embedder } from '../../main/cache/embedders/types.js';
import type { ModelInfo } from '../../main/core/types.js';
import { startFakeOllama, type FakeOllama } from '../fakes/ollama.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { ask, ctxFor, fakeProvider, openCache, semanticOn, settings } from './fixtures.js';

const ollamaWith = (models: ModelInfo[] | Promise<ModelInfo[]>) =>
  fakeProvider('ollama', 'local', { kind: 'ollama', listModels: async () => models, embed: async (r) => ({ model: r.upstreamModel, vectors: r.input.map(() => [1, 0]) }) });
const registry = (p?: ReturnType<typeof ollamaWith>) => ({ get: (id: string) => (p?.id === id ? p : undefined), all: () => (p ? [p] : []) });

describe('pickOllamaEmbedder', () => {
  const signal = new AbortController().signal;
  it('prefers the configured model, then the best known embedder; never a chat model', async () => {
    const models: ModelInfo[] = [
      { id: 'llama3.2:latest', kind: 'chat' },
      { id: 'all-minilm:latest' },
      { id: 'mxbai-embed-large:latest', kind: 'embedding' },
      { id: 'bge-m3:latest' },
    ];
    expect(await pickOllamaEmbedder(ollamaWith(models), ['bge-m3'], signal)).toBe('bge-m3:latest');
    expect(await pickOllamaEmbedder(ollamaWith(models), [undefined, 'nomic-embed-text'], signal)).toBe('mxbai-embed-large:latest');
    // Capabilities from /api/show (kind 'embedding') count even for an unknown name.
    expect(await pickOllamaEmbedder(ollamaWith([{ id: 'my-vectors:1b', kind: 'embedding' }]), [], signal)).toBe('my-vectors:1b');
    expect(await pickOllamaEmbedder(ollamaWith([{ id: 'qwen2.5-coder:7b', kind: 'chat' }]), [], signal)).toBeUndefined();
  });
});

describe('auto embedder', () => {
  const builtin = () => Object.assign(createNgramEmbedder(64), { preload: async () => undefined });

  it('is loading while it looks at Ollama, then uses the installed embedding model', async () => {
    let list!: (m: ModelInfo[]) => void;
    const auto = createAutoEmbedder(settings(), registry(ollamaWith(new Promise((r) => (list = r)))), builtin);
    const choosing = auto.preload();
    expect(auto.state).toBe('loading');
    expect(auto.ready).toBe(false);
    list([{ id: 'nomic-embed-text:latest', kind: 'embedding' }]);
    await choosing;
    expect(auto.state).toBe('ready');
    expect(auto.current().id).toBe('ollama-nomic-embed-text:latest');
  });

  it('falls back to the builtin without an Ollama provider, or when Ollama has no embedding model or is down', async () => {
    for (const reg of [registry(), registry(ollamaWith([{ id: 'llama3.2:latest', kind: 'chat' }])), registry(ollamaWith(Promise.reject(new Error('ECONNREFUSED'))))]) {
      const auto = createAutoEmbedder(settings(), reg, builtin);
      await auto.preload();
      expect(auto.current().id).toBe('builtin-ngram3-64');
    }
  });

  it('looks again later: a model pulled after start is picked up', async () => {
    let t = 0;
    const models: ModelInfo[] = [];
    const auto = createAutoEmbedder(settings(), registry(ollamaWith(models)), builtin, () => t);
    await auto.preload();
    expect(auto.current().id).toBe('builtin-ngram3-64');
    models.push({ id: 'nomic-embed-text:latest', kind: 'embedding' });
    t += 6 * 60_000;
    auto.current(); // starts the re-check
    await auto.preload();
    expect(auto.current().id).toBe('ollama-nomic-embed-text:latest');
  });
});

describe('cache.health().embedder (/health/ready)', () => {
  it('says loading while the embedder loads, ready after, off when the semantic cache is', async () => {
    const ngram = createNgramEmbedder();
    let ready = false;
    const slow: Embedder & { preload(): Promise<void> } = {
      id: 'slow',
      dim: ngram.dim,
      get ready() {
        return ready;
      },
      preload: () => new Promise(() => undefined),
      embed: (t, s) => ngram.embed(t, s),
    };
    const cache = openCache(semanticOn(), { embedder: slow });
    try {
      expect(cache.health().embedder).toBe('loading');
      expect((await cache.lookup(ask('What is a mutex?'), ctxFor())).status).toBe('bypass:embedder-loading');
      ready = true;
      expect(cache.health().embedder).toBe('ready');
      cache.applySettings(settings());
      expect(cache.health().embedder).toBe('off');
    } finally {
      cache.close();
    }
  });
});

describe('auto through a real gateway and the fake Ollama', () => {
  let ollama: FakeOllama;
  let gw: TestGateway | undefined;
  beforeAll(async () => {
    ollama = await startFakeOllama({ models: ['llama3.2:latest', 'nomic-embed-text:latest'], embeddingDim: 24, record: true });
  });
  afterEach(async () => {
    await gw?.close();
    gw = undefined;
  });
  afterAll(async () => ollama?.close());

  const start = (models?: string[]) =>
    startTestGateway({
      providers: [{ id: 'ollama', kind: 'ollama', baseUrl: ollama.url, ...(models ? { models } : {}) }],
      aliases: { chat: { targets: ['ollama/llama3.2'] } },
      defaultModel: 'chat',
      cache: { semantic: { enabled: true } },
    });
  const send = (g: TestGateway) =>
    new OpenAI({ baseURL: `${g.baseUrl}/v1`, apiKey: 'unused', maxRetries: 0 }).chat.completions
      .create({ model: 'chat', messages: [{ role: 'user', content: 'What is a monad?' }] })
      .withResponse();
  const until = async (check: () => Promise<boolean>): Promise<void> => {
    for (let i = 0; i < 100 && !(await check()); i++) await new Promise((r) => setTimeout(r, 50));
  };

  it('embeds with nomic-embed-text by default (auto), and /health/ready says the embedder is ready', async () => {
    gw = await start();
    const g = gw;
    await until(async () => ((await (await fetch(`${g.baseUrl}/health/ready`)).json()) as { cache: { embedder: string } }).cache.embedder === 'ready');
    const ready = (await (await fetch(`${g.baseUrl}/health/ready`)).json()) as { cache: unknown };
    expect(ready.cache).toMatchObject({ semantic: true, embedder: 'ready' });
    await send(g);
    const embeds = ollama.requests.filter((r) => r.path === '/api/embed');
    expect(embeds.length).toBeGreaterThan(0);
    expect((embeds.at(-1)?.body as { model?: string }).model).toMatch(/^nomic-embed-text/);
    const stats = (await (await g.admin('/admin/cache/stats')).json()) as { embedder: string };
    expect(stats.embedder).toBe('ollama-nomic-embed-text:latest');
  });

  it('uses the builtin when Ollama has no embedding model', async () => {
    ollama.models.splice(0, ollama.models.length, 'llama3.2:latest');
    try {
      gw = await start();
      const g = gw;
      await until(async () => /^builtin-/.test(((await (await g.admin('/admin/cache/stats')).json()) as { embedder: string }).embedder));
      const before = ollama.requests.filter((r) => r.path === '/api/embed').length;
      await send(g);
      expect(ollama.requests.filter((r) => r.path === '/api/embed').length).toBe(before);
      expect(((await (await g.admin('/admin/cache/stats')).json()) as { embedder: string }).embedder).toMatch(/^builtin-hybrid/);
    } finally {
      ollama.models.splice(0, ollama.models.length, 'llama3.2:latest', 'nomic-embed-text:latest');
    }
  });
});
