import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anthropicMessagesFormat } from '../../main/server/anthropic-messages/index.js';
import { hostCheck, hostnameOf } from '../../main/server/security/host-check.js';
import { bindErrorRenderer } from '../../main/server/security/render.js';
import { type Served, send, serve } from './http.js';

describe('hostnameOf', () => {
  it.each([
    ['localhost:8081', 'localhost'],
    ['LOCALHOST', 'localhost'],
    ['[::1]:8081', '::1'],
    ['[::1]', '::1'],
    ['127.0.0.1', '127.0.0.1'],
    ['host.docker.internal.:80', 'host.docker.internal'],
  ])('%s → %s', (h, want) => expect(hostnameOf(h)).toBe(want));
  it.each(['', 'a b', 'user@localhost', 'localhost:80:80', '[::1', '[::1]x', 'localhost/evil', 'localhost:abc'])('%s is malformed', (h) => {
    expect(hostnameOf(h)).toBeUndefined();
  });
});

describe('hostCheck middleware', () => {
  let plain: Served;
  let custom: Served;
  beforeAll(async () => {
    const app = express();
    app.use(hostCheck({ allowedHosts: ['My-Box.lan', '*'], bridgeAddress: '172.17.0.1', listenAddresses: ['0.0.0.0'] }));
    app.get('/ok', (_req, res) => void res.json({ ok: true }));
    plain = await serve(app);

    // The router binds each format's renderer to its routes; the guard must answer with it (here: Anthropic's).
    const app2 = express();
    app2.use((req, _res, next) => (bindErrorRenderer(req, anthropicMessagesFormat.renderError), next()));
    app2.use(hostCheck({}));
    app2.get('/ok', (_req, res) => void res.json({ ok: true }));
    custom = await serve(app2);
  });
  afterAll(async () => {
    await plain.close();
    await custom.close();
  });

  it.each(['localhost:8081', '127.0.0.1:1', '[::1]:8081', 'host.docker.internal:8081', '172.17.0.1:8081', 'my-box.lan', 'MY-BOX.LAN:9'])(
    'accepts Host %s (any port)',
    async (host) => {
      const r = await send(plain.port, { path: '/ok', headers: { host } });
      expect(r.status).toBe(200);
      expect(r.json()).toEqual({ ok: true });
    },
  );

  it.each(['evil.example', 'evil.example:8081', 'localhost.evil.example', '127.0.0.1.nip.io', '0.0.0.0:8081', '192.168.1.5'])(
    'refuses Host %s with 403 in the OpenAI envelope, without echoing it',
    async (host) => {
      const r = await send(plain.port, { path: '/ok', headers: { host } });
      expect(r.status).toBe(403);
      const body = r.json() as { error: { type: string; code: string; message: string } };
      expect(body.error.type).toBe('permission_error');
      expect(body.error.code).toBe('host_not_allowed');
      expect(r.text).not.toContain(host);
    },
  );

  it('a "*" entry does not turn the check off', async () => {
    expect((await send(plain.port, { path: '/ok', headers: { host: 'anything.example' } })).status).toBe(403);
  });

  it('follows live settings when given a getter', async () => {
    let opts: { allowedHosts: string[] } = { allowedHosts: [] };
    const app = express();
    app.use(hostCheck(() => opts));
    app.get('/ok', (_req, res) => void res.json({ ok: true }));
    const s = await serve(app);
    try {
      expect((await send(s.port, { path: '/ok', headers: { host: 'new-name.lan' } })).status).toBe(403);
      opts = { allowedHosts: ['new-name.lan'] };
      expect((await send(s.port, { path: '/ok', headers: { host: 'new-name.lan' } })).status).toBe(200);
    } finally {
      await s.close();
    }
  });

  it('answers with the renderer bound to the request', async () => {
    const r = await send(custom.port, { path: '/ok', headers: { host: 'evil.example' } });
    expect(r.status).toBe(403);
    expect(r.json()).toEqual({ type: 'error', error: { type: 'permission_error', message: expect.stringContaining('Host header not allowed') } });
    expect((await send(custom.port, { path: '/ok' })).status).toBe(200);
  });
});
