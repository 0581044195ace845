import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminGuard } from '../../main/server/security/admin-guard.js';
import { inboundAuth } from '../../main/server/security/inbound-auth.js';
import { type Served, send, serve, testPeer } from './http.js';

const TOKEN = 'admin-token-for-tests-0123456789abcdef';
const GATEWAY_KEY = 'lk-gateway-key-for-tests-000000000';

describe('adminGuard', () => {
  let s: Served;
  let reached = 0;
  beforeAll(async () => {
    const app = express();
    app.use('/admin', adminGuard({ token: () => TOKEN, peerOf: testPeer }));
    app.get('/admin/status', (_req, res) => {
      reached++;
      res.json({ ok: true });
    });
    // /v1 is open to the bridge with the gateway key; /admin must still not be.
    app.use('/v1', inboundAuth({ key: () => GATEWAY_KEY, peerOf: testPeer }));
    app.get('/v1/models', (_req, res) => void res.json({ data: [] }));
    s = await serve(app);
  });
  afterAll(() => s.close());
  const get = (headers: Record<string, string>) => send(s.port, { path: '/admin/status', headers });
  const auth = { authorization: `Bearer ${TOKEN}` };

  it('loopback + token: 200, no-store, no CORS', async () => {
    const r = await get({ ...auth, origin: `http://localhost:${s.port}` });
    expect(r.status).toBe(200);
    expect(r.headers['cache-control']).toBe('no-store');
    expect(r.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('loopback without or with a bad token: 401', async () => {
    const cases: Record<string, string>[] = [{}, { authorization: `Bearer ${TOKEN.slice(0, -1)}` }, { authorization: TOKEN }, { 'x-api-key': TOKEN }];
    for (const h of cases) {
      const r = await get(h);
      expect(r.status).toBe(401);
      expect(r.json()).toMatchObject({ error: { code: 'invalid_admin_token' } });
    }
  });

  it.each(['172.17.0.2', '192.168.1.50', '::ffff:172.17.0.3', 'fd00::9'])(
    'non-loopback peer %s: 403 even with the right token and the gateway key',
    async (peer) => {
      const before = reached;
      const r = await get({ ...auth, 'x-api-key': GATEWAY_KEY, 'x-test-peer': peer });
      expect(r.status).toBe(403);
      expect(r.json()).toMatchObject({ error: { code: 'admin_loopback_only' } });
      expect(reached).toBe(before);
      // …while the same peer with the gateway key does reach /v1.
      expect((await send(s.port, { path: '/v1/models', headers: { authorization: `Bearer ${GATEWAY_KEY}`, 'x-test-peer': peer } })).status).toBe(200);
    },
  );

  it('cross-site Origin or Sec-Fetch-Site is refused even with the token', async () => {
    const cases: Record<string, string>[] = [
      { origin: 'https://evil.example' },
      { origin: 'null' },
      { origin: 'http://localhost:3000' },
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
    ];
    for (const h of cases) {
      const r = await get({ ...auth, ...h });
      expect(r.status, JSON.stringify(h)).toBe(403);
      expect(r.json()).toMatchObject({ error: { code: 'cross_site' } });
    }
  });

  it('answers only to loopback Host names (host.docker.internal comes from containers on Docker Desktop)', async () => {
    for (const host of ['host.docker.internal:8081', '172.17.0.1:8081', 'evil.example']) {
      expect((await get({ ...auth, host })).status, host).toBe(403);
    }
    expect((await get({ ...auth, host: '127.0.0.1:8081' })).status).toBe(200);
    expect((await get({ ...auth, host: '[::1]:8081' })).status).toBe(200);
  });
});
