import express from 'express';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayError } from '../../main/core/errors.js';
import { createLimiter, createProviderLimiters } from '../../main/server/limits/concurrency.js';
import { applyTimeouts, exemptFromIdleTimeout, httpServerOptions, resolveTimeouts } from '../../main/server/limits/timeouts.js';
import { sendError } from '../../main/server/security/render.js';
import { type Served, send, serve } from './http.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('createLimiter', () => {
  it('admits max, queues up to queue, rejects the overflow at once with 429 overloaded + retryAfterMs', async () => {
    const l = createLimiter({ max: 2, queue: 1, queueTimeoutMs: 5_000, provider: 'p1' });
    const r1 = await l.acquire();
    const r2 = await l.acquire();
    const third = l.acquire();
    const t0 = Date.now();
    const err = await l.acquire().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(Date.now() - t0).toBeLessThan(100);
    expect(err).toBeInstanceOf(GatewayError);
    expect(err).toMatchObject({ kind: 'overloaded', status: 429, provider: 'p1' });
    expect((err as GatewayError).retryAfterMs).toBeGreaterThanOrEqual(1000);
    expect(l.stats()).toMatchObject({ active: 2, queued: 1 });
    r1();
    const r3 = await third;
    expect(l.stats()).toMatchObject({ active: 2, queued: 0 });
    r2();
    r3();
    expect(l.stats()).toMatchObject({ active: 0, queued: 0 });
  });

  it('a queued acquire gives up after queueTimeoutMs with 429', async () => {
    const l = createLimiter({ max: 1, queue: 5, queueTimeoutMs: 80 });
    const r1 = await l.acquire();
    const t0 = Date.now();
    await expect(l.acquire()).rejects.toMatchObject({ kind: 'overloaded', status: 429 });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(70);
    expect(l.stats().queued).toBe(0);
    r1();
    expect(l.stats().active).toBe(0);
  });

  it('releasing twice frees one slot, not two', async () => {
    const l = createLimiter({ max: 1, queue: 0, queueTimeoutMs: 50 });
    const r = await l.acquire();
    r();
    r();
    expect(l.stats().active).toBe(0);
    const again = await l.acquire();
    await expect(l.acquire()).rejects.toMatchObject({ status: 429 });
    again();
  });

  it('no permit leaks when waiters abort (before and while queued)', async () => {
    const l = createLimiter({ max: 1, queue: 10, queueTimeoutMs: 5_000 });
    const pre = new AbortController();
    pre.abort();
    await expect(l.acquire(pre.signal)).rejects.toMatchObject({ kind: 'aborted' });
    expect(l.stats().active).toBe(0);

    const holder = await l.acquire();
    const controllers = Array.from({ length: 5 }, () => new AbortController());
    const waits = controllers.map((c) => l.acquire(c.signal).then(() => 'granted', () => 'rejected'));
    expect(l.stats().queued).toBe(5);
    controllers.forEach((c) => c.abort());
    expect(await Promise.all(waits)).toEqual(Array(5).fill('rejected'));
    expect(l.stats()).toMatchObject({ active: 1, queued: 0 });
    holder();
    expect(l.stats().active).toBe(0);
    // The slot really is free again.
    const next = await l.acquire();
    next();
  });

  it('random interleavings end with zero active and zero queued', async () => {
    const l = createLimiter({ max: 3, queue: 4, queueTimeoutMs: 30 });
    const jobs = Array.from({ length: 60 }, async (_, i) => {
      const c = new AbortController();
      if (i % 7 === 0) setTimeout(() => c.abort(), i % 5);
      try {
        const release = await l.acquire(c.signal);
        await sleep(i % 4);
        release();
      } catch (e) {
        expect(e).toBeInstanceOf(GatewayError);
      }
    });
    await Promise.all(jobs);
    expect(l.stats()).toMatchObject({ active: 0, queued: 0 });
  });

  it('per-provider limiters are sized from maxConcurrent', async () => {
    const get = createProviderLimiters([{ id: 'ollama', maxConcurrent: 2 }, { id: 'openai', maxConcurrent: 8 }]);
    expect(get('ollama')?.stats()).toMatchObject({ max: 2, queue: 1 });
    expect(get('openai')?.stats()).toMatchObject({ max: 8, queue: 4 });
    expect(get('nope')).toBeUndefined();
  });

  it('over HTTP: overflow is a 429 with Retry-After in whole seconds', async () => {
    const l = createLimiter({ max: 1, queue: 0, queueTimeoutMs: 1_500 });
    const app = express();
    app.get('/slow', async (req, res) => {
      try {
        const release = await l.acquire();
        setTimeout(() => {
          release();
          res.json({ ok: true });
        }, 150);
      } catch (e) {
        sendError(req, res, e as GatewayError);
      }
    });
    const s = await serve(app);
    try {
      const [a, b] = await Promise.all([send(s.port, { path: '/slow' }), sleep(30).then(() => send(s.port, { path: '/slow' }))]);
      expect(a.status).toBe(200);
      expect(b.status).toBe(429);
      expect(b.headers['retry-after']).toBe('2');
      expect(b.json()).toMatchObject({ error: { type: 'rate_limit_error', code: 'overloaded' } });
    } finally {
      await s.close();
    }
  });
});

