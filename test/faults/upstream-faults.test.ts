// Issue 7's fault suite: whatever the upstream does, the client gets a clean error in its own format (an
// envelope, or a well-formed error event once a stream has started), the request log records it, and the
// gateway keeps serving.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeOllama, type FakeOllama } from '../fakes/ollama.js';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/openai.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { type ClientFormat, type Outcome, expectCleanFailure, expectStreamComplete, expectStreamEndsWithError } from './sse.js';

let cloud: FakeOpenAI;
let ollama: FakeOllama;
let gw: TestGateway;
let n = 0;

const TIMEOUTS = { connectTimeoutMs: 300, firstByteTimeoutMs: 600, idleChunkTimeoutMs: 600, upstreamTimeoutMs: 1_500 };

beforeAll(async () => {
  cloud = await startFakeOpenAI({ models: ['gpt-4o-mini'] });
  ollama = await startFakeOllama({ models: ['llama3.2:latest'] });
  gw = await startTestGateway({
    providers: [
      { id: 'oa', kind: 'openai', baseUrl: cloud.url, apiKey: 'sk-fault-suite-key-0000000000', models: ['gpt-4o-mini'] },
      { id: 'ollama', kind: 'ollama', baseUrl: ollama.url, models: ['llama3.2:latest'] },
    ],
    aliases: { cloud: { targets: ['oa/gpt-4o-mini'] }, local: { targets: ['ollama/llama3.2:latest'] } },
    defaultModel: 'cloud',
    fallback: { enabled: false, retries: 0, breakerThreshold: 1000 },
    cache: { exact: { enabled: false } },
    server: TIMEOUTS,
  });
});

afterAll(async () => {
  await gw?.close();
  await cloud?.close();
  await ollama?.close();
});

beforeEach(() => {
  cloud.setFault(null);
  ollama.setFault(null);
  cloud.reply({ text: 'one two three four five six', delayMs: 5 });
  ollama.reply({ text: 'one two three four five six', delayMs: 5 });
});

const PATHS: Record<ClientFormat, string> = {
  'openai-chat': '/v1/chat/completions',
  'anthropic-messages': '/v1/messages',
  'openai-responses': '/v1/responses',
};

function bodyFor(format: ClientFormat, model: string, stream: boolean): Record<string, unknown> {
  const text = `fault case ${++n}`;
  if (format === 'anthropic-messages') return { model, max_tokens: 64, stream, messages: [{ role: 'user', content: text }] };
  if (format === 'openai-responses') return { model, stream, input: text };
  return { model, stream, messages: [{ role: 'user', content: text }] };
}

async function call(format: ClientFormat, model: string, stream: boolean): Promise<Outcome & { ms: number }> {
  const t0 = Date.now();
  const res = await fetch(`${gw.baseUrl}${PATHS[format]}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
    body: JSON.stringify(bodyFor(format, model, stream)),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', requestId: res.headers.get('x-request-id'), text, ms: Date.now() - t0 };
}

interface LogRow {
  id: string;
  status: number;
  stream: boolean;
  error?: string;
  provider?: string;
}

async function logRow(id: string | null): Promise<LogRow | undefined> {
  expect(id).toBeTruthy();
  // The record is written when the response finishes; give it a moment.
  for (let i = 0; i < 20; i++) {
    const { rows } = (await (await gw.admin('/admin/logs?limit=200')).json()) as { rows: LogRow[] };
    const row = rows.find((r) => r.id === id);
    if (row) return row;
    await new Promise((r) => setTimeout(r, 50));
  }
  return undefined;
}

async function stillServes(): Promise<void> {
  expect((await fetch(`${gw.baseUrl}/health`)).status).toBe(200);
  const ok = await call('openai-chat', 'cloud', false);
  expect(ok.status).toBe(200);
}

const formats: ClientFormat[] = ['openai-chat', 'anthropic-messages', 'openai-responses'];

describe.each(formats)('upstream killed mid-stream (%s client)', (format) => {
  it('the client gets a well-formed error event and the request log records the failure', async () => {
    cloud.setFault('cut-mid-stream', { afterChunks: 3, times: 1 });
    const o = await call(format, 'cloud', true);
    expect(o.status).toBe(200);
    const frames = expectStreamEndsWithError(format, o.text);
    expect(frames.length).toBeGreaterThan(1);
    const row = await logRow(o.requestId);
    expect(row).toBeDefined();
    expect(row!.stream).toBe(true);
    expect(row!.status).toBeGreaterThanOrEqual(500);
    expect(row!.error).toBeTruthy();
    await stillServes();
  });
});

describe('bad bytes from an OpenAI-compatible upstream', () => {
  const faults = ['invalid-json', 'broken-sse', 'html-error', 'empty-200'] as const;
  for (const fault of faults) {
    // A broken SSE frame only exists in a stream.
    for (const stream of fault === 'broken-sse' ? [true] : [true, false]) {
      it(`${fault}, stream=${stream}: clean error in the client's envelope, logged`, async () => {
        cloud.setFault(fault, { times: 1 });
        const o = await call('openai-chat', 'cloud', stream);
        expectCleanFailure('openai-chat', o);
        expect(o.status).not.toBe(500);
        const row = await logRow(o.requestId);
        expect(row?.status).toBeGreaterThanOrEqual(500);
        expect(row?.error).toBeTruthy();
        await stillServes();
      });
    }
  }

  it('html-error for an Anthropic client: Anthropic envelope', async () => {
    cloud.setFault('html-error', { times: 1 });
    const o = await call('anthropic-messages', 'cloud', false);
    expectCleanFailure('anthropic-messages', o);
    expect(o.text).not.toContain('<html');
  });
});

