// Embeddings fall back only to the same model (routing/embedding.ts sameModelTargets): vectors of another model live
// in another space, often of another dimension, so a client that stored model A's vectors must never get model B's
// for its query. Through a real gateway and fake upstreams: the same model on another Ollama (the tag spelled
// differently) or another OpenAI-compatible endpoint takes over; a different model is never asked, and the first
// target's failure (502, 429, 504 naming the provider, in OpenAI's envelope) is the answer.
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOllama, type FakeOllama } from '../fakes/ollama.js';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/openai.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

let ollama: FakeOllama;
let ollamaB: FakeOllama;
let cloudA: FakeOpenAI;
let cloudB: FakeOpenAI;
let gw: TestGateway;

// Each upstream answers vectors of its own size, so a body shows whose vectors it carries.
const DIM = { ollama: 6, ollamaB: 7, cloudA: 12, cloudB: 13 };

beforeAll(async () => {
  ollama = await startFakeOllama({ models: ['nomic-embed-text:latest'], embeddingDim: DIM.ollama });
  ollamaB = await startFakeOllama({ models: ['nomic-embed-text:latest'], embeddingDim: DIM.ollamaB });
  cloudA = await startFakeOpenAI({ models: ['text-embedding-3-small'], embeddingDim: DIM.cloudA });
  cloudB = await startFakeOpenAI({ models: ['text-embedding-3-small'], embeddingDim: DIM.cloudB });
  const cloud = (id: string, url: string) => ({ id, kind: 'openai-compatible' as const, baseUrl: url, apiKey: `sk-${id}-0000`, models: ['text-embedding-3-small'] });
  gw = await startTestGateway({
    cache: { exact: { enabled: false }, semantic: { enabled: false } },
    server: { upstreamTimeoutMs: 500 },
    providers: [
      { id: 'ollama', kind: 'ollama', baseUrl: ollama.url },
      { id: 'ollama-b', kind: 'ollama', baseUrl: ollamaB.url },
      cloud('cloud-a', cloudA.url),
      cloud('cloud-b', cloudB.url),
    ],
    aliases: {
      // One model, spelled with and without Ollama's default tag.
      'nomic-twice': { description: 'n', targets: ['ollama/nomic-embed-text', 'ollama-b/nomic-embed-text:latest'] },
      'small-twice': { description: 's', targets: ['cloud-a/text-embedding-3-small', 'cloud-b/text-embedding-3-small'] },
      'two-models': { description: 't', targets: ['ollama/nomic-embed-text', 'cloud-a/text-embedding-3-small'] },
      'other-between': { description: 'o', targets: ['ollama/nomic-embed-text', 'cloud-a/text-embedding-3-small', 'ollama-b/nomic-embed-text'] },
    },
    fallback: { retries: 0, breakerThreshold: 1000 },
  });
});

afterAll(async () => {
  await gw?.close();
  for (const f of [cloudB, cloudA, ollamaB, ollama]) await f?.close();
});

interface EmbeddingList {
  object: string;
  model: string;
  data: { object: string; index: number; embedding: number[] }[];
}