describe('server timeouts', () => {
  it('keeps long streams alive: the idle socket timeout outlasts every upstream wait, requestTimeout >= headersTimeout', () => {
    const r = resolveTimeouts({ upstreamTimeoutMs: 120_000, firstByteTimeoutMs: 60_000, idleChunkTimeoutMs: 60_000, headersTimeoutMs: 20_000, requestTimeoutMs: 5_000 });
    expect(r.socketIdleTimeout).toBeGreaterThan(120_000);
    expect(r.requestTimeout).toBe(20_000);
    expect(httpServerOptions()).toMatchObject({ headersTimeout: 10_000, requestTimeout: 60_000, keepAliveTimeout: 15_000, connectionsCheckingInterval: 1_000 });
  });

  let s: Served;
  beforeAll(async () => {
    const t = { headersTimeoutMs: 300, requestTimeoutMs: 600, keepAliveTimeoutMs: 300, checkIntervalMs: 50 };
    const app = express();
    app.use(express.json());
    app.post('/echo', (req, res) => void res.json(req.body));
    // A long stream that writes every 100 ms for 1.2 s: longer than every client-side timeout above.
    app.get('/stream', (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      let n = 0;
      const timer = setInterval(() => {
        res.write(`data: ${n}\n\n`);
        if (++n === 12) {
          clearInterval(timer);
          res.end('data: [DONE]\n\n');
        }
      }, 100);
    });
    s = await serve(app, httpServerOptions(t));
    applyTimeouts(s.server, t);
  });
  afterAll(() => s.close());

  /** Resolves with ms until the server closed the socket, or -1 if still open at `limitMs`. */
  function closedAfter(sock: Socket, limitMs: number): Promise<{ ms: number; data: string }> {
    const t0 = Date.now();
    let data = '';
    sock.on('data', (c) => (data += c.toString()));
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve({ ms: -1, data }), limitMs);
      sock.on('close', () => {
        clearTimeout(timer);
        resolve({ ms: Date.now() - t0, data });
      });
      sock.on('error', () => undefined);
    });
  }

  it('slowloris: headers sent byte by byte slower than headersTimeout get the socket closed', async () => {
    const sock = connect(s.port, '127.0.0.1');
    const head = `GET /stream HTTP/1.1\r\nHost: localhost\r\nX-Slow: ${'a'.repeat(100)}\r\n\r\n`;
    let i = 0;
    const drip = setInterval(() => {
      if (i < head.length && !sock.destroyed) sock.write(head[i++]);
    }, 20);
    const { ms, data } = await closedAfter(sock, 3_000);
    clearInterval(drip);
    expect(ms).toBeGreaterThan(0);
    expect(ms).toBeLessThan(1_500);
    expect(i).toBeLessThan(head.length);
    expect(data).toMatch(/^HTTP\/1\.1 408/);
  });

  it('slow body: a request body that trickles past requestTimeout is cut', async () => {
    const sock = connect(s.port, '127.0.0.1');
    sock.write('POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{');
    const drip = setInterval(() => !sock.destroyed && sock.write(' '), 50);
    const { ms } = await closedAfter(sock, 3_000);
    clearInterval(drip);
    expect(ms).toBeGreaterThan(0);
    expect(ms).toBeLessThan(2_000);
  });

  it('an idle keep-alive socket is closed after keepAliveTimeout', async () => {
    const sock = connect(s.port, '127.0.0.1');
    sock.write('POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}');
    const { ms, data } = await closedAfter(sock, 3_000);
    expect(data).toMatch(/^HTTP\/1\.1 200/);
    // Node 20 closes it on the next sweep after keepAliveTimeout (plus its own ~1 s grace).
    expect(ms).toBeGreaterThan(200);
    expect(ms).toBeLessThan(2_500);
  });

  it('a stream longer than every client-side timeout is not cut', async () => {
    const r = await send(s.port, { path: '/stream' });
    expect(r.status).toBe(200);
    expect(r.text.match(/^data: \d+$/gm)).toHaveLength(12);
    expect(r.text).toContain('[DONE]');
  });
});

describe('idle socket timeout', () => {
  it('cuts a silent response after the idle timeout, unless the route exempts itself', async () => {
    const app = express();
    const silentThenWrite = (exempt: boolean) => (_req: express.Request, res: express.Response) => {
      if (exempt) exemptFromIdleTimeout(res);
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.flushHeaders();
      setTimeout(() => res.end('data: late\n\n'), 600);
    };
    app.get('/plain', silentThenWrite(false));
    app.get('/exempt', silentThenWrite(true));
    const s = await serve(app);
    // applyTimeouts() sets the idle timeout to the longest upstream wait + 30 s: too long here, so set it directly.
    applyTimeouts(s.server, { upstreamTimeoutMs: 1, firstByteTimeoutMs: 1, idleChunkTimeoutMs: 1 });
    s.server.setTimeout(250);
    try {
      await expect(send(s.port, { path: '/plain' })).rejects.toThrow();
      const ok = await send(s.port, { path: '/exempt' });
      expect(ok.text).toBe('data: late\n\n');
    } finally {
      await s.close();
    }
  });
});
