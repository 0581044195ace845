// The security middleware as wired into the real gateway (startGateway): Host allowlist, browser origins,
// the inbound key, the admin guard, and graceful shutdown of a live stream.
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/openai.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { expectStreamComplete, parseSse } from '../faults/sse.js';

const KEY = 'lk-e2e-gateway-key-0123456789abcdef';
let cloud: FakeOpenAI;
let gw: TestGateway;

const settingsFor = (fakeUrl: string, server: Record<string, unknown> = {}) => ({
  providers: [
    { id: 'oa', kind: 'openai' as const, baseUrl: fakeUrl, apiKey: 'sk-e2e-upstream-0000000000', models: ['gpt-4o-mini'] },
    { id: 'ollama', kind: 'ollama' as const, baseUrl: fakeUrl.replace(/\/v1$/, ''), enabled: false },
  ],
  aliases: { cloud: { targets: ['oa/gpt-4o-mini'] } },
  defaultModel: 'cloud',
  cache: { exact: { enabled: false } },
  server: { apiKey: KEY, allowedHosts: ['my-box.lan'], corsOrigins: ['http://localhost:3080'], ...server },
});

beforeAll(async () => {
  cloud = await startFakeOpenAI({ models: ['gpt-4o-mini'] });
  gw = await startTestGateway(settingsFor(cloud.url));
});
afterAll(async () => {
  await gw?.close();
  await cloud?.close();
});

/** node:http so Host, Origin and Sec-Fetch-Site can be set freely. */
function raw(path: string, headers: Record<string, string>, method = 'GET', body?: string): Promise<{ status: number; headers: Record<string, unknown>; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: gw.port, path, method, headers: { host: `127.0.0.1:${gw.port}`, ...headers }, agent: false }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const chatBody = JSON.stringify({ model: 'cloud', messages: [{ role: 'user', content: 'hi' }] });
const post = (headers: Record<string, string>) => raw('/v1/chat/completions', { 'content-type': 'application/json', ...headers }, 'POST', chatBody);

describe('wired into the gateway', () => {
  it('loopback clients need no key by default; the answer is a real completion', async () => {
    const r = await post({});
    expect(r.status).toBe(200);
    expect(JSON.parse(r.text)).toMatchObject({ object: 'chat.completion' });
  });

  it('DNS rebinding: a foreign Host gets 403 on /v1, /admin and /health; allowed names pass', async () => {
    for (const path of ['/v1/models', '/admin/status', '/health']) {
      const r = await raw(path, { host: 'attacker.example', authorization: `Bearer ${gw.adminToken}` });
      expect(r.status, path).toBe(403);
    }
    for (const host of [`localhost:${gw.port}`, `[::1]:${gw.port}`, 'host.docker.internal:8081', 'MY-BOX.lan']) {
      expect((await raw('/v1/models', { host })).status, host).toBe(200);
    }
    const r = await raw('/v1/messages', { host: 'attacker.example', 'content-type': 'application/json' }, 'POST', '{}');
    expect(r.status).toBe(403);
    // Anthropic clients get Anthropic's envelope.
    expect(JSON.parse(r.text)).toMatchObject({ type: 'error', error: { type: 'permission_error' } });
  });

  it('browser origins: allowlisted origin gets CORS, others 403, never reflected', async () => {
    const before = cloud.count('/chat/completions');
    const ok = await post({ origin: 'http://localhost:3080' });
    expect(ok.status).toBe(200);
    expect(ok.headers['access-control-allow-origin']).toBe('http://localhost:3080');
    const pre = await raw('/v1/chat/completions', { origin: 'http://localhost:3080', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' }, 'OPTIONS');
    expect(pre.status).toBe(204);
    const evil = await post({ origin: 'https://evil.example' });
    expect(evil.status).toBe(403);
    expect(evil.headers['access-control-allow-origin']).toBeUndefined();
    // The refused request never reached the upstream.
    expect(cloud.count('/chat/completions')).toBe(before + 1);
  });

  it('admin: token required, never CORS, cross-site refused even with the token', async () => {
    expect((await raw('/admin/status', {})).status).toBe(401);
    expect((await raw('/admin/status', { authorization: `Bearer ${KEY}` })).status).toBe(401);
    const ok = await raw('/admin/status', { authorization: `Bearer ${gw.adminToken}`, origin: `http://127.0.0.1:${gw.port}` });
    expect(ok.status).toBe(200);
    expect(ok.headers['access-control-allow-origin']).toBeUndefined();
    for (const h of [{ origin: 'https://evil.example' }, { origin: 'http://localhost:3080' }, { 'sec-fetch-site': 'cross-site' }] as Record<string, string>[]) {
      expect((await raw('/admin/status', { authorization: `Bearer ${gw.adminToken}`, ...h })).status, JSON.stringify(h)).toBe(403);
    }
    // Even the CORS allowlist for /v1 does not open the admin API.
    const pre = await raw('/admin/status', { origin: 'http://localhost:3080', 'access-control-request-method': 'GET' }, 'OPTIONS');
    expect(pre.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('requireKeyOnLoopback and graceful shutdown', () => {
  it('with requireKeyOnLoopback, loopback clients must send the key (Bearer or x-api-key)', async () => {
    const strict = await startTestGateway(settingsFor(cloud.url, { requireKeyOnLoopback: true }));
    try {
      const url = `${strict.baseUrl}/v1/chat/completions`;
      const send = (headers: Record<string, string>) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: chatBody });
      expect((await send({})).status).toBe(401);
      expect((await send({ authorization: 'Bearer lk-wrong-000000000000000000' })).status).toBe(401);
      expect((await send({ authorization: `Bearer ${KEY}` })).status).toBe(200);
      expect((await send({ 'x-api-key': KEY })).status).toBe(200);
      // Probes stay open so health checks work without the key.
      expect((await fetch(`${strict.baseUrl}/health`)).status).toBe(200);
    } finally {
      await strict.close();
    }
  });

  it('on close, a stream longer than the grace period ends with an error event; a short one completes', async () => {
    const slow = await startFakeOpenAI({ models: ['gpt-4o-mini'], script: { text: Array.from({ length: 40 }, (_, i) => `w${i}`).join(' '), delayMs: 50 } });
    const g = await startTestGateway({ ...settingsFor(slow.url, { shutdownGraceMs: 600 }) });
    try {
      const stream = (words: number) => {
        slow.reply({ text: Array.from({ length: words }, (_, i) => `w${i}`).join(' '), delayMs: 50 });
        return fetch(`${g.baseUrl}/v1/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'cloud', stream: true, messages: [{ role: 'user', content: `s${words}` }] }),
        });
      };
      const long = await stream(60); // ~3 s
      const short = await stream(2); // ~0.25 s
      const t0 = Date.now();
      await g.close();
      const took = Date.now() - t0;
      const longText = await long.text();
      const shortText = await short.text();
      expectStreamComplete('openai-chat', shortText);
      const frames = parseSse(longText);
      expect(JSON.parse(frames.at(-1)!.data)).toMatchObject({ error: { message: 'The gateway is shutting down' } });
      expect(frames.length).toBeGreaterThan(2);
      expect(took).toBeGreaterThanOrEqual(550);
      expect(took).toBeLessThan(2_500);
      // Stopped accepting.
      await expect(fetch(`${g.baseUrl}/health`)).rejects.toThrow();
    } finally {
      await g.close();
      await slow.close();
    }
  });
});
