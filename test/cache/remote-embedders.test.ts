// The Ollama (/api/embed) and OpenAI-compatible (/embeddings) embedders through the real provider adapters, and
// embedder switching across a restart: each embedder space has its own vec table, so vectors never mix.
import path from 'node:path';
import Database from 'better-sqlite3';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOllama, type FakeOllama } from '../fakes/ollama.js';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/openai.js';
import { startTestGateway } from '../helpers/gateway.js';
import { tempDir } from './fixtures.js';

let up: FakeOpenAI;
let ollama: FakeOllama;
beforeAll(async () => {
  up = await startFakeOpenAI({ models: ['gpt-4o-mini'], embeddingDim: 16 });
  ollama = await startFakeOllama({ models: ['llama3.2:latest', 'nomic-embed-text:latest'], embeddingDim: 24 });
});
afterAll(async () => {
  await up?.close();
  await ollama?.close();
});

const base = (semantic: Record<string, unknown>) => ({
  providers: [
    { id: 'openai', kind: 'openai' as const, baseUrl: up.url, apiKey: 'sk-test-0123456789abcdef', models: ['gpt-4o-mini'] },
    { id: 'ollama', kind: 'ollama' as const, baseUrl: ollama.url },
  ],
  aliases: { chat: { targets: ['openai/gpt-4o-mini'] } },
  defaultModel: 'chat',
  cache: { semantic: { enabled: true, threshold: 0.99, ...semantic } },
});

/** Same last user turn, different max_tokens: the exact key differs, the semantic context does not. */
async function pair(baseUrl: string): Promise<[string | null, string | null, string | null]> {
  const client = new OpenAI({ baseURL: `${baseUrl}/v1`, apiKey: 'unused', maxRetries: 0 });
  const send = (max: number) =>
    client.chat.completions.create({ model: 'chat', max_tokens: max, messages: [{ role: 'user', content: 'What is a monad?' }] }).withResponse();
  const a = await send(100);
  const b = await send(200);
  return [a.response.headers.get('x-lynkr-cache'), b.response.headers.get('x-lynkr-cache'), b.response.headers.get('x-lynkr-cache-similarity')];
}

const vecTables = (dir: string): string[] => {
  const db = new Database(path.join(dir, 'cache.db'), { readonly: true });
  try {
    return (db.prepare('SELECT name FROM vec_tables ORDER BY name').all() as { name: string }[]).map((r) => r.name);
  } finally {
    db.close();
  }
};

describe('remote embedders', () => {
  it('openai-compatible /embeddings: semantic hit, one embeddings call per lookup, own vec table; switching to ollama uses another', async () => {
    const dir = tempDir();
    const chatsBefore = up.count('/chat/completions');
    const embedsBefore = up.count('/embeddings');
    let g = await startTestGateway(base({ embedder: 'openai', embedderProvider: 'openai', embedderModel: 'text-embedding-3-small' }), { dataDir: dir });
    try {
      expect(await pair(g.baseUrl)).toEqual(['miss', 'hit-semantic', '1.0000']);
      expect(up.count('/chat/completions')).toBe(chatsBefore + 1);
      expect(up.count('/embeddings')).toBe(embedsBefore + 2);
      const req = up.requests.filter((r) => r.path.endsWith('/embeddings')).at(-1)!;
      expect(req.body).toMatchObject({ model: 'text-embedding-3-small', input: ['What is a monad?'] });
    } finally {
      await g.close();
    }
    expect(vecTables(dir)).toEqual(['vec_openai_text_embedding_3_small_16']);

    // Restart on the same file with the Ollama embedder: the OpenAI-space vectors are not consulted.
    const ollamaEmbeds = ollama.count('/api/embed');
    g = await startTestGateway(base({ embedder: 'ollama', embedderModel: 'nomic-embed-text' }), { dataDir: dir });
    try {
      const client = new OpenAI({ baseURL: `${g.baseUrl}/v1`, apiKey: 'unused', maxRetries: 0 });
      const r = await client.chat.completions
        .create({ model: 'chat', max_tokens: 300, messages: [{ role: 'user', content: 'What is a monad?' }] })
        .withResponse();
      expect(r.response.headers.get('x-lynkr-cache')).toBe('miss');
      expect(ollama.count('/api/embed')).toBe(ollamaEmbeds + 1);
      const r2 = await client.chat.completions
        .create({ model: 'chat', max_tokens: 400, messages: [{ role: 'user', content: 'What is a monad?' }] })
        .withResponse();
      expect(r2.response.headers.get('x-lynkr-cache')).toBe('hit-semantic');
    } finally {
      await g.close();
    }
    expect(vecTables(dir)).toEqual(['vec_ollama_nomic_embed_text_24', 'vec_openai_text_embedding_3_small_16']);
  });

  it('an upstream embedder error is a counted bypass, not a failed request', async () => {
    const g = await startTestGateway(base({ embedder: 'openai', embedderProvider: 'openai', embedderModel: 'text-embedding-3-small' }));
    try {
      up.setFault({ status: 500 }, { times: 1 });
      const client = new OpenAI({ baseURL: `${g.baseUrl}/v1`, apiKey: 'unused', maxRetries: 0 });
      // The fault hits the first upstream call, which is the embedding (lookup runs before the chat request).
      const r = await client.chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'Explain currying.' }] }).withResponse();
      expect(r.response.status).toBe(200);
      expect(r.response.headers.get('x-lynkr-cache')).toBe('bypass:embedder-error');
      const stats = (await (await g.admin('/admin/cache/stats')).json()) as { embedderFailures: number; embedder: string };
      expect(stats).toMatchObject({ embedderFailures: 1, embedder: 'openai-text-embedding-3-small' });
    } finally {
      await g.close();
    }
  });
});
