import http from 'node:http';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createGatewayController, type ControllerState, type GatewayHandle } from '../../main/desktop/gateway-controller.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A stand-in for startGateway that really binds (so EADDRINUSE is the OS's, not ours). */
function fakeStart(calls: (number | undefined)[], configured: () => number) {
  return async (port: number | undefined): Promise<GatewayHandle> => {
    calls.push(port);
    const server = http.createServer((_req, res) => res.end('ok'));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port ?? configured(), '127.0.0.1', resolve);
    });
    const bound = (server.address() as net.AddressInfo).port;
    const close = () => new Promise<void>((r) => server.close(() => r()));
    cleanups.push(() => (server.listening ? close() : Promise.resolve()));
    return { baseUrl: `http://localhost:${bound}/v1`, uiUrl: `http://127.0.0.1:${bound}/ui/`, port: bound, adminToken: 't', close };
  };
}

async function occupy(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  cleanups.push(() => new Promise<void>((r) => s.close(() => r())));
  return (s.address() as net.AddressInfo).port;
}

describe('gateway controller', () => {
  it('starts, pauses (the port is released) and resumes', async () => {
    const calls: (number | undefined)[] = [];
    const phases: string[] = [];
    const c = createGatewayController({ start: fakeStart(calls, () => 0), configuredPort: () => 0, onChange: (s) => phases.push(s.phase) });
    const s = await c.start();
    expect(s.phase).toBe('running');
    const port = s.gateway!.port;
    expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe('ok');

    expect((await c.pause()).phase).toBe('paused');
    await expect(fetch(`http://127.0.0.1:${port}/`)).rejects.toThrow();
    const resumed = await c.resume();
    expect(resumed.phase).toBe('running');
    expect(phases).toEqual(['starting', 'running', 'paused', 'starting', 'running']);
    expect(calls).toEqual([undefined, undefined]);
    await c.stop();
    expect(c.state().phase).toBe('stopped');
  });

  it('on EADDRINUSE names the owner and offers the next free port, then starts there', async () => {
    const taken = await occupy();
    const calls: (number | undefined)[] = [];
    const c = createGatewayController({
      start: fakeStart(calls, () => taken),
      configuredPort: () => taken,
      findOwner: async () => ({ name: 'python3', pid: 31337 }),
    });
    const s: ControllerState = await c.start();
    expect(s.phase).toBe('stopped');
    expect(s.conflict?.port).toBe(taken);
    expect(s.conflict?.freePort).toBeGreaterThan(taken);
    expect(s.conflict?.message).toBe(`Port ${taken} is already in use by python3 (pid 31337). Port ${s.conflict!.freePort} is free.`);

    const next = await c.start(s.conflict!.freePort);
    expect(next.phase).toBe('running');
    expect(next.gateway!.port).toBe(s.conflict!.freePort);
    // Pause/resume keeps the chosen port.
    await c.pause();
    expect((await c.resume()).gateway!.port).toBe(s.conflict!.freePort);
    expect(calls).toEqual([undefined, s.conflict!.freePort, s.conflict!.freePort]);
    // Once the chosen port is in the settings (or the user picks another), restarts follow the settings again.
    c.forgetPort();
    await c.pause();
    await c.resume().catch(() => undefined);
    expect(calls.at(-1)).toBeUndefined();
  });

  it('reports other start failures as an error, never silently', async () => {
    const c = createGatewayController({
      start: async () => {
        throw new Error('settings: server.port: Too big');
      },
      configuredPort: () => 8081,
    });
    expect(await c.start()).toEqual({ phase: 'stopped', port: 8081, error: 'settings: server.port: Too big' });
  });

  it('serialises a pause clicked during a start', async () => {
    const calls: (number | undefined)[] = [];
    const c = createGatewayController({ start: fakeStart(calls, () => 0), configuredPort: () => 0 });
    const [started, paused] = await Promise.all([c.start(), c.pause()]);
    expect(started.phase).toBe('running');
    expect(paused.phase).toBe('paused');
  });
});
