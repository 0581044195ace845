// Issue 19, "Errors": requests refused at the edge (bad JSON, too large, a body that fails validation, an unknown
// model) are in the request log with their status and error, for every inbound format and embeddings; and every
// error response carries the x-lynkr-* headers known by then. Through a real gateway, read back from /admin/logs.
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RequestRecord } from '../../main/core/ports.js';
import { closedPortUrl, startFakeOpenAI, type FakeOpenAI } from '../fakes/openai.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const LIMIT = 4096;
let cloud: FakeOpenAI;
let gw: TestGateway;

beforeAll(async () => {
  cloud = await startFakeOpenAI({ models: ['gpt-4o-mini'] });
  gw = await startTestGateway({
    server: { bodyLimitBytes: LIMIT },
    cache: { exact: { enabled: false }, semantic: { enabled: false } },
    providers: [
      { id: 'cloud', kind: 'openai-compatible', baseUrl: cloud.url, apiKey: 'sk-cloud-secret-0000', models: ['gpt-4o-mini'] },
      { id: 'deadbox', kind: 'openai-compatible', baseUrl: await closedPortUrl(), apiKey: 'sk-dead-secret-0000', models: ['dead-model'] },
    ],
    aliases: { doomed: { description: 'a target that is down', targets: ['deadbox/dead-model'] } },
    defaultModel: 'cloud/gpt-4o-mini',
    fallback: { retries: 0, breakerThreshold: 1000 },
  });
});

afterAll(async () => {
  await gw?.close();
  await cloud?.close();
});

async function logRow(requestId: string | null): Promise<RequestRecord | undefined> {
  expect(requestId).toMatch(/^[0-9a-f]{24}$/);
  const { rows } = (await (await gw.admin(`/admin/logs?limit=50&q=${requestId}`)).json()) as { rows: RequestRecord[] };
  return rows.find((r) => r.id === requestId);
}