describe('bad bytes from Ollama (NDJSON)', () => {
  for (const fault of ['truncated-ndjson', 'invalid-json', 'cut-mid-stream', 'html-error', 'empty-200'] as const) {
    it(`${fault}: clean failure for a streaming OpenAI client`, async () => {
      ollama.setFault(fault, { times: 1, path: '/api/chat' });
      const o = await call('openai-chat', 'local', true);
      expectCleanFailure('openai-chat', o);
      expect(o.status).not.toBe(500);
      const row = await logRow(o.requestId);
      expect(row?.error).toBeTruthy();
    });
  }
});

describe('hangs and per-phase timeouts', () => {
  it('hang before headers: 504-class error after about firstByteTimeoutMs, upstream request aborted', async () => {
    cloud.setFault('hang-before-headers', { times: 1 });
    const o = await call('openai-chat', 'cloud', true);
    expectCleanFailure('openai-chat', o);
    // Bounded by the first-byte deadline (not the 1.5 s whole-request one, nor forever).
    expect(o.ms).toBeGreaterThanOrEqual(TIMEOUTS.firstByteTimeoutMs * 0.8);
    expect(o.ms).toBeLessThan(TIMEOUTS.upstreamTimeoutMs + 1_000);
    await cloud.waitForAbort(2_000);
    expect(o.status).toBe(504);
    const row = await logRow(o.requestId);
    expect(row?.error).toMatch(/sent no response within 600 ms/);
    await stillServes();
  });

  it('hang mid-stream: an error event after about idleChunkTimeoutMs of silence', async () => {
    cloud.setFault('hang-mid-stream', { times: 1, afterChunks: 2 });
    const o = await call('openai-chat', 'cloud', true);
    expect(o.status).toBe(200);
    expectStreamEndsWithError('openai-chat', o.text);
    expect(o.ms).toBeGreaterThanOrEqual(TIMEOUTS.idleChunkTimeoutMs - 50);
    expect(o.ms).toBeLessThan(5_000);
    const row = await logRow(o.requestId);
    expect(row?.error).toMatch(/timed out|timeout|silent|idle/i);
  });

  it('hang mid-stream for an Anthropic client: an Anthropic error event', async () => {
    cloud.setFault('hang-mid-stream', { times: 1, afterChunks: 2 });
    const o = await call('anthropic-messages', 'cloud', true);
    expect(o.status).toBe(200);
    expectStreamEndsWithError('anthropic-messages', o.text);
  });

  it('non-streaming hang mid-body is bounded by the upstream deadline', async () => {
    cloud.setFault('hang-mid-stream', { times: 1 });
    const o = await call('openai-chat', 'cloud', false);
    expectCleanFailure('openai-chat', o);
    expect(o.ms).toBeLessThan(TIMEOUTS.upstreamTimeoutMs + 1_500);
  });
});

describe('Ollama stops and starts during a run', () => {
  it('fails cleanly while down, then serves again once it is back', async () => {
    const before = await call('openai-chat', 'local', true);
    expect(before.status).toBe(200);
    expectStreamComplete('openai-chat', before.text);

    await ollama.stop();
    for (const stream of [true, false]) {
      const o = await call('openai-chat', 'local', stream);
      expectCleanFailure('openai-chat', o);
      expect([502, 503, 504]).toContain(o.status);
      expect(o.ms).toBeLessThan(3_000);
    }
    const down = await call('anthropic-messages', 'local', true);
    expectCleanFailure('anthropic-messages', down);
    // Cloud traffic is unaffected meanwhile.
    expect((await call('openai-chat', 'cloud', false)).status).toBe(200);

    await ollama.restart();
    const after = await call('openai-chat', 'local', true);
    expect(after.status).toBe(200);
    expectStreamComplete('openai-chat', after.text);
  });
});

describe('port in use at start', () => {
  it('startGateway rejects with a clear EADDRINUSE message', async () => {
    const err = await startTestGateway({ server: { port: gw.port } }).then(
      async (g) => {
        await g.close();
        return undefined;
      },
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/EADDRINUSE/);
    expect((err as Error).message).toContain(String(gw.port));
    expect((err as Error).message).toMatch(/already in use/);
    await stillServes();
  });
});
