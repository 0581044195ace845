// The desktop's view of its in-process gateway, with small real HTTP servers standing in for the gateway's admin
// API: what the tray and window get while it runs, pauses and stops, and how it follows a rebind to a new port.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createGatewaySession, type GatewaySessionDeps, type SessionGateway } from '../../main/desktop/gateway-session.js';
import type { Settings } from '../../main/settings/schema.js';
import { settingsSchema } from '../../main/settings/schema.js';

const servers: http.Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise<void>((r) => s.close(() => r()));
});

/** An admin API on a free port: /health, /admin/status and /admin/mode, recording what it was asked. */
async function adminApi(seen: string[]): Promise<number> {
  const server = http.createServer((req, res) => {
    seen.push(`${req.method} ${req.url} ${req.headers.authorization ?? ''}`);
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const port = (server.address() as AddressInfo).port;
      res.setHeader('content-type', 'application/json');
      if (req.url === '/admin/mode') return res.end(body);
      res.end(JSON.stringify({ mode: 'auto', port, baseUrl: `http://lan-host:${port}/v1`, dockerBaseUrl: `http://docker-host:${port}/v1` }));
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as AddressInfo).port;
}

const settings = (port: number, host = '127.0.0.1'): Settings => settingsSchema.parse({ version: 1, server: { port, host } });

/** A session whose gateway is the admin API on `port`; `change` plays a settings change made in the window. */
function session(port: number, extra: Partial<GatewaySessionDeps> = {}) {
  const listeners: ((next: Settings, prev: Settings) => void)[] = [];
  const events: string[] = [];
  const closed: number[] = [];
  const gateway: SessionGateway = {
    baseUrl: `http://localhost:${port}/v1`,
    uiUrl: `http://127.0.0.1:${port}/ui/`,
    port,
    adminToken: 'tok',
    close: async () => void closed.push(port),
    settings: { onChange: (fn) => listeners.push(fn) },
  };
  const s = createGatewaySession({
    start: async () => gateway,
    configuredPort: () => port,
    onSettingsChange: (next, prev) => void events.push(`settings ${prev.server.port}→${next.server.port}`),
    onChange: () => void events.push(`change ${s.state().phase}`),
    onStatus: () => void events.push('status'),
    ...extra,
  });
  const change = (next: Settings, prev: Settings): void => listeners.forEach((fn) => fn(next, prev));
  return { s, events, closed, change };
}

describe('gateway session', () => {
  it('gives the window and tray the admin origin, token, status and URLs while running', async () => {
    const seen: string[] = [];
    const port = await adminApi(seen);
    const { s, events } = session(port);
    expect(s.access()).toBeUndefined();
    expect(s.urls()).toEqual({ baseUrl: 'http://localhost:8081/v1', dockerBaseUrl: 'http://host.docker.internal:8081/v1' });
    await s.controller.start();
    expect(s.access()).toEqual({ origin: `http://127.0.0.1:${port}`, token: 'tok' });
    expect(s.port()).toBe(port);
    expect(events).toEqual(['change starting', 'change running']);
    // Before the first poll the URLs follow the formula; then the gateway's own answer.
    expect(s.urls().baseUrl).toBe(`http://localhost:${port}/v1`);
    await s.pollStatus();
    expect(s.status()?.mode).toBe('auto');
    expect(s.urls()).toEqual({ baseUrl: `http://lan-host:${port}/v1`, dockerBaseUrl: `http://docker-host:${port}/v1` });
    await s.setMode('local');
    expect(seen).toEqual([`GET /admin/status Bearer tok`, `PUT /admin/mode Bearer tok`]);
  });

  it('keeps token and status while paused, does not poll then, and forgets both once stopped', async () => {
    const seen: string[] = [];
    const port = await adminApi(seen);
    const { s, events, closed } = session(port);
    await s.controller.start();
    await s.pollStatus();
    await s.controller.pause();
    expect(s.access()?.token).toBe('tok');
    expect(s.status()).toBeDefined();
    events.length = 0;
    await s.pollStatus();
    expect(events).toEqual(['status']);
    expect(seen).toHaveLength(1);
    await s.controller.stop();
    expect(closed).toEqual([port]);
    expect(s.access()).toBeUndefined();
    expect(s.status()).toBeUndefined();
  });

  it('follows a rebind to a new port: talks there, re-polls, and tells the window', async () => {
    const seen: string[] = [];
    const port = await adminApi([]);
    const next = await adminApi(seen);
    const { s, events, change } = session(port);
    await s.controller.start();
    await s.pollStatus();
    events.length = 0;
    change(settings(next), settings(port));
    await expect.poll(() => s.access()?.origin).toBe(`http://127.0.0.1:${next}`);
    await expect.poll(() => events).toEqual([`settings ${port}→${next}`, 'status', 'change running']);
    expect(s.port()).toBe(next);
    expect(s.status()?.port).toBe(next);
    expect(seen.filter((l) => l.startsWith('GET /admin/status'))).toHaveLength(1);
  });

  it('does not move for other settings changes, or for a rebind to its own port', async () => {
    const port = await adminApi([]);
    const { s, events, change } = session(port);
    await s.controller.start();
    events.length = 0;
    change(settings(port), settings(port));
    change(settings(port, '0.0.0.0'), settings(port)); // the host changed: it rebinds on the same port
    await new Promise((r) => setTimeout(r, 50));
    expect(events).toEqual([`settings ${port}→${port}`, `settings ${port}→${port}`]);
    expect(s.access()?.origin).toBe(`http://127.0.0.1:${port}`);
  });
});
