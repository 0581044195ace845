// PUT /admin/server through a real gateway: the Allow Docker switch rebinds where the bind policy says (on a
// machine without docker0 that is 0.0.0.0, which clashes with the loopback listeners on the same port), and a
// rebind that cannot happen answers 409, leaves the gateway where it was, and leaves the settings as they were.
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StatusResponse } from '../../main/admin/contract.js';
import { currentBindEnv, planBind } from '../../main/server/security/bind-policy.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const freePort = (): Promise<number> =>
  new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

/** GET on a fresh connection to `address`, with the Host a container would send. */
function getVia(address: string, port: number, path: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    request({ host: address, port, path, headers: { host: `host.docker.internal:${port}`, ...headers }, agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    })
      .on('error', reject)
      .end();
  });
}

const lanAddress = Object.values(currentBindEnv().interfaces)
  .flat()
  .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;

let gw: TestGateway;
const putServer = async (body: Record<string, unknown>) => {
  const res = await gw.admin('/admin/server', { method: 'PUT', body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as StatusResponse & { error?: { message: string; code: string } } };
};
const savedServer = () => (JSON.parse(readFileSync(join(gw.dataDir, 'settings.json'), 'utf8')) as { server: { port: number; allowDocker?: boolean; apiKey?: string } }).server;

beforeAll(async () => {
  gw = await startTestGateway({ server: { port: await freePort() } });
});
afterAll(async () => {
  await gw?.close();
});

describe('PUT /admin/server', () => {
  it('Allow Docker on, then off: listens where the bind policy says, on the same port, and containers need the key', async () => {
    const plan = planBind({ host: '127.0.0.1', allowDocker: true });
    const on = await putServer({ allowDocker: true });
    expect(on.status).toBe(200);
    expect(on.body.allowDocker).toBe(true);
    expect(on.body.port).toBe(gw.port);
    expect(on.body.listening.map((a) => a.replace(/:\d+$/, '').replace(/^\[|\]$/g, '')).sort()).toEqual([...plan.addresses].sort());
    expect(await getVia('127.0.0.1', gw.port, '/health')).toBe(200);
    const key = savedServer().apiKey!;
    expect(key.length).toBeGreaterThanOrEqual(16);
    if (lanAddress && plan.addresses.includes('0.0.0.0')) {
      expect(await getVia(lanAddress, gw.port, '/v1/models')).toBe(401);
      expect(await getVia(lanAddress, gw.port, '/v1/models', { authorization: `Bearer ${key}` })).toBe(200);
    }

    const off = await putServer({ allowDocker: false });
    expect(off.status).toBe(200);
    expect(off.body.listening.every((a) => /^(127\.0\.0\.1|\[::1\]):\d+$/.test(a))).toBe(true);
    expect(await getVia('127.0.0.1', gw.port, '/health')).toBe(200);
    if (lanAddress) await expect(getVia(lanAddress, gw.port, '/health')).rejects.toThrow(/ECONNREFUSED/);
  });

  it('a port another program holds: 409 port_in_use, still serving on the old port, settings unchanged', async () => {
    const taken: Server = createServer();
    const takenPort = await new Promise<number>((r) => taken.listen(0, '127.0.0.1', () => r((taken.address() as { port: number }).port)));
    try {
      const before = savedServer();
      const res = await putServer({ port: takenPort });
      expect(res.status).toBe(409);
      expect(res.body.error?.code).toBe('port_in_use');
      expect(res.body.error?.message).toContain(`127.0.0.1:${takenPort}`);
      expect(savedServer()).toEqual(before);
      const status = (await (await gw.admin('/admin/status')).json()) as StatusResponse;
      expect(status.port).toBe(gw.port);
      expect(await getVia('127.0.0.1', gw.port, '/health')).toBe(200);
    } finally {
      await new Promise<void>((r) => taken.close(() => r()));
    }
  });
});
