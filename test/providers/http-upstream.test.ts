// HttpUpstream (providers/http.ts) against a tiny server: every bound of the one HTTP layer — body caps, error-body
// cap, refused compression, whole-call deadlines, aborts at each phase — and streams read with backpressure.
import { getEventListeners } from 'node:events';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultTimeouts, HttpUpstream, transportError, type HttpTimeouts } from '../../main/providers/http.js';

const KB = 1024;
const MB = 1024 * KB;

// /big: 200 with 1 MB in 64 KB writes; /bigjson: the same as one JSON string; /sized: declares 1 MB, sends 1 KB;
// /error: 500 whose JSON message comes after 100 KB of blanks (read whole it says "whole"); /gzip: a gzip-encoded
// 200; /drip: a line every 20 ms until the client goes; /flood: up to 256 MB as fast as the client reads;
// /hang: never answers. The server counts open requests, records which closed, and what /flood wrote.
let server: Server;
let origin: string;
let open = 0;
let flooded = 0;
const closed: string[] = [];

function flood(res: ServerResponse): void {
  const piece = Buffer.alloc(64 * KB, 1);
  const pump = (): void => {
    while (flooded < 256 * MB && !res.destroyed) {
      flooded += piece.length;
      if (!res.write(piece)) return void res.once('drain', pump);
    }
    res.end();
  };
  pump();
}

