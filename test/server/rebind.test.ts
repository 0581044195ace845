// switchListeners with real sockets: 127.0.0.1 and 0.0.0.0 on one port clash, so the old listener must stop
// first; a request already on the old listener still gets its answer; a failed switch reopens what it closed.
import { createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import { createServer, get as httpGet, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { hostOf, switchListeners, type ListenerSet } from '../../main/server/rebind.js';
import { listenAll } from '../../main/server/security/listen.js';

let release: (() => void) | undefined;
const made: Server[] = [];
const makeServer = (): Server => {
  const s = createServer((req, res) => {
    if (req.url === '/slow') release = () => res.end('slow done');
    else res.end(`hello from ${hostOf(s)}`);
  });
  made.push(s);
  return s;
};
/** A fresh connection each time (a pooled keep-alive socket may belong to a listener that was just retired). */
const get = (host: string, port: number, path = '/'): Promise<string> =>
  new Promise((resolve, reject) => {
    httpGet({ host, port, path, agent: false }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve(text));
    }).on('error', reject);
  });
const listeningOn = (set: ListenerSet): string[] => set.servers.filter((s) => s.listening).map(hostOf).sort();

afterEach(async () => {
  release?.();
  release = undefined;
  await Promise.all(made.splice(0).map((s) => new Promise<void>((r) => (s.listening ? s.close(() => r()) : r()))));
  for (const s of made) s.closeAllConnections();
});

describe('switchListeners', () => {
  it('moves 127.0.0.1 to 0.0.0.0 on the same port and back, without cutting a request in flight', async () => {
    const start = await listenAll(makeServer, ['127.0.0.1'], 0);
    const slow = get('127.0.0.1', start.port, '/slow');
    await expect.poll(() => release !== undefined).toBe(true);

    const wide = await switchListeners(start, ['0.0.0.0'], start.port, makeServer);
    expect(wide.error).toBeUndefined();
    expect([wide.set.port, listeningOn(wide.set)]).toEqual([start.port, ['0.0.0.0']]);
    expect(await get('127.0.0.1', start.port)).toBe('hello from 0.0.0.0');
    release?.();
    expect(await slow).toBe('slow done');

    const back = await switchListeners(wide.set, ['127.0.0.1'], start.port, makeServer);
    expect(back.error).toBeUndefined();
    expect(listeningOn(back.set)).toEqual(['127.0.0.1']);
    expect(await get('127.0.0.1', start.port)).toBe('hello from 127.0.0.1');
  });

  it('keeps servers whose address stays and adds the new ones', async () => {
    const start = await listenAll(makeServer, ['127.0.0.1'], 0);
    const more = await switchListeners(start, ['127.0.0.1', '127.0.0.3'], start.port, makeServer);
    expect(more.set.servers[0]).toBe(start.servers[0]);
    expect(listeningOn(more.set)).toEqual(['127.0.0.1', '127.0.0.3']);
    expect(await get('127.0.0.3', start.port)).toBe('hello from 127.0.0.3');
  });

  it('a failed switch reopens the listener it closed and reports the error', async () => {
    const start = await listenAll(makeServer, ['127.0.0.1'], 0);
    // Someone else holds 127.0.0.2 on our port, so 0.0.0.0 cannot be had.
    const other: TcpServer = createTcpServer();
    await new Promise<void>((r) => other.listen(start.port, '127.0.0.2', () => r()));
    try {
      const result = await switchListeners(start, ['0.0.0.0'], start.port, makeServer);
      expect((result.error as NodeJS.ErrnoException).code).toBe('EADDRINUSE');
      expect([result.set.port, listeningOn(result.set)]).toEqual([start.port, ['127.0.0.1']]);
      expect(await get('127.0.0.1', start.port)).toBe('hello from 127.0.0.1');
    } finally {
      await new Promise<void>((r) => other.close(() => r()));
    }
  });
});
