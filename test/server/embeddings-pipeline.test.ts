// Issue 20: embeddings go through the pipeline like chat. Through a real gateway and fake upstreams: routing to
// embedding models (a chat model's name is a 400 in OpenAI's envelope, an alias keeps only its embedding targets),
// the per-provider concurrency limit (wait, then 429), the client's abort reaching the upstream call, and a
// request-log row for each outcome, read back from /admin/logs.
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RequestRecord } from '../../main/core/ports.js';
import { startFakeOllama, type FakeOllama } from '../fakes/ollama.js';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/openai.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

let ollama: FakeOllama;
let cloud: FakeOpenAI;
let gw: TestGateway;

beforeAll(async () => {
  ollama = await startFakeOllama({ models: ['qwen2.5-coder:7b', 'nomic-embed-text:latest'] });
  cloud = await startFakeOpenAI({ models: ['text-embedding-3-small'] });
  gw = await startTestGateway({
    cache: { exact: { enabled: false }, semantic: { enabled: false } },
    providers: [
      { id: 'ollama', kind: 'ollama', baseUrl: ollama.url },
      // maxConcurrent 1 → one running, a queue of 1 (half of max, at least 1), then 429.
      { id: 'cloud', kind: 'openai-compatible', baseUrl: cloud.url, apiKey: 'sk-cloud-0000', models: ['text-embedding-3-small'], maxConcurrent: 1 },
    ],
    aliases: {
      vectors: { description: 'embeddings in the cloud', targets: ['cloud/text-embedding-3-small'] },
      coder: { description: 'a chat model only', targets: ['ollama/qwen2.5-coder:7b'] },
      mixed: { description: 'a chat model, then an embedding model', targets: ['ollama/qwen2.5-coder:7b', 'ollama/nomic-embed-text:latest'] },
    },
    fallback: { retries: 0, breakerThreshold: 1000 },
  });
});

afterAll(async () => {
  await gw?.close();
  await cloud?.close();
  await ollama?.close();
});

const embed = (body: Record<string, unknown>, signal?: AbortSignal): Promise<Response> =>
  fetch(`${gw.baseUrl}/v1/embeddings`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal });

async function logRow(requestId: string | null | undefined): Promise<RequestRecord | undefined> {
  expect(requestId).toMatch(/^[0-9a-f]{24}$/);
  const { rows } = (await (await gw.admin(`/admin/logs?limit=50&q=${requestId}`)).json()) as { rows: RequestRecord[] };
  return rows.find((r) => r.id === requestId);
}