const embed = (body: Record<string, unknown>): Promise<Response> =>
  fetch(`${gw.baseUrl}/v1/embeddings`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** The bodies each fake received on its embeddings path since `mark()`. */
function sentSince() {
  const paths = [
    [ollama, '/api/embed'],
    [ollamaB, '/api/embed'],
    [cloudA, '/v1/embeddings'],
    [cloudB, '/v1/embeddings'],
  ] as const;
  const before = paths.map(([f, path]) => f.requests.filter((r) => r.path === path).length);
  return () => paths.map(([f, path], i) => f.requests.filter((r) => r.path === path).slice(before[i]).map((r) => r.body));
}

const headers = (res: Response) => ['x-lynkr-provider', 'x-lynkr-model', 'x-lynkr-fallback-from'].map((h) => res.headers.get(h));

describe('fallback to the same model', () => {
  it("another Ollama serving the model (`x` and `x:latest` are one): its vectors, and `model` names what answered", async () => {
    ollama.setFault({ status: 500, body: { error: 'llama runner process has terminated' } }, { path: '/api/embed', times: 1 });
    const sent = sentSince();
    const res = await embed({ model: 'nomic-twice', input: ['a', 'b'], encoding_format: 'float' });
    expect(res.status).toBe(200);
    expect(headers(res)).toEqual(['ollama-b', 'nomic-embed-text:latest', 'ollama/nomic-embed-text (HTTP 500)']);
    const body = (await res.json()) as EmbeddingList;
    expect(body.model).toBe('nomic-embed-text:latest');
    expect(body.data.map((d) => d.embedding.length)).toEqual([DIM.ollamaB, DIM.ollamaB]);
    expect(sent()).toEqual([
      [expect.objectContaining({ model: 'nomic-embed-text', input: ['a', 'b'] })],
      [expect.objectContaining({ model: 'nomic-embed-text:latest', input: ['a', 'b'] })],
      [],
      [],
    ]);
  });

  it('another OpenAI-compatible endpoint serving the model, through the OpenAI SDK', async () => {
    cloudA.setFault({ status: 503, body: { error: { message: 'overloaded backend', type: 'server_error' } } }, { path: '/embeddings', times: 1 });
    const sent = sentSince();
    const sdk = new OpenAI({ baseURL: `${gw.baseUrl}/v1`, apiKey: 'unused', maxRetries: 0 });
    const { data, response } = await sdk.embeddings.create({ model: 'small-twice', input: 'hello', dimensions: 5 }).withResponse();
    expect(headers(response)).toEqual(['cloud-b', 'text-embedding-3-small', 'cloud-a/text-embedding-3-small (HTTP 503)']);
    expect(data.model).toBe('text-embedding-3-small');
    expect(data.data[0].embedding).toHaveLength(5);
    const [, , a, b] = sent();
    expect([a, b]).toEqual([
      [expect.objectContaining({ model: 'text-embedding-3-small', input: ['hello'], dimensions: 5 })],
      [expect.objectContaining({ model: 'text-embedding-3-small', input: ['hello'], dimensions: 5 })],
    ]);
  });

  it('skips a different model between the first target and the same model further on', async () => {
    ollama.setFault({ status: 500 }, { path: '/api/embed', times: 1 });
    const sent = sentSince();
    const res = await embed({ model: 'other-between', input: 'q', encoding_format: 'float' });
    expect(res.status).toBe(200);
    expect(headers(res)).toEqual(['ollama-b', 'nomic-embed-text', 'ollama/nomic-embed-text (HTTP 500)']);
    expect(((await res.json()) as EmbeddingList).data[0].embedding).toHaveLength(DIM.ollamaB);
    expect(sent().map((bodies) => bodies.length)).toEqual([1, 1, 0, 0]);
  });
});

describe('never to a different model: the first target’s failure is the answer', () => {
  it('an upstream 500: 502 naming the provider, in OpenAI’s envelope; the other model got nothing', async () => {
    ollama.setFault({ status: 500, body: { error: 'llama runner process has terminated' } }, { path: '/api/embed', times: 1 });
    const sent = sentSince();
    const res = await embed({ model: 'two-models', input: 'q' });
    expect(res.status).toBe(502);
    const { error } = (await res.json()) as { error: { message: string; type: string } };
    expect(error.message).toContain('ollama');
    expect(error.message).toContain('llama runner process has terminated');
    expect(typeof error.type).toBe('string');
    expect(headers(res)).toEqual(['ollama', 'nomic-embed-text', 'ollama/nomic-embed-text (HTTP 500)']);
    expect(sent().map((bodies) => bodies.length)).toEqual([1, 0, 0, 0]);
  });

  it('an upstream 429: a 429 with Retry-After, not the other model’s vectors', async () => {
    ollama.setFault({ status: 429, body: { error: 'too many requests' }, headers: { 'retry-after': '3' } }, { path: '/api/embed', times: 1 });
    const sent = sentSince();
    const res = await embed({ model: 'two-models', input: 'q' });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('3');
    expect(((await res.json()) as { error: { type: string; message: string } }).error).toMatchObject({ type: 'rate_limit_error', message: expect.stringContaining('ollama') });
    expect(sent().map((bodies) => bodies.length)).toEqual([1, 0, 0, 0]);
  });

  it('an upstream that never answers: 504 naming the provider', async () => {
    ollama.setFault('hang-before-headers', { path: '/api/embed', times: 1 });
    const sent = sentSince();
    const res = await embed({ model: 'two-models', input: 'q' });
    expect(res.status).toBe(504);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain('ollama');
    expect(sent().map((bodies) => bodies.length)).toEqual([1, 0, 0, 0]);
  });

  it('with the first target up, the alias answers with its first model', async () => {
    const res = await embed({ model: 'two-models', input: 'q', encoding_format: 'float' });
    expect(res.status).toBe(200);
    const body = (await res.json()) as EmbeddingList;
    expect([body.model, body.data[0].embedding.length]).toEqual(['nomic-embed-text', DIM.ollama]);
  });
});
