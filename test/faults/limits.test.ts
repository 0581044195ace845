// Issue 20's limits: whatever size an upstream answers with, the gateway (in this process) gives a clean 502 naming
// the provider, a well-formed error event mid-stream, or passes a stream through with backpressure — and its memory
// stays flat and /health keeps answering. The upstream below writes its bytes lazily, with backpressure, so the
// test itself never holds a big body either.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { expectStreamEndsWithError } from './sse.js';

const MB = 1024 * 1024;
const RSS_GROWTH_LIMIT = 150 * MB;
/** /health meanwhile: every answer under a second, the typical one well under (the build machine is shared, 2 cores). */
const HEALTH_MAX_MS = 1_000;
const HEALTH_MEDIAN_MS = 250;

type Scenario = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/** Writes `total` bytes made by `piece()` (called again as each write drains), then `tail`; stops if the client goes. */
async function writeLazily(res: ServerResponse, total: number, piece: () => string | Buffer, tail = ''): Promise<void> {
  let gone = false;
  res.on('close', () => (gone = true));
  let written = 0;
  while (written < total && !gone) {
    const chunk = piece();
    written += chunk.length;
    upstreamBytes += chunk.length;
    if (!res.write(chunk)) await new Promise<void>((r) => {
      const done = (): void => {
        res.off('drain', done);
        res.off('close', done);
        r();
      };
      res.on('drain', done);
      res.on('close', done);
    });
  }
  if (!gone) res.end(tail);
}

const FILLER = 'a'.repeat(64 * 1024);
const sseEvent = (content: string): string => `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'big', choices: [{ index: 0, delta: { content } }] })}\n\n`;
const BIG_EVENT = sseEvent('x'.repeat(16 * 1024));
const END_EVENTS = `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'big', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}\n\ndata: [DONE]\n\n`;
/** 16 MB of zeros as one gzip member (~16 KB); members concatenated make one gzip body (RFC 1952 §2.2). */
const BOMB_MEMBER = gzipSync(Buffer.alloc(16 * MB));

const scenarios: Record<string, Scenario> = {
  /** A non-streamed answer of 300 MB (no content-length: the bytes read must trip the cap). */
  huge: (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"id":"x","model":"big","message":{"role":"assistant","content":"');
    return writeLazily(res, 300 * MB, () => FILLER, '"},"done":true}');
  },
  /** An error status with a 300 MB body: only its head is read, for the message. */
  hugeError: (_req, res) => {
    res.writeHead(500, { 'content-type': 'text/plain' });
    res.write('model runner crashed: ');
    return writeLazily(res, 300 * MB, () => FILLER);
  },
  /** ~2 MB of gzip that inflates to 2 GB, sent although the gateway asked for identity. */
  bomb: (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    return writeLazily(res, 128 * BOMB_MEMBER.length, () => BOMB_MEMBER);
  },
  /** An NDJSON stream whose first line never ends. */
  endlessLine: (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/x-ndjson' });
    res.write('{"model":"big","message":{"role":"assistant","content":"');
    return writeLazily(res, 1024 * MB, () => FILLER);
  },
  /** One good SSE event, then an event whose data line never ends. */
  endlessEvent: (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write(sseEvent('first'));
    res.write('data: {"choices":[{"delta":{"content":"');
    return writeLazily(res, 1024 * MB, () => FILLER);
  },
  /** A complete 300 MB SSE stream of 16 KB text deltas. */
  longStream: (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    return writeLazily(res, 300 * MB, () => BIG_EVENT, END_EVENTS);
  },
};

let scenario = 'huge';
let upstreamBytes = 0;
let upstream: Server;
let gw: TestGateway;

beforeAll(async () => {
  upstream = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.url === '/api/tags') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"models":[{"name":"big:latest","size":1}]}');
      if (req.url === '/api/version') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"version":"0.12.0"}');
      if (req.url === '/api/show') return void res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
      void scenarios[scenario](req, res);
    });
  });
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
  gw = await startTestGateway({
    providers: [
      { id: 'bigoa', kind: 'openai', baseUrl: `${url}/v1`, apiKey: 'sk-limits-test-key-000000000', models: ['big'] },
      { id: 'bigollama', kind: 'ollama', baseUrl: url, models: ['big:latest'] },
    ],
    aliases: { oa: { targets: ['bigoa/big'] }, ol: { targets: ['bigollama/big:latest'] } },
    defaultModel: 'oa',
    fallback: { enabled: false, retries: 0, breakerThreshold: 1000 },
    cache: { exact: { enabled: false } },
    server: { upstreamTimeoutMs: 20_000, idleChunkTimeoutMs: 20_000 },
  });
}, 30_000);

