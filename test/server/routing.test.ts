// The one router (server/app.ts): each inbound format's error envelope is bound to its routes, so whatever refuses a
// request there (a guard, the body limit, a 404) answers in that format; and handlers and guards get Node's own
// req/res, which is what keeps the router fast (app.ts says why).
import { IncomingMessage, ServerResponse } from 'node:http';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Router } from '../../main/core/ports.js';
import type { ModelCatalog } from '../../main/pipeline/catalog.js';
import type { Pipeline } from '../../main/pipeline/pipeline.js';
import { anthropicMessagesFormat } from '../../main/server/anthropic-messages/index.js';
import { createRequestListener } from '../../main/server/app.js';
import { openaiChatFormat } from '../../main/server/openai-chat/index.js';
import { openaiResponsesFormat } from '../../main/server/openai-responses/index.js';
import { settingsSchema } from '../../main/settings/schema.js';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/openai.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { send, serve } from '../security/http.js';

const KEY = 'lk-routing-test-key-0123456789abcdef';
const LIMIT = 4096;
let cloud: FakeOpenAI;
let gw: TestGateway;

beforeAll(async () => {
  cloud = await startFakeOpenAI({ models: ['gpt-4o-mini'] });
  gw = await startTestGateway({
    providers: [{ id: 'oa', kind: 'openai', baseUrl: cloud.url, apiKey: 'sk-routing-upstream-0000', models: ['gpt-4o-mini'] }],
    defaultModel: 'oa/gpt-4o-mini',
    cache: { exact: { enabled: false }, semantic: { enabled: false } },
    server: { apiKey: KEY, requireKeyOnLoopback: true, bodyLimitBytes: LIMIT },
  });
});
afterAll(async () => {
  await gw?.close();
  await cloud?.close();
});

const withKey = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' };
const post = (path: string, headers: Record<string, string>, body = '{}') => send(gw.port, { method: 'POST', path, headers, body });

/** Anthropic's envelope: {type:'error', error:{type, message}} and nothing else. */
const anthropic = (type: string) => ({ type: 'error', error: { type, message: expect.any(String) } });
/** OpenAI's envelope (chat, responses, embeddings, everything else). */
const openai = (type: string, code: string | null) => ({ error: expect.objectContaining({ type, code, message: expect.any(String) }) });

describe('errors are answered in the envelope of the route they are on', () => {
  it.each([
    ['/v1/messages', anthropic('authentication_error')],
    ['/messages', anthropic('authentication_error')],
    ['/v1/messages/count_tokens', anthropic('authentication_error')],
    // Matched as the routes match: case-insensitive, a trailing slash allowed; and a sibling path is not below it.
    ['/V1/Messages', anthropic('authentication_error')],
    ['/v1/messages/', anthropic('authentication_error')],
    ['/v1/messagesx', openai('authentication_error', 'invalid_api_key')],
    ['/v1/chat/completions', openai('authentication_error', 'invalid_api_key')],
    ['/v1/responses', openai('authentication_error', 'invalid_api_key')],
    ['/v1/embeddings', openai('authentication_error', 'invalid_api_key')],
  ])('the inbound key guard on %s: 401', async (path, envelope) => {
    const r = await post(path, { 'content-type': 'application/json' });
    expect(r.status).toBe(401);
    expect(r.json()).toEqual(envelope);
  });

  it('the Host guard: 403 in Anthropic’s envelope on /v1/messages, OpenAI’s on /v1/chat/completions', async () => {
    const host = { ...withKey, host: 'attacker.example' };
    const messages = await post('/v1/messages', host);
    expect(messages.status).toBe(403);
    expect(messages.json()).toEqual(anthropic('permission_error'));
    const chat = await post('/v1/chat/completions', host);
    expect(chat.status).toBe(403);
    expect(chat.json()).toEqual(openai('permission_error', 'host_not_allowed'));
  });

  it('a cross-site browser request: 403 in Anthropic’s envelope on /v1/messages', async () => {
    const r = await post('/v1/messages', { ...withKey, origin: 'https://evil.example' });
    expect(r.status).toBe(403);
    expect(r.json()).toEqual(anthropic('permission_error'));
  });

  it('a 404 under /v1/messages is Anthropic’s; one elsewhere is OpenAI’s', async () => {
    const get = await send(gw.port, { path: '/v1/messages', headers: withKey });
    expect(get.status).toBe(404);
    expect(get.json()).toEqual(anthropic('not_found_error'));
    const batches = await post('/v1/messages/batches', withKey);
    expect(batches.status).toBe(404);
    expect(batches.json()).toEqual(anthropic('not_found_error'));
    const other = await send(gw.port, { path: '/v1/no-such-route', headers: withKey });
    expect(other.status).toBe(404);
    expect(other.json()).toEqual(openai('invalid_request_error', 'not_found'));
  });

  it('count_tokens: a body over the limit is a 413, malformed JSON a 400, both Anthropic’s; a good body is counted', async () => {
    const big = await post('/v1/messages/count_tokens', withKey, JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'x'.repeat(LIMIT) }] }));
    expect(big.status).toBe(413);
    expect(big.json()).toEqual(anthropic('request_too_large'));
    const bad = await post('/v1/messages/count_tokens', withKey, '{"model":');
    expect(bad.status).toBe(400);
    expect(bad.json()).toEqual(anthropic('invalid_request_error'));
    const ok = await post('/v1/messages/count_tokens', withKey, JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hello there' }] }));
    expect(ok.status).toBe(200);
    expect((ok.json() as { input_tokens: number }).input_tokens).toBeGreaterThan(0);
  });
});

describe('the router hands Node’s own req/res to guards and handlers', () => {
  it('no express prototype on the gateway’s routes; the admin API still has express’s helpers; a throw is a bare 500', async () => {
    const seen: string[] = [];
    const admin = express.Router();
    admin.get('/ping', (req, res) => void res.status(200).json({ query: req.query.q }));
    const listener = createRequestListener({
      version: 'test',
      settings: () => settingsSchema.parse({}),
      pipeline: {} as Pipeline,
      router: {} as Router,
      catalog: {} as ModelCatalog,
      formats: [openaiChatFormat, anthropicMessagesFormat, openaiResponsesFormat],
      guards: [
        (req, res, next) => {
          const plain = Object.getPrototypeOf(req) === IncomingMessage.prototype && Object.getPrototypeOf(res) === ServerResponse.prototype;
          seen.push(`${req.url} ${plain ? 'node' : 'express'}`);
          next();
        },
      ],
      admin,
      metricsText: () => '',
      readiness: () => Promise.reject(new Error('db at /home/me/.lynkr exploded')),
    });
    const server = await serve(listener);
    try {
      expect((await send(server.port, { path: '/health' })).status).toBe(200);
      const ping = await send(server.port, { path: '/admin/ping?q=1' });
      expect(ping.status).toBe(200);
      expect(ping.json()).toEqual({ query: '1' });
      expect(seen).toEqual(['/health node', '/admin/ping?q=1 node']);
      // A handler that throws: a 500 in the envelope, without its message.
      const ready = await send(server.port, { path: '/health/ready' });
      expect(ready.status).toBe(500);
      expect(ready.json()).toEqual({ error: { type: 'server_error', code: null, param: null, message: 'internal error' } });
    } finally {
      await server.close();
    }
  });
});
