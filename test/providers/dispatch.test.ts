import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BodyTooLarge, bufferedRequest, DeadlineExceeded, streamingRequest } from '../../main/providers/dispatch.js';

// A tiny server: /big answers 200 with 1 MB in 64 kB writes, /error 500 with 100 kB, /drip a line every 20 ms
// until the client goes, /hang never answers. It counts open requests and records which closed.
let server: Server;
let origin: string;
let open = 0;
const closed: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    open++;
    req.on('close', () => {
      open--;
      closed.push(req.url ?? '');
    });
    if (req.url === '/big') {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      for (let i = 0; i < 16; i++) res.write(Buffer.alloc(64 * 1024, i));
      res.end();
    } else if (req.url === '/sized') {
      res.writeHead(200, { 'content-length': String(1024 * 1024) });
      res.write(Buffer.alloc(1024)); // the rest never comes: the declared length alone must fail the call
    } else if (req.url === '/error') {
      res.writeHead(500).end('x'.repeat(100_000));
    } else if (req.url === '/drip') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      let n = 0;
      const timer = setInterval(() => res.write(`line ${n++}\n`), 20);
      res.on('close', () => clearInterval(timer));
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const call = (pool: Pool, path: string, over: { signal?: AbortSignal; deadlineMs?: number; maxBodyBytes?: number } = {}) =>
  bufferedRequest(pool, { origin, path, method: 'GET' }, { signal: over.signal ?? new AbortController().signal, deadlineMs: over.deadlineMs ?? 5_000, errorBodyLimit: 1024, maxBodyBytes: over.maxBodyBytes ?? 64 * 1024 * 1024 });

describe('bufferedRequest', () => {
  it('collects a multi-chunk body whole, with status and headers', async () => {
    const pool = new Pool(origin);
    const res = await call(pool, '/big');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/octet-stream');
    expect(res.body.length).toBe(1024 * 1024);
    expect(res.body[64 * 1024 * 15]).toBe(15);
    await pool.close();
  });

  it('fails with BodyTooLarge past maxBodyBytes, on the bytes read or on a declared content-length', async () => {
    const pool = new Pool(origin);
    await expect(call(pool, '/big', { maxBodyBytes: 100_000 })).rejects.toBeInstanceOf(BodyTooLarge);
    await expect(call(pool, '/sized', { maxBodyBytes: 100_000 })).rejects.toMatchObject({ limit: 100_000 });
    await expect.poll(() => closed.includes('/sized')).toBe(true);
    await pool.close();
  });

  it('keeps an error body only up to the limit', async () => {
    const pool = new Pool(origin);
    const res = await call(pool, '/error');
    expect(res.statusCode).toBe(500);
    expect(res.body.length).toBe(1024);
    await pool.close();
  });

  it('rejects with DeadlineExceeded and closes the upstream request when the deadline passes', async () => {
    const pool = new Pool(origin);
    const started = performance.now();
    await expect(call(pool, '/hang', { deadlineMs: 100 })).rejects.toBeInstanceOf(DeadlineExceeded);
    expect(performance.now() - started).toBeLessThan(1_000);
    await expect.poll(() => closed.includes('/hang')).toBe(true);
    await pool.close();
  });

  it("rejects with the signal's reason: already aborted, aborted on a socket, and aborted while queued", async () => {
    const pool = new Pool(origin, { connections: 1 });
    const pre = new AbortController();
    pre.abort(new Error('gone before'));
    await expect(call(pool, '/hang', { signal: pre.signal })).rejects.toThrow('gone before');

    const first = new AbortController();
    const queued = new AbortController();
    const p1 = call(pool, '/hang', { signal: first.signal });
    const p2 = call(pool, '/hang', { signal: queued.signal }); // waits for the pool's only connection
    await expect.poll(() => open).toBe(1);
    queued.abort(new Error('gone while queued'));
    await expect(p2).rejects.toThrow('gone while queued');
    first.abort(new Error('gone on the socket'));
    await expect(p1).rejects.toThrow('gone on the socket');
    await expect.poll(() => open).toBe(0);
    await pool.close();
  });
});

