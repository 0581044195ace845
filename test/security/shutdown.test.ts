import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createShutdown, type Shutdown } from '../../main/server/shutdown.js';

// A bare http server: /stream writes a frame every 50 ms for `n` frames (registering an error-event writer),
// /wait answers after `ms`.
async function start(graceMs: number): Promise<{ server: Server; port: number; sd: Shutdown; closedHooks: string[]; received: (n: number) => Promise<void> }> {
  const sd = createShutdown({ graceMs, flushMs: 300 });
  const closedHooks: string[] = [];
  let seen = 0;
  const server = createServer((req, res) => {
    seen++;
    sd.track(req, res, () => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.pathname === '/stream') {
        const n = Number(url.searchParams.get('n') ?? '5');
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        let i = 0;
        const timer = setInterval(() => {
          res.write(`data: {"i":${i}}\n\n`);
          if (++i === n) {
            clearInterval(timer);
            res.end('data: [DONE]\n\n');
          }
        }, 50);
        sd.registerStream(res, (err) => {
          clearInterval(timer);
          res.write(`event: error\ndata: ${JSON.stringify({ error: { code: err.code, message: err.message } })}\n\n`);
          res.end();
        });
      } else {
        setTimeout(() => res.end('done'), Number(url.searchParams.get('ms') ?? '10'));
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  sd.addServer(server);
  sd.onClosed(() => void closedHooks.push('db closed'));
  sd.onClosed(() => {
    throw new Error('second hook fails');
  });
  sd.onClosed(() => void closedHooks.push('after failing hook'));
  // Waits until the server has received `n` requests: a fixed sleep raced with a loaded machine.
  const received = async (n: number): Promise<void> => {
    while (seen < n) await sleep(5);
  };
  return { server, port: (server.address() as AddressInfo).port, sd, closedHooks, received };
}

function get(port: number, path: string): Promise<{ status: number; text: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    // A keep-alive agent, so the shutdown has idle keep-alive sockets to close.
    const req = request({ host: '127.0.0.1', port, path, headers: { connection: 'keep-alive' } }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text, headers: res.headers }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('graceful shutdown', () => {
  it('lets in-flight streams finish within the grace period, then closes and runs hooks', async () => {
    const { port, sd, server, closedHooks, received } = await start(2_000);
    const stream = get(port, '/stream?n=4');
    const plain = get(port, '/wait?ms=100');
    await received(2);
    const t0 = Date.now();
    const report = await sd.shutdown();
    expect(Date.now() - t0).toBeLessThan(1_000);
    const s = await stream;
    expect(s.text).toContain('data: [DONE]');
    expect(s.text).not.toContain('event: error');
    expect((await plain).text).toBe('done');
    expect(report).toMatchObject({ finished: 2, aborted: 0, cut: 0, hookErrors: ['second hook fails'] });
    expect(closedHooks).toEqual(['db closed', 'after failing hook']);
    expect(server.listening).toBe(false);
  });

  it('after the grace period, ends remaining streams with a proper error event and cuts the rest', async () => {
    const { port, sd, received } = await start(200);
    const stream = get(port, '/stream?n=1000');
    const slow = get(port, '/wait?ms=10000');
    await received(2);
    await sleep(120);
    const t0 = Date.now();
    const report = await sd.shutdown();
    const took = Date.now() - t0;
    expect(took).toBeGreaterThanOrEqual(180);
    expect(took).toBeLessThan(1_500);
    const s = await stream;
    expect(s.status).toBe(200);
    const frames = s.text.trim().split('\n\n');
    expect(frames.at(-1)).toBe('event: error\ndata: {"error":{"code":"shutting_down","message":"The gateway is shutting down"}}');
    // Every frame before it is complete JSON: nothing was cut mid-frame.
    for (const f of frames.slice(0, -1)) expect(() => JSON.parse(f.replace(/^data: /, ''))).not.toThrow();
    const w = await slow;
    expect(w.status).toBe(503);
    expect(JSON.parse(w.text)).toMatchObject({ error: { code: 'shutting_down' } });
    expect(report).toMatchObject({ finished: 0, aborted: 1, cut: 1 });
  });

  it('stops accepting: new connections are refused, and a second shutdown() returns the same result', async () => {
    const { port, sd } = await start(100);
    const first = sd.shutdown();
    expect(sd.draining).toBe(true);
    await first;
    await expect(get(port, '/wait')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect(sd.shutdown()).toBe(first);
  });

  it('a request that arrived before the drain is served even if it reaches the handler later', async () => {
    const sd = createShutdown({ graceMs: 1_000 });
    // Stands in for a request whose body was still arriving when the shutdown began.
    const server = createServer((req, res) => setTimeout(() => sd.track(req, res, () => void res.end('served')), 100));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    sd.addServer(server);
    const reply = get((server.address() as AddressInfo).port, '/late');
    await sleep(30);
    const report = await sd.shutdown();
    expect((await reply).text).toBe('served');
    expect(report.finished).toBe(1);
  });

  it('a request arriving on an open socket after the drain began gets 503 shutting_down + Connection: close', async () => {
    const { port, sd } = await start(1_000);
    const { connect } = await import('node:net');
    const sock = connect(port, '127.0.0.1');
    let raw = '';
    sock.on('data', (c) => (raw += c.toString()));
    const closed = new Promise<void>((r) => sock.on('close', () => r()));
    sock.write('GET /wait?ms=200 HTTP/1.1\r\nHost: localhost\r\n\r\n');
    await sleep(50);
    const done = sd.shutdown();
    await sleep(30);
    // The socket is busy (not idle), so it is still open: a second request arrives mid-drain.
    sock.write('GET /wait?ms=10 HTTP/1.1\r\nHost: localhost\r\n\r\n');
    await done;
    await closed;
    const statuses = [...raw.matchAll(/HTTP\/1\.1 (\d+)/g)].map((m) => m[1]);
    expect(statuses).toEqual(['200', '503']);
    expect(raw).toContain('"code":"shutting_down"');
    expect(raw.split('HTTP/1.1 503')[1]).toMatch(/connection: close/i);
  });
});
