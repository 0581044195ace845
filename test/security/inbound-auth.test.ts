import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inboundAuth } from '../../main/server/security/inbound-auth.js';
import { generateGatewayKey } from '../../main/core/keys.js';
import { safeEqual } from '../../main/server/security/keys.js';
import { type Served, send, serve, testPeer } from './http.js';

describe('keys', () => {
  it('safeEqual: equal only when identical; different lengths do not throw', () => {
    const k = 'lk-abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
    expect(safeEqual(k, k)).toBe(true);
    expect(safeEqual(k.slice(0, -1), k)).toBe(false);
    expect(safeEqual(`${k}x`, k)).toBe(false);
    expect(safeEqual('', k)).toBe(false);
    expect(safeEqual('é', 'e\u0301')).toBe(false);
  });
});

describe('inboundAuth middleware', () => {
  let gatewayKey: string | undefined = 'lk-test-gateway-key-000000000000';
  const holder = { get: () => gatewayKey };
  let open: Served;
  let strict: Served;
  let keyless: Served;
  const app = (o: Parameters<typeof inboundAuth>[0]): express.Express => {
    const a = express();
    a.use(inboundAuth({ peerOf: testPeer, ...o }));
    a.post('/v1/chat/completions', (_req, res) => void res.json({ ok: true }));
    return a;
  };
  beforeAll(async () => {
    open = await serve(app({ key: holder.get }));
    strict = await serve(app({ key: holder.get, requireKeyOnLoopback: true }));
    keyless = await serve(app({ key: () => undefined }));
  });
  afterAll(async () => {
    await Promise.all([open.close(), strict.close(), keyless.close()]);
  });
  const post = (s: Served, headers: Record<string, string> = {}) => send(s.port, { method: 'POST', path: '/v1/chat/completions', headers });

  it('loopback peers (real socket, 127.0.0.1) need no key, and junk client keys are ignored', async () => {
    expect((await post(open)).status).toBe(200);
    expect((await post(open, { authorization: 'Bearer sk-whatever-the-sdk-sends' })).status).toBe(200);
  });

  it.each(['172.17.0.2', '192.168.1.77', '::ffff:10.0.0.3', 'fe80::2'])('a non-loopback peer %s without a key gets 401', async (peer) => {
    const r = await post(open, { 'x-test-peer': peer });
    expect(r.status).toBe(401);
    expect(r.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(r.json()).toMatchObject({ error: { type: 'authentication_error', code: 'invalid_api_key' } });
  });

  it('accepts the key as Bearer or x-api-key from a non-loopback peer', async () => {
    const key = holder.get() ?? '';
    expect((await post(open, { 'x-test-peer': '172.17.0.2', authorization: `Bearer ${key}` })).status).toBe(200);
    expect((await post(open, { 'x-test-peer': '172.17.0.2', 'x-api-key': key })).status).toBe(200);
    // Anthropic SDKs send x-api-key plus sometimes an unrelated Authorization; either may carry the key.
    expect((await post(open, { 'x-test-peer': '172.17.0.2', authorization: 'Bearer nope', 'x-api-key': key })).status).toBe(200);
  });

  it('rejects wrong keys: prefix, longer, different case, other scheme', async () => {
    const key = holder.get() ?? '';
    for (const bad of [`Bearer ${key.slice(0, -1)}`, `Bearer ${key}x`, `Bearer ${key.toUpperCase()}`, `Basic ${key}`, key]) {
      const r = await post(open, { 'x-test-peer': '192.168.1.77', authorization: bad });
      expect(r.status, bad).toBe(401);
      expect(r.text).not.toContain(key);
    }
  });

  it('requireKeyOnLoopback asks loopback clients too', async () => {
    expect((await post(strict)).status).toBe(401);
    expect((await post(strict, { authorization: `Bearer ${holder.get() ?? ''}` })).status).toBe(200);
  });

  it('requireKeyOnLoopback can follow live settings', async () => {
    let strictNow = false;
    const s = await serve(app({ key: holder.get, requireKeyOnLoopback: () => strictNow }));
    try {
      expect((await post(s)).status).toBe(200);
      strictNow = true;
      expect((await post(s)).status).toBe(401);
    } finally {
      await s.close();
    }
  });

  it('rotation applies without rebuilding the middleware', async () => {
    const old = holder.get() ?? '';
    const fresh = generateGatewayKey();
    gatewayKey = fresh;
    expect((await post(open, { 'x-test-peer': '172.17.0.2', authorization: `Bearer ${old}` })).status).toBe(401);
    expect((await post(open, { 'x-test-peer': '172.17.0.2', authorization: `Bearer ${fresh}` })).status).toBe(200);
  });

  it('with no key configured, non-loopback peers are refused whatever they send', async () => {
    const r = await post(keyless, { 'x-test-peer': '172.17.0.2', authorization: 'Bearer ' });
    expect(r.status).toBe(401);
    expect((await post(keyless)).status).toBe(200);
  });
});