async function until(what: string, cond: () => boolean, timeoutMs = 3_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const embedCalls = (): number => cloud.count('/embeddings');

describe('routing to embedding models', () => {
  it('a chat model’s name is a 400 in OpenAI’s envelope naming the embedding models; nothing is sent upstream', async () => {
    for (const model of ['ollama/qwen2.5-coder:7b', 'qwen2.5-coder:7b', 'coder']) {
      const res = await embed({ model, input: 'hi' });
      expect(res.status).toBe(400);
      const { error } = (await res.json()) as { error: { message: string; type: string; param: string | null; code: string | null } };
      expect(error).toMatchObject({ type: 'invalid_request_error', param: 'model', code: 'model_not_embedding' });
      expect(error.message).toContain(`'${model}' cannot create embeddings (ollama/qwen2.5-coder:7b: not an embedding model)`);
      expect(error.message).toContain('ollama/nomic-embed-text:latest');
      expect(await logRow(res.headers.get('x-request-id'))).toMatchObject({ status: 400, clientFormat: 'embeddings', requestedModel: model });
    }
    expect(ollama.count('/api/embed')).toBe(0);

    const sdk = new OpenAI({ baseURL: `${gw.baseUrl}/v1`, apiKey: 'unused', maxRetries: 0 });
    const err = await sdk.embeddings.create({ model: 'ollama/qwen2.5-coder:7b', input: 'hi' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('model');
  });

  it('an alias keeps only the targets that embed: its chat model is never asked', async () => {
    const before = ollama.count('/api/embed');
    const res = await embed({ model: 'mixed', input: ['a', 'b'], encoding_format: 'float' });
    expect(res.status).toBe(200);
    expect([res.headers.get('x-lynkr-alias'), res.headers.get('x-lynkr-model'), res.headers.get('x-lynkr-fallback-from')]).toEqual(['mixed', 'nomic-embed-text:latest', null]);
    expect(((await res.json()) as { data: unknown[] }).data).toHaveLength(2);
    const sent = ollama.requests.filter((r) => r.path === '/api/embed').slice(before);
    expect(sent.map((r) => (r.body as { model?: string }).model)).toEqual(['nomic-embed-text:latest']);
  });
});

describe('the request log', () => {
  it('a success: route fields, tokens and latency', async () => {
    const res = await embed({ model: 'vectors', input: ['one', 'two'] });
    expect(res.status).toBe(200);
    const row = await logRow(res.headers.get('x-request-id'));
    expect(row).toMatchObject({
      status: 200,
      clientFormat: 'embeddings',
      requestedModel: 'vectors',
      alias: 'vectors',
      provider: 'cloud',
      model: 'text-embedding-3-small',
      locality: 'cloud',
      stream: false,
      cache: 'off',
      fallbackFrom: [],
    });
    expect(row?.inputTokens).toBeGreaterThan(0);
    expect(row?.latencyMs).toBeGreaterThan(0);
  });

  it('an upstream failure: 502 naming the provider, and a row with the route and the error', async () => {
    cloud.setFault({ status: 500, body: { error: { message: 'embedding backend fell over' } } }, { path: '/embeddings', times: 1 });
    const res = await embed({ model: 'vectors', input: 'hi' });
    expect(res.status).toBe(502);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain('cloud');
    expect(res.headers.get('x-lynkr-fallback-from')).toBe('cloud/text-embedding-3-small (HTTP 500)');
    const row = await logRow(res.headers.get('x-request-id'));
    expect(row).toMatchObject({ status: 502, clientFormat: 'embeddings', alias: 'vectors', provider: 'cloud', model: 'text-embedding-3-small', fallbackFrom: ['cloud/text-embedding-3-small (HTTP 500)'] });
    expect(row?.error).toContain('embedding backend fell over');
  });
});

describe('the client and the limiter', () => {
  it('a client that goes away aborts the upstream embed call; its row says 499', async () => {
    cloud.setFault('hang-before-headers', { path: '/embeddings', times: 1 });
    const n = embedCalls();
    const client = new AbortController();
    const pending = embed({ model: 'vectors', input: 'hi' }, client.signal).catch((e: unknown) => e);
    await until('the upstream call', () => embedCalls() === n + 1);
    const upstream = cloud.requests.filter((r) => r.path.endsWith('/embeddings')).at(-1)!;
    expect(upstream.aborted).toBe(false);
    client.abort();
    await pending;
    await until('the upstream abort', () => upstream.aborted);
    const { rows } = (await (await gw.admin('/admin/logs?limit=5')).json()) as { rows: RequestRecord[] };
    expect(rows.find((r) => r.clientFormat === 'embeddings')).toMatchObject({ status: 499, provider: 'cloud', error: 'client closed request' });
  });

  it('waits for a free slot like chat calls, and is refused with 429 when the queue is full too', async () => {
    cloud.setFault('hang-before-headers', { path: '/embeddings', times: 1 });
    const n = embedCalls();
    const first = new AbortController();
    const running = embed({ model: 'vectors', input: 'one' }, first.signal).catch((e: unknown) => e);
    await until('the first call upstream', () => embedCalls() === n + 1);
    const queued = embed({ model: 'vectors', input: 'two' });
    await new Promise((r) => setTimeout(r, 50));
    expect(embedCalls()).toBe(n + 1); // the second waits in the gateway, not upstream

    const t0 = performance.now();
    const over = await embed({ model: 'vectors', input: 'three' });
    expect(performance.now() - t0).toBeLessThan(500);
    expect(over.status).toBe(429);
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(((await over.json()) as { error: { type: string; message: string } }).error).toMatchObject({ type: 'rate_limit_error', message: expect.stringContaining('cloud') });
    expect(await logRow(over.headers.get('x-request-id'))).toMatchObject({ status: 429, clientFormat: 'embeddings', alias: 'vectors' });

    first.abort(); // frees the slot: the queued call goes upstream and is answered
    await running;
    const answered = await queued;
    expect(answered.status).toBe(200);
    expect(embedCalls()).toBe(n + 2);
    expect(await logRow(answered.headers.get('x-request-id'))).toMatchObject({ status: 200, provider: 'cloud' });
  });
});
