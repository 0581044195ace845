import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizeOrigin, v1Cors } from '../../main/server/security/origin.js';
import { type Served, send, serve } from './http.js';

describe('normalizeOrigin', () => {
  it('normalizes exact http(s) origins and rejects wildcards and junk', () => {
    expect(normalizeOrigin('https://App.Example:443/')).toBe('https://app.example');
    expect(normalizeOrigin('http://localhost:3000')).toBe('http://localhost:3000');
    for (const bad of ['*', 'null', 'https://*.example.com', 'file:///x', 'chrome-extension://abc', 'https://a.example/path', 'nonsense', '']) {
      expect(normalizeOrigin(bad), bad).toBeUndefined();
    }
  });
});

describe('v1Cors middleware', () => {
  let s: Served;
  beforeAll(async () => {
    const app = express();
    app.use(v1Cors({ origins: ['http://localhost:3000', 'https://chat.example', '*', 'null'] }));
    app.post('/v1/chat/completions', (_req, res) => void res.json({ ok: true }));
    app.use('/admin', (_req, res) => void res.status(418).json({ reached: 'admin' }));
    s = await serve(app);
  });
  afterAll(() => s.close());
  const post = (headers: Record<string, string>) => send(s.port, { method: 'POST', path: '/v1/chat/completions', headers });

  it('no Origin (curl, SDKs): passes, with no CORS headers', async () => {
    const r = await post({});
    expect(r.status).toBe(200);
    expect(r.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('allowlisted origin: echoed exactly, with Vary: Origin', async () => {
    const r = await post({ origin: 'http://localhost:3000' });
    expect(r.status).toBe(200);
    expect(r.headers['access-control-allow-origin']).toBe('http://localhost:3000');
    expect(r.headers.vary).toMatch(/Origin/);
  });

  it('preflight from an allowlisted origin: 204 with methods, the requested headers and max-age', async () => {
    const r = await send(s.port, {
      method: 'OPTIONS',
      path: '/v1/chat/completions',
      headers: { origin: 'https://chat.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type, x-stainless-os' },
    });
    expect(r.status).toBe(204);
    expect(r.headers['access-control-allow-origin']).toBe('https://chat.example');
    expect(r.headers['access-control-allow-methods']).toContain('POST');
    expect(r.headers['access-control-allow-headers']).toBe('authorization, content-type, x-stainless-os');
    expect(r.headers['access-control-max-age']).toBe('600');
  });

  it.each(['https://evil.example', 'null', 'http://localhost:3001', 'https://chat.example.evil.example'])(
    'other origin %s: 403, never reflected, preflight too',
    async (origin) => {
      const r = await post({ origin });
      expect(r.status).toBe(403);
      expect(r.headers['access-control-allow-origin']).toBeUndefined();
      expect(r.json()).toMatchObject({ error: { code: 'origin_not_allowed' } });
      const pre = await send(s.port, { method: 'OPTIONS', path: '/v1/chat/completions', headers: { origin, 'access-control-request-method': 'POST' } });
      expect(pre.status).toBe(403);
      expect(pre.headers['access-control-allow-origin']).toBeUndefined();
    },
  );

  it('same-origin browser requests (the dashboard) pass', async () => {
    expect((await post({ origin: `http://localhost:${s.port}`, 'sec-fetch-site': 'same-origin' })).status).toBe(200);
  });

  it('mounted app-wide, it leaves /admin to the admin guard: no CORS there, even for an allowlisted origin', async () => {
    const pre = await send(s.port, { method: 'OPTIONS', path: '/admin/status', headers: { origin: 'http://localhost:3000', 'access-control-request-method': 'GET' } });
    expect(pre.status).toBe(418);
    expect(pre.headers['access-control-allow-origin']).toBeUndefined();
    const get = await send(s.port, { path: '/admin/status', headers: { origin: 'http://localhost:3000' } });
    expect(get.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('follows live settings when given a getter', async () => {
    let origins: string[] = [];
    const app = express();
    app.use(v1Cors({ origins: () => origins }));
    app.post('/v1/x', (_req, res) => void res.json({ ok: true }));
    const s2 = await serve(app);
    try {
      const hit = () => send(s2.port, { method: 'POST', path: '/v1/x', headers: { origin: 'http://localhost:5173' } });
      expect((await hit()).status).toBe(403);
      origins = ['http://localhost:5173'];
      const r = await hit();
      expect(r.status).toBe(200);
      expect(r.headers['access-control-allow-origin']).toBe('http://localhost:5173');
    } finally {
      await s2.close();
    }
  });

  it('Sec-Fetch-Site: cross-site without Origin is refused', async () => {
    expect((await post({ 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect((await post({ 'sec-fetch-site': 'none' })).status).toBe(200);
  });
});
