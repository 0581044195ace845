// Issue 19, "Rate limits": when every target is busy (429, Anthropic's 529), the client gets a 429 with the soonest
// Retry-After, in its own format, so that it backs off; a mix of busy and broken targets stays a 502 naming them.
// Through a real gateway, with raw fetch and the real SDKs, against fake upstreams that fail on command.
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RequestRecord } from '../../main/core/ports.js';
import { anthropicError, startFakeAnthropic, type FakeAnthropic } from '../fakes/anthropic.js';
import { startFakeOpenAI, type FakeOpenAI, type Fault } from '../fakes/openai.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

let primary: FakeOpenAI;
let backup: FakeOpenAI;
let claude: FakeAnthropic;
let gw: TestGateway;

const chatBody = { model: 'duo', messages: [{ role: 'user', content: 'hello' }] };
const messagesBody = { model: 'duo', max_tokens: 64, messages: [{ role: 'user', content: 'hello' }] };
const responsesBody = { model: 'duo', input: 'hello' };

const post = (path: string, body: unknown): Promise<Response> =>
  fetch(`${gw.baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

async function logRow(requestId: string | null): Promise<RequestRecord | undefined> {
  const { rows } = (await (await gw.admin(`/admin/logs?limit=50&q=${requestId}`)).json()) as { rows: RequestRecord[] };
  return rows.find((r) => r.id === requestId);
}

const busy = (retryAfter?: string): Fault => ({
  status: 429,
  body: { error: { message: 'Rate limit reached for requests', type: 'requests', param: null, code: 'rate_limit_exceeded' } },
  headers: retryAfter === undefined ? undefined : { 'retry-after': retryAfter },
});

beforeAll(async () => {
  primary = await startFakeOpenAI({ script: { text: 'from primary' } });
  backup = await startFakeOpenAI({ script: { text: 'from backup' } });
  claude = await startFakeAnthropic({ script: { text: 'from claude' } });
  gw = await startTestGateway({
    cache: { exact: { enabled: false }, semantic: { enabled: false } },
    providers: [
      { id: 'primary', kind: 'openai-compatible', baseUrl: primary.url, apiKey: 'sk-primary-secret-000', models: ['p-model'] },
      { id: 'backup', kind: 'openai-compatible', baseUrl: backup.url, apiKey: 'sk-backup-secret-000', models: ['b-model'] },
      { id: 'claude', kind: 'anthropic', baseUrl: claude.url, apiKey: 'sk-ant-claude-secret-000', models: ['claude-sonnet-4-5'] },
    ],
    aliases: {
      duo: { description: 'primary then backup', targets: ['primary/p-model', 'backup/b-model'] },
      mixed: { description: 'primary then claude', targets: ['primary/p-model', 'claude/claude-sonnet-4-5'] },
    },
    defaultModel: 'duo',
    // No retries on the same target: each upstream is asked once, so the counts below are exact.
    fallback: { retries: 0, breakerThreshold: 1000 },
  });
});

afterAll(async () => {
  await gw?.close();
  await primary?.close();
  await backup?.close();
  await claude?.close();
});

beforeEach(() => {
  for (const f of [primary, backup, claude]) {
    f.setFault(null);
    f.requests.length = 0;
  }
});

describe('every target answered 429', () => {
  beforeEach(() => {
    primary.setFault(busy('7'));
    backup.setFault(busy('3'));
  });

  it('OpenAI chat: 429, the smallest Retry-After, OpenAI rate-limit envelope, route headers, a request-log row', async () => {
    const res = await post('/v1/chat/completions', chatBody);
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('3');
    const body = (await res.json()) as { error: { type: string; code: string; message: string } };
    // api.openai.com answers a 429 with code `rate_limit_exceeded` (and type "requests"/"tokens").
    expect(body.error).toMatchObject({ type: 'rate_limit_error', code: 'rate_limit_exceeded' });
    expect(body.error.message).toContain('primary/p-model: HTTP 429');
    expect(body.error.message).toContain('backup/b-model: HTTP 429');
    expect(res.headers.get('x-lynkr-alias')).toBe('duo');
    expect(res.headers.get('x-lynkr-fallback-from')).toBe('primary/p-model (HTTP 429), backup/b-model (HTTP 429)');
    expect([primary.count('/chat/completions'), backup.count('/chat/completions')]).toEqual([1, 1]);
    expect(await logRow(res.headers.get('x-request-id'))).toMatchObject({ status: 429, clientFormat: 'openai-chat', alias: 'duo' });
  });

  it('a stream that never started is a 429 too, not an SSE error', async () => {
    const res = await post('/v1/chat/completions', { ...chatBody, stream: true });
    expect(res.status).toBe(429);
    expect(res.headers.get('content-type')).toContain('application/json');
    expect(res.headers.get('retry-after')).toBe('3');
  });

  it('Anthropic messages: 429 with rate_limit_error in Anthropic’s envelope', async () => {
    const res = await post('/v1/messages', messagesBody);
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('3');
    const body = (await res.json()) as { type: string; error: { type: string; message: string } };
    expect(body).toMatchObject({ type: 'error', error: { type: 'rate_limit_error' } });
    expect(body.error.message).toContain('backup/b-model');

    const sdk = new Anthropic({ baseURL: gw.baseUrl, apiKey: 'unused', maxRetries: 0 });
    const err = await sdk.messages.create({ model: 'duo', max_tokens: 64, messages: [{ role: 'user', content: 'hello' }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.RateLimitError);
    expect((err as InstanceType<typeof Anthropic.RateLimitError>).headers?.get('retry-after')).toBe('3');
  });

  it('Responses: 429 in OpenAI’s envelope, a RateLimitError for the SDK', async () => {
    const res = await post('/v1/responses', responsesBody);
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('3');
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('rate_limit_exceeded');

    const sdk = new OpenAI({ baseURL: `${gw.baseUrl}/v1`, apiKey: 'unused', maxRetries: 0 });
    const err = await sdk.responses.create({ model: 'duo', input: 'hello' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect((err as InstanceType<typeof OpenAI.RateLimitError>).code).toBe('rate_limit_exceeded');
  });

  it('embeddings: 429 with Retry-After and the route headers', async () => {
    primary.setFault(busy('7'), { path: '/embeddings' });
    backup.setFault(busy('3'), { path: '/embeddings' });
    const res = await post('/v1/embeddings', { model: 'duo', input: 'hello' });
    expect(res.status).toBe(429);
    // duo's two targets are different models, and embeddings never fall back to another model (vectors of another
    // space): the first target's 429 is the answer, with its own Retry-After, and the backup is not asked.
    expect(res.headers.get('retry-after')).toBe('7');
    expect(backup.requests.filter((r) => r.path.endsWith('/embeddings'))).toEqual([]);
    expect(((await res.json()) as { error: { type: string } }).error.type).toBe('rate_limit_error');
    expect(await logRow(res.headers.get('x-request-id'))).toMatchObject({ status: 429, clientFormat: 'embeddings', requestedModel: 'duo' });
  });

  it('the openai SDK backs off by the Retry-After it is given, then gets its answer', async () => {
    primary.setFault(busy('1'), { times: 1 });
    backup.setFault(busy('1'), { times: 1 });
    const sdk = new OpenAI({ baseURL: `${gw.baseUrl}/v1`, apiKey: 'unused', maxRetries: 1 });
    const t0 = performance.now();
    const answer = await sdk.chat.completions.create({ model: 'duo', messages: [{ role: 'user', content: 'hello' }] });
    expect(performance.now() - t0).toBeGreaterThanOrEqual(950);
    expect(answer.choices[0].message.content).toBe('from primary');
    expect([primary.count('/chat/completions'), backup.count('/chat/completions')]).toEqual([2, 1]);
  });
});

describe('busy in other ways', () => {
  it('no Retry-After from any upstream: Retry-After 1', async () => {
    primary.setFault(busy());
    backup.setFault(busy());
    const res = await post('/v1/chat/completions', chatBody);
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('1');
  });

  it('Anthropic’s 529 overloaded counts as busy: 429 with the other target’s Retry-After', async () => {
    primary.setFault(busy('5'));
    claude.setFault({ status: 529, body: anthropicError('overloaded_error', 'Overloaded') });
    const res = await post('/v1/messages', { ...messagesBody, model: 'mixed' });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('5');
    expect(claude.count('/messages')).toBe(1);
  });

  it('one target alone: its 429 and its Retry-After, rounded up to whole seconds', async () => {
    // A body without OpenAI's code (llama.cpp, proxies): the client still gets rate_limit_exceeded.
    primary.setFault({ status: 429, body: { error: { message: 'slow down' } }, headers: { 'retry-after-ms': '2500' } });
    const res = await post('/v1/chat/completions', { ...chatBody, model: 'primary/p-model' });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('3');
    expect(res.headers.get('x-lynkr-provider')).toBe('primary');
    expect(res.headers.get('x-lynkr-model')).toBe('p-model');
    expect(((await res.json()) as { error: { code: string; provider: string } }).error).toMatchObject({ code: 'rate_limit_exceeded', provider: 'primary' });
  });
});

describe('a mix of 429 and other failures', () => {
  it('stays a 502 naming each provider, without Retry-After', async () => {
    primary.setFault(busy('2'));
    backup.setFault({ status: 500, body: { error: { message: 'boom' } } });
    for (const [path, body] of [
      ['/v1/chat/completions', chatBody],
      ['/v1/messages', messagesBody],
      ['/v1/responses', responsesBody],
    ] as const) {
      const res = await post(path, body);
      expect(res.status, path).toBe(502);
      expect(res.headers.get('retry-after')).toBeNull();
      const text = await res.text();
      expect(text).toContain('primary/p-model: HTTP 429');
      expect(text).toContain('backup/b-model: HTTP 500');
      expect(res.headers.get('x-lynkr-fallback-from')).toBe('primary/p-model (HTTP 429), backup/b-model (HTTP 500)');
    }
  });
});