afterAll(async () => {
  await gw?.close();
  await new Promise<void>((r) => upstream?.close(() => r()));
});

/** Runs `work` while sampling this process's RSS and /health's latency; returns the peak growth and slowest answer. */
async function watched<T>(work: () => Promise<T>): Promise<{ result: T; rssGrowth: number; healthMs: number[] }> {
  global.gc?.();
  const before = process.memoryUsage().rss;
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const healthMs: number[] = [];
  let running = true;
  const prober = (async () => {
    while (running) {
      const t0 = performance.now();
      const res = await fetch(`${gw.baseUrl}/health`);
      expect(res.status).toBe(200);
      await res.text();
      healthMs.push(performance.now() - t0);
      await new Promise((r) => setTimeout(r, 25));
    }
  })();
  try {
    const result = await work();
    return { result, rssGrowth: peak - before, healthMs };
  } finally {
    running = false;
    clearInterval(sampler);
    await prober;
  }
}

async function chat(model: string, stream: boolean): Promise<{ status: number; text: string }> {
  const res = await fetch(`${gw.baseUrl}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model, stream, messages: [{ role: 'user', content: `limits ${Math.random()}` }] }),
    signal: AbortSignal.timeout(30_000),
  });
  return { status: res.status, text: await res.text() };
}

function expectBounded(w: { rssGrowth: number; healthMs: number[] }, label: string): void {
  const sorted = [...w.healthMs].sort((a, b) => a - b);
  const median = sorted[Math.floor((sorted.length - 1) / 2)];
  const slowest = sorted.at(-1) ?? 0;
  console.log(
    `${label}: RSS growth ${(w.rssGrowth / MB).toFixed(1)} MB; /health ×${sorted.length} median ${median.toFixed(1)} ms, ` +
      `slowest ${slowest.toFixed(1)} ms; upstream wrote ${(upstreamBytes / MB).toFixed(1)} MB`,
  );
  expect(w.rssGrowth).toBeLessThan(RSS_GROWTH_LIMIT);
  expect(slowest).toBeLessThan(HEALTH_MAX_MS);
  expect(median).toBeLessThan(HEALTH_MEDIAN_MS);
}

const errorMessage = (text: string): string => (JSON.parse(text) as { error: { message: string } }).error.message;

describe('upstream answers over the caps', () => {
  for (const [model, provider] of [['oa', 'bigoa'], ['ol', 'bigollama']] as const) {
    it(`a 300 MB non-streamed answer (${provider}): 502 naming the provider and the cap, memory flat`, async () => {
      scenario = 'huge';
      upstreamBytes = 0;
      const w = await watched(() => chat(model, false));
      expect(w.result.status).toBe(502);
      expect(errorMessage(w.result.text)).toMatch(new RegExp(`${provider} .*over the 64 MB limit \\(server.maxResponseBytes\\)`));
      expect(upstreamBytes).toBeLessThan(200 * MB); // cut at the cap, not read to the end
      expectBounded(w, `300 MB answer, ${provider}`);
    }, 30_000);
  }

  it('a 300 MB JSON answer to a stream request (bigoa): 502 naming the provider and the cap', async () => {
    scenario = 'huge';
    upstreamBytes = 0;
    const w = await watched(() => chat('oa', true));
    expect(w.result.status).toBe(502);
    expect(errorMessage(w.result.text)).toMatch(/^bigoa .*over the 64 MB limit \(server.maxResponseBytes\)/);
    expectBounded(w, '300 MB JSON for a stream request');
  }, 30_000);

  it('a 300 MB error body: the error names the provider and its status, read only up to 64 KB', async () => {
    scenario = 'hugeError';
    upstreamBytes = 0;
    const w = await watched(async () => [await chat('oa', false), await chat('ol', false), await chat('ol', true)]);
    for (const r of w.result) {
      expect(r.status).toBeGreaterThanOrEqual(500);
      expect(errorMessage(r.text)).toMatch(/^(bigoa|bigollama) returned HTTP 500: model runner crashed: a+/);
      expect(r.text.length).toBeLessThan(64 * 1024);
    }
    expect(upstreamBytes).toBeLessThan(3 * 32 * MB); // each call cut after its head (plus socket buffers)
    expectBounded(w, '300 MB error bodies');
  }, 30_000);

  it('a gzip bomb (2 MB inflating to 2 GB): refused, not inflated — 502 naming the provider, streamed or not', async () => {
    scenario = 'bomb';
    upstreamBytes = 0;
    const w = await watched(async () => [await chat('oa', false), await chat('oa', true), await chat('ol', true)]);
    for (const r of w.result) {
      expect(r.status).toBe(502);
      expect(errorMessage(r.text)).toMatch(/^(bigoa|bigollama) .*gzip-encoded body/);
    }
    expectBounded(w, 'gzip bomb');
  }, 30_000);

  it('an endless NDJSON line (Ollama stream): 502 naming the provider once the line passes 16 MB', async () => {
    scenario = 'endlessLine';
    upstreamBytes = 0;
    const w = await watched(() => chat('ol', true));
    expect(w.result.status).toBe(502);
    expect(errorMessage(w.result.text)).toMatch(/^bigollama .*one NDJSON line over the 16 MB limit \(server.maxEventBytes\)/);
    expect(upstreamBytes).toBeLessThan(100 * MB);
    expectBounded(w, 'endless NDJSON line');
  }, 30_000);

  it('an endless SSE event after a good one: a well-formed error event mid-stream, naming the provider', async () => {
    scenario = 'endlessEvent';
    upstreamBytes = 0;
    const w = await watched(() => chat('oa', true));
    expect(w.result.status).toBe(200);
    const frames = expectStreamEndsWithError('openai-chat', w.result.text);
    expect(frames[0].data).toContain('"content":"first"');
    expect(errorMessage(frames.at(-1)!.data)).toMatch(/^bigoa .*one event over the 16 MB limit \(server.maxEventBytes\)/);
    expect(upstreamBytes).toBeLessThan(100 * MB);
    expectBounded(w, 'endless SSE event');
  }, 30_000);
});

describe('a 300 MB stream', () => {
  it('read slowly, then to the end: the upstream is held back by the slow reader, all of it passes, memory flat', async () => {
    scenario = 'longStream';
    upstreamBytes = 0;
    const w = await watched(async () => {
      const res = await fetch(`${gw.baseUrl}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'oa', stream: true, messages: [{ role: 'user', content: 'long' }] }),
        signal: AbortSignal.timeout(60_000),
      });
      expect(res.status).toBe(200);
      const reader = res.body!.getReader();
      let received = 0;
      // Slow: one read every 50 ms for 1.5 s (a few MB at most), while the upstream could send 300 MB.
      for (const until = performance.now() + 1_500; performance.now() < until; ) {
        const r = await reader.read();
        if (r.done) break;
        received += r.value.length;
        await new Promise((r2) => setTimeout(r2, 50));
      }
      const heldBack = upstreamBytes;
      let tail = '';
      for (;;) {
        const r = await reader.read();
        if (r.done) break;
        received += r.value.length;
        tail = (tail + Buffer.from(r.value).toString('latin1')).slice(-200);
      }
      return { heldBack, received, tail, requestId: res.headers.get('x-request-id') };
    });
    // Backpressure: while the client read slowly, the upstream got only socket buffers' worth ahead of it.
    expect(w.result.heldBack).toBeLessThan(64 * MB);
    expect(w.result.received).toBeGreaterThan(300 * MB);
    expect(w.result.tail).toContain('data: [DONE]');
    expectBounded(w, '300 MB stream, slow reader');
    // Too long to keep whole (so never cached), but a complete answer: the request log says 200.
    await expect
      .poll(async () => {
        const { rows } = (await (await gw.admin('/admin/logs?limit=20')).json()) as { rows: Array<{ id: string; status: number }> };
        return rows.find((r) => r.id === w.result.requestId)?.status;
      })
      .toBe(200);
  }, 60_000);
});