const send = (path: string, body: string): Promise<Response> =>
  fetch(`${gw.baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'user-agent': 'edge-test/1.0' }, body });

interface Inbound {
  path: string;
  format: RequestRecord['clientFormat'];
  /** A body this format refuses, with `model: 'cloud/gpt-4o-mini'`. */
  invalid: Record<string, unknown>;
  valid: (model: string) => Record<string, unknown>;
  /** The error's message, from this format's envelope. */
  message: (body: unknown) => string;
}

const openAIMessage = (b: unknown): string => (b as { error: { message: string } }).error.message;
const anthropicMessage = (b: unknown): string => {
  expect(b).toMatchObject({ type: 'error', error: { type: expect.any(String) } });
  return (b as { error: { message: string } }).error.message;
};

const inbound: Inbound[] = [
  {
    path: '/v1/chat/completions',
    format: 'openai-chat',
    invalid: { model: 'cloud/gpt-4o-mini', messages: 'not a list' },
    valid: (model) => ({ model, messages: [{ role: 'user', content: 'hi' }] }),
    message: openAIMessage,
  },
  {
    path: '/v1/messages',
    format: 'anthropic-messages',
    invalid: { model: 'cloud/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }, // no max_tokens
    valid: (model) => ({ model, max_tokens: 32, messages: [{ role: 'user', content: 'hi' }] }),
    message: anthropicMessage,
  },
  {
    path: '/v1/responses',
    format: 'openai-responses',
    invalid: { model: 'cloud/gpt-4o-mini', input: 42 },
    valid: (model) => ({ model, input: 'hi' }),
    message: openAIMessage,
  },
  {
    path: '/v1/embeddings',
    format: 'embeddings',
    invalid: { model: 'cloud/gpt-4o-mini' }, // no input
    valid: (model) => ({ model, input: 'hi' }),
    message: openAIMessage,
  },
];

for (const f of inbound) {
  describe(`${f.format}: refused at the edge, and in the request log`, () => {
    it('malformed JSON → 400 and a row', async () => {
      const res = await send(f.path, '{"model": "cloud/gpt-4o-mini",');
      expect(res.status).toBe(400);
      expect(f.message(await res.json())).toContain('malformed JSON');
      const row = await logRow(res.headers.get('x-request-id'));
      expect(row).toMatchObject({ status: 400, clientFormat: f.format, userAgent: 'edge-test/1.0' });
      expect(row?.error).toContain('malformed JSON');
    });

    it('a body that fails validation → 400 and a row naming the model it asked for', async () => {
      const upstreamCalls = cloud.requests.length;
      const res = await send(f.path, JSON.stringify(f.invalid));
      expect(res.status).toBe(400);
      const message = f.message(await res.json());
      const row = await logRow(res.headers.get('x-request-id'));
      expect(row).toMatchObject({ status: 400, clientFormat: f.format, requestedModel: 'cloud/gpt-4o-mini', error: message });
      expect(cloud.requests).toHaveLength(upstreamCalls);
    });

    it('a body over the limit → 413 and a row', async () => {
      const res = await send(f.path, JSON.stringify({ ...f.valid('cloud/gpt-4o-mini'), pad: 'x'.repeat(LIMIT) }));
      expect(res.status).toBe(413);
      f.message(await res.json());
      const row = await logRow(res.headers.get('x-request-id'));
      expect(row).toMatchObject({ status: 413, clientFormat: f.format });
      expect(row?.error).toContain(`${LIMIT} bytes`);
    });

    it('an unknown model → 404 and a row', async () => {
      const res = await send(f.path, JSON.stringify(f.valid('no-such-model')));
      expect(res.status).toBe(404);
      expect(f.message(await res.json())).toContain('no-such-model');
      expect(await logRow(res.headers.get('x-request-id'))).toMatchObject({ status: 404, clientFormat: f.format, requestedModel: 'no-such-model' });
    });

    it('an upstream failure → 502 with the route headers known by then, and a row', async () => {
      const res = await send(f.path, JSON.stringify(f.valid('doomed')));
      expect(res.status).toBe(502);
      expect(f.message(await res.json())).toContain('deadbox');
      expect(res.headers.get('x-lynkr-provider')).toBe('deadbox');
      expect(res.headers.get('x-lynkr-model')).toBe('dead-model');
      expect(res.headers.get('x-lynkr-alias')).toBe('doomed');
      expect(res.headers.get('x-lynkr-route')).toBe('alias=doomed');
      expect(res.headers.get('x-lynkr-fallback-from')).toBe('deadbox/dead-model (connection failed)');
      expect(await logRow(res.headers.get('x-request-id'))).toMatchObject({ status: 502, clientFormat: f.format, alias: 'doomed', fallbackFrom: ['deadbox/dead-model (connection failed)'] });
    });
  });
}

describe('embeddings that succeed are in the request log too', () => {
  it('a row with provider, model and input tokens; route headers on the response', async () => {
    const res = await send('/v1/embeddings', JSON.stringify({ model: 'cloud/gpt-4o-mini', input: ['one', 'two'] }));
    expect(res.status).toBe(200);
    expect(res.headers.get('x-lynkr-provider')).toBe('cloud');
    expect(res.headers.get('x-lynkr-route')).toBe('direct');
    const row = await logRow(res.headers.get('x-request-id'));
    expect(row).toMatchObject({ status: 200, clientFormat: 'embeddings', provider: 'cloud', model: 'gpt-4o-mini', stream: false });
    expect(row?.inputTokens).toBeGreaterThan(0);
  });
});

describe('the SDKs see the headers on their errors', () => {
  it('openai: APIError carries x-lynkr-* and x-request-id', async () => {
    const sdk = new OpenAI({ baseURL: `${gw.baseUrl}/v1`, apiKey: 'unused', maxRetries: 0 });
    const err = (await sdk.chat.completions.create({ model: 'doomed', messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect(err.status).toBe(502);
    expect(err.headers?.get('x-lynkr-provider')).toBe('deadbox');
    expect(await logRow(err.headers?.get('x-request-id') ?? null)).toMatchObject({ status: 502 });
  });

  it('Anthropic: a refused body is an Anthropic 400 with its request-log row', async () => {
    const sdk = new Anthropic({ baseURL: gw.baseUrl, apiKey: 'unused', maxRetries: 0 });
    const err = (await sdk.messages.create({ model: 'cloud/gpt-4o-mini', max_tokens: -1, messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e)) as InstanceType<typeof Anthropic.APIError>;
    expect(err).toBeInstanceOf(Anthropic.BadRequestError);
    const row = await logRow(err.headers?.get('x-request-id') ?? null);
    expect(row).toMatchObject({ status: 400, clientFormat: 'anthropic-messages', requestedModel: 'cloud/gpt-4o-mini' });
    expect(row?.error).toContain('max_tokens');
  });
});
