import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ListenError, listenAll } from '../../main/server/security/listen.js';

const close = (servers: Server[]) => Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
const hello = () => createServer((_req, res) => res.end('hi'));

describe('listenAll', () => {
  it('listens on every address of the plan on one port (port 0 → the same random port)', async () => {
    const l = await listenAll(hello, ['127.0.0.1', '::1'], 0);
    try {
      expect(l.port).toBeGreaterThan(0);
      const ports = l.servers.map((s) => (s.address() as AddressInfo).port);
      expect(new Set(ports).size).toBe(1);
      const text = await (await fetch(`http://127.0.0.1:${l.port}/`)).text();
      expect(text).toBe('hi');
    } finally {
      await close(l.servers);
    }
  });

  it('skips an extra address the machine does not have', async () => {
    // 192.0.2.123 (TEST-NET-1) is not assigned here; nothing is sent anywhere, bind just fails.
    const l = await listenAll(hello, ['127.0.0.1', '192.0.2.123'], 0);
    try {
      expect(l.servers).toHaveLength(1);
      expect(l.skipped).toEqual([{ address: '192.0.2.123', reason: 'EADDRNOTAVAIL' }]);
    } finally {
      await close(l.servers);
    }
  });

  it('port in use: rejects with a clear EADDRINUSE message and leaves nothing listening', async () => {
    const taken = await listenAll(hello, ['127.0.0.1'], 0);
    try {
      const err = await listenAll(hello, ['127.0.0.1'], taken.port).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ListenError);
      expect((err as ListenError).code).toBe('EADDRINUSE');
      expect((err as Error).message).toContain(`127.0.0.1:${taken.port}`);
      expect((err as Error).message).toMatch(/already in use.*server\.port/);
    } finally {
      await close(taken.servers);
    }
  });
});