beforeAll(async () => {
  server = createServer((req, res) => {
    open++;
    req.on('close', () => {
      open--;
      closed.push(req.url ?? '');
    });
    if (req.url === '/big' || req.url === '/bigjson') {
      const json = req.url === '/bigjson';
      res.writeHead(200, { 'content-type': json ? 'application/json' : 'application/octet-stream' });
      if (json) res.write('{"data":"');
      for (let i = 0; i < 16; i++) res.write(json ? 'a'.repeat(64 * KB) : Buffer.alloc(64 * KB, i));
      res.end(json ? '"}' : undefined);
    } else if (req.url === '/sized') {
      res.writeHead(200, { 'content-length': String(MB), 'content-type': 'application/json' });
      res.write(Buffer.alloc(KB)); // the rest never comes: the declared length alone must fail the call
    } else if (req.url === '/error') {
      res.writeHead(500, { 'content-type': 'application/json' }).end(`${' '.repeat(100 * KB)}{"error":{"message":"whole"}}`);
    } else if (req.url === '/gzip') {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' }).end(Buffer.alloc(1024));
    } else if (req.url === '/drip') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      let n = 0;
      const timer = setInterval(() => res.write(`line ${n++}\n`), 20);
      res.on('close', () => clearInterval(timer));
    } else if (req.url === '/flood') {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      flood(res);
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const upstream = (over: Partial<HttpTimeouts> = {}, baseUrl = origin): HttpUpstream =>
  new HttpUpstream({ provider: 'up', baseUrl, timeouts: { ...defaultTimeouts, ...over } });
const signal = (): AbortSignal => new AbortController().signal;
const get = (path: string, s: AbortSignal = signal(), deadlineMs?: number) => ({ method: 'GET' as const, path, signal: s, deadlineMs });
const closes = (path: string): number => closed.filter((u) => u === path).length;

describe('json(): a non-streamed call', () => {
  it('collects a multi-chunk body whole, and leaves no listener on the client signal', async () => {
    const up = upstream();
    const s = signal();
    const json = await up.json<{ data: string }>(get('/bigjson', s));
    expect(json.data).toHaveLength(MB);
    expect(getEventListeners(s, 'abort')).toHaveLength(0);
    await up.close();
  });

  it('past maxResponseBytes → 502 naming the provider and the cap, on the bytes read or on a declared length', async () => {
    const up = upstream({ maxResponseBytes: 100_000 });
    const over = { status: 502, kind: 'upstream_protocol', provider: 'up', message: expect.stringMatching(/^up \(.*\) sent a response body over the 97.7 KB limit \(server.maxResponseBytes\)/) };
    await expect(up.json(get('/bigjson'))).rejects.toMatchObject(over);
    await expect(up.json(get('/sized'))).rejects.toMatchObject(over);
    await expect.poll(() => closed.includes('/sized')).toBe(true);
    await up.close();
  });

  it('an error status: the message comes from the head of its body, read only up to 64 KB', async () => {
    const up = upstream();
    // Read whole, the body would say "whole"; its first 64 KB are blanks.
    await expect(up.json(get('/error'))).rejects.toMatchObject({ status: 500, kind: 'upstream_http', message: 'up returned HTTP 500: (empty body)' });
    await expect(up.send(get('/error'))).rejects.toMatchObject({ status: 500, message: 'up returned HTTP 500: (empty body)' });
    await up.close();
  });

  it('a compressed body is refused, not inflated, streamed or not', async () => {
    const up = upstream();
    const refused = { status: 502, kind: 'upstream_protocol', message: expect.stringContaining('sent a gzip-encoded body although it was asked for an uncompressed one') };
    await expect(up.json(get('/gzip'))).rejects.toMatchObject(refused);
    await expect(up.send(get('/gzip'))).rejects.toMatchObject(refused);
    await up.close();
  });

  it('the whole-call deadline → 504, and the upstream request is closed', async () => {
    const up = upstream();
    const started = performance.now();
    await expect(up.json(get('/hang', signal(), 100))).rejects.toMatchObject({ status: 504, kind: 'upstream_timeout', message: expect.stringMatching(/did not finish within 100 ms/) });
    expect(performance.now() - started).toBeLessThan(1_000);
    await expect.poll(() => closed.includes('/hang')).toBe(true);
    await up.close();
  });

  it('the client leaving → 499: already gone, gone while the call waits on its socket, gone while it connects', async () => {
    const up = upstream();
    const aborted = { status: 499, kind: 'aborted' };
    const pre = new AbortController();
    pre.abort(new Error('gone before'));
    await expect(up.json(get('/hang', pre.signal))).rejects.toMatchObject(aborted);

    const onSocket = new AbortController();
    const p = up.json(get('/hang', onSocket.signal));
    await expect.poll(() => open).toBe(1);
    onSocket.abort(new Error('gone on the socket'));
    await expect(p).rejects.toMatchObject(aborted);
    await expect.poll(() => open).toBe(0);
    await up.close();

    // A TLS handshake nobody answers: the call waits for its connection (5 s connect timeout) with no socket yet.
    const sockets: Socket[] = [];
    const silent: TcpServer = createTcpServer((sock) => sockets.push(sock));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const tls = upstream({}, `https://127.0.0.1:${(silent.address() as AddressInfo).port}`);
    const connecting = new AbortController();
    const started = performance.now();
    const q = tls.json(get('/', connecting.signal));
    setTimeout(() => connecting.abort(new Error('gone while connecting')), 100);
    await expect(q).rejects.toMatchObject(aborted);
    expect(performance.now() - started).toBeLessThan(1_000);
    for (const sock of sockets) sock.destroy();
    await tls.close().catch(() => undefined);
    await new Promise<void>((r) => silent.close(() => r()));
  });
});

describe('send(): a streamed call', () => {
  it('resolves at the headers and yields the whole body in order, read slowly; the connection is reused', async () => {
    const up = upstream();
    const s = signal();
    const res = await up.send(get('/big', s));
    expect(res.statusCode).toBe(200);
    // Byte i of the body is the number of its 64 KB write; chunks may be merged by the Readable, never reordered.
    let size = 0;
    for await (const chunk of res.body) {
      expect([chunk[0], chunk.at(-1)]).toEqual([Math.floor(size / (64 * KB)), Math.floor((size + chunk.length - 1) / (64 * KB))]);
      size += chunk.length;
      await new Promise((r) => setTimeout(r, 1));
    }
    expect(size).toBe(MB);
    expect(getEventListeners(s, 'abort')).toHaveLength(0);
    expect(await up.readWhole(await up.send(get('/big')), signal())).toHaveLength(MB);
    await up.close();
  });

  it('a reader that stops reading holds the upstream back (backpressure): only socket buffers fill', async () => {
    const up = upstream();
    flooded = 0;
    const res = await up.send(get('/flood'));
    await new Promise((r) => setTimeout(r, 300));
    expect(flooded).toBeLessThan(16 * MB);
    let size = 0;
    for await (const chunk of res.body) size += chunk.length;
    expect(size).toBe(256 * MB);
    await up.close();
  }, 30_000);

  it('stopping the iteration early closes the upstream request', async () => {
    const up = upstream();
    const before = closes('/drip');
    const res = await up.send(get('/drip'));
    for await (const chunk of res.body) {
      expect(chunk.toString()).toMatch(/^line 0/);
      break;
    }
    await expect.poll(() => closes('/drip')).toBe(before + 1);
    await up.close();
  });

  it('readWhole() past maxResponseBytes → 502 naming the cap, and the upstream request is closed', async () => {
    const up = upstream({ maxResponseBytes: 20 });
    const before = closes('/drip');
    const res = await up.send(get('/drip'));
    await expect(up.readWhole(res, signal())).rejects.toMatchObject({ status: 502, message: expect.stringMatching(/over the 20 bytes limit \(server.maxResponseBytes\)/) });
    await expect.poll(() => closes('/drip')).toBe(before + 1);
    await up.close();
  });

  it('a whole-call deadline ends a stream that never stops: its reader gets DeadlineExceeded, mapped to 504', async () => {
    const up = upstream();
    const res = await up.send(get('/drip', signal(), 150));
    const started = performance.now();
    const err = await (async () => {
      for await (const _ of res.body);
    })().catch((e: unknown) => e);
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(transportError(err, up)).toMatchObject({ status: 504, message: expect.stringMatching(/did not finish within 150 ms/) });
    await up.close();
  });

  it('the signal aborting mid-body ends the iteration with its reason and closes the upstream request', async () => {
    const up = upstream();
    const ac = new AbortController();
    const res = await up.send(get('/drip', ac.signal));
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
    await up.close();
  });

  it('fails before the headers: a refused connection → 502 naming the provider; an already aborted signal → 499', async () => {
    const refused = upstream({}, 'http://127.0.0.1:9');
    await expect(refused.send(get('/'))).rejects.toMatchObject({ status: 502, kind: 'upstream_connect', message: expect.stringMatching(/^up \(http:\/\/127.0.0.1:9\) refused the connection \(ECONNREFUSED\)/) });
    await refused.close();
    const up = upstream();
    const ac = new AbortController();
    ac.abort(new Error('gone'));
    await expect(up.send(get('/big', ac.signal))).rejects.toMatchObject({ status: 499, kind: 'aborted' });
    await up.close();
  });
});