describe('streamingRequest', () => {
  const signal = () => new AbortController().signal;

  it('resolves at the headers and yields the whole body in order, read slowly (backpressure) or not', async () => {
    const pool = new Pool(origin);
    const res = await streamingRequest(pool, { origin, path: '/big', method: 'GET' }, signal());
    expect(res.statusCode).toBe(200);
    const seen: number[] = [];
    let size = 0;
    for await (const chunk of res.body) {
      size += chunk.length;
      seen.push(chunk[0]);
      await new Promise((r) => setTimeout(r, 1));
    }
    expect(size).toBe(1024 * 1024);
    expect(seen.at(-1)).toBe(15);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    // The connection went back to the pool: a second call works.
    expect(await (await streamingRequest(pool, { origin, path: '/big', method: 'GET' }, signal())).body.text()).toHaveLength(1024 * 1024);
    await pool.close();
  });

  it('stopping the iteration early closes the upstream request', async () => {
    const pool = new Pool(origin);
    const before = closed.filter((u) => u === '/drip').length;
    const res = await streamingRequest(pool, { origin, path: '/drip', method: 'GET' }, signal());
    for await (const chunk of res.body) {
      expect(chunk.toString()).toMatch(/^line 0/);
      break;
    }
    await expect.poll(() => closed.filter((u) => u === '/drip').length).toBe(before + 1);
    await pool.close();
  });

  it('text(limit) reads about limit bytes, then closes the upstream request', async () => {
    const pool = new Pool(origin);
    const before = closed.filter((u) => u === '/drip').length;
    const res = await streamingRequest(pool, { origin, path: '/drip', method: 'GET' }, signal());
    expect(await res.body.text(14)).toBe('line 0\nline 1\n');
    await expect.poll(() => closed.filter((u) => u === '/drip').length).toBe(before + 1);
    await pool.close();
  });

  it("text(limit, 'fail') throws BodyTooLarge past the limit and closes the upstream request", async () => {
    const pool = new Pool(origin);
    const before = closed.filter((u) => u === '/drip').length;
    const res = await streamingRequest(pool, { origin, path: '/drip', method: 'GET' }, signal());
    await expect(res.body.text(20, 'fail')).rejects.toBeInstanceOf(BodyTooLarge);
    await expect.poll(() => closed.filter((u) => u === '/drip').length).toBe(before + 1);
    await pool.close();
  });

  it('a whole-call deadline ends a stream that never stops with DeadlineExceeded', async () => {
    const pool = new Pool(origin);
    const res = await streamingRequest(pool, { origin, path: '/drip', method: 'GET' }, signal(), 150);
    const started = performance.now();
    await expect((async () => {
      for await (const _ of res.body);
    })()).rejects.toBeInstanceOf(DeadlineExceeded);
    expect(performance.now() - started).toBeLessThan(1_000);
    await pool.close();
  });

  it('the signal aborting mid-body ends the iteration with its reason and closes the upstream request', async () => {
    const pool = new Pool(origin);
    const ac = new AbortController();
    const res = await streamingRequest(pool, { origin, path: '/drip', method: 'GET' }, ac.signal);
    const lines: string[] = [];
    await expect(
      (async () => {
        for await (const chunk of res.body) {
          lines.push(chunk.toString());
          if (lines.length === 2) ac.abort(new Error('client left'));
        }
      })(),
    ).rejects.toThrow('client left');
    expect(lines).toHaveLength(2);
    await expect.poll(() => open).toBe(0);
    await pool.close();
  });

  it('rejects before the headers: a refused connection, and an already aborted signal', async () => {
    const pool = new Pool('http://127.0.0.1:9');
    await expect(streamingRequest(pool, { origin: 'http://127.0.0.1:9', path: '/', method: 'GET' }, signal())).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await pool.close();
    const ac = new AbortController();
    ac.abort(new Error('gone'));
    await expect(streamingRequest(new Pool(origin), { origin, path: '/big', method: 'GET' }, ac.signal)).rejects.toThrow('gone');
  });
});
