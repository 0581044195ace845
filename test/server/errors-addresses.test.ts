// Issue 19, "Errors": error text shown to chat users never contains an upstream's host and port; it names the
// provider by its id, and the request log keeps the details for the operator. Through a real gateway, with
// providers at a closed port (OpenAI-compatible and Ollama) and a fake whose error body echoes its own URL.
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RequestRecord } from '../../main/core/ports.js';
import { hideAddresses } from '../../main/server/public-error.js';
import { closedPortUrl, startFakeOpenAI, type FakeOpenAI } from '../fakes/openai.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

let cloud: FakeOpenAI;
let deadUrl: string;
let deadOllamaUrl: string;
let gw: TestGateway;

const hostPort = (url: string): string => new URL(url).host; // 127.0.0.1:PORT
const port = (url: string): string => new URL(url).port;

beforeAll(async () => {
  cloud = await startFakeOpenAI({ models: ['gpt-4o-mini'] });
  deadUrl = await closedPortUrl();
  deadOllamaUrl = new URL(await closedPortUrl()).origin;
  gw = await startTestGateway({
    cache: { exact: { enabled: false }, semantic: { enabled: false } },
    providers: [
      { id: 'cloud', kind: 'openai-compatible', baseUrl: cloud.url, apiKey: 'sk-cloud-secret-0000', models: ['gpt-4o-mini'] },
      { id: 'deadbox', kind: 'openai-compatible', baseUrl: deadUrl, apiKey: 'sk-dead-secret-0000', models: ['dead-model'] },
      { id: 'local', kind: 'ollama', baseUrl: deadOllamaUrl, models: ['qwen2.5-coder:7b'] },
    ],
    defaultModel: 'cloud/gpt-4o-mini',
    fallback: { retries: 0, breakerThreshold: 1000 },
  });
});

afterAll(async () => {
  await gw?.close();
  await cloud?.close();
});

beforeEach(() => cloud.setFault(null));

async function logRow(requestId: string | null): Promise<RequestRecord | undefined> {
  const { rows } = (await (await gw.admin(`/admin/logs?limit=50&q=${requestId}`)).json()) as { rows: RequestRecord[] };
  return rows.find((r) => r.id === requestId);
}

const post = (path: string, body: unknown): Promise<Response> =>
  fetch(`${gw.baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

const requests: Array<[string, (model: string) => Record<string, unknown>]> = [
  ['/v1/chat/completions', (model) => ({ model, messages: [{ role: 'user', content: 'hi' }] })],
  ['/v1/messages', (model) => ({ model, max_tokens: 32, messages: [{ role: 'user', content: 'hi' }] })],
  ['/v1/responses', (model) => ({ model, input: 'hi' })],
  ['/v1/chat/completions', (model) => ({ model, stream: true, messages: [{ role: 'user', content: 'hi' }] })],
];

describe('a provider at a closed port', () => {
  for (const [model, provider, url] of [
    ['deadbox/dead-model', 'deadbox', () => deadUrl],
    ['local/qwen2.5-coder:7b', 'local', () => deadOllamaUrl],
  ] as const) {
    for (const [path, body] of requests) {
      it(`${provider}, ${path}${body('x').stream ? ' (stream)' : ''}: names the provider, not its address; the request log keeps it`, async () => {
        const res = await post(path, body(model));
        expect(res.status).toBe(502);
        const text = await res.text();
        expect(text).toContain(provider);
        expect(text).toContain('refused the connection');
        expect(text).not.toContain('127.0.0.1');
        expect(text).not.toContain(port(url()));
        const row = await logRow(res.headers.get('x-request-id'));
        expect(row?.status).toBe(502);
        expect(row?.error).toContain(hostPort(url()));
      });
    }
  }

  it('embeddings: the same', async () => {
    const res = await post('/v1/embeddings', { model: 'deadbox/dead-model', input: 'hi' });
    expect(res.status).toBe(502);
    const text = await res.text();
    expect(text).toContain('deadbox');
    expect(text).not.toContain(hostPort(deadUrl));
    expect((await logRow(res.headers.get('x-request-id')))?.error).toContain(hostPort(deadUrl));
  });
});

describe('an upstream whose error body echoes addresses', () => {
  it('the client reads the provider and the upstream’s words, with every address hidden', async () => {
    cloud.setFault({ status: 500, body: { error: { message: `proxy ${cloud.url}/chat/completions: backend 10.0.0.5:8000 refused (connect ECONNREFUSED [::1]:11434)` } } });
    const sdk = new OpenAI({ baseURL: `${gw.baseUrl}/v1`, apiKey: 'unused', maxRetries: 0 });
    const err = (await sdk.chat.completions.create({ model: 'cloud/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
    expect(err).toBeInstanceOf(OpenAI.InternalServerError);
    expect(err.message).toContain('cloud returned HTTP 500: proxy [address]: backend [address] refused (connect ECONNREFUSED [address])');
    const row = await logRow(err.headers?.get('x-request-id') ?? null);
    expect(row?.error).toContain(`${cloud.url}/chat/completions`);
    expect(row?.error).toContain('10.0.0.5:8000');
  });

  it('a stream cut mid-way ends with an error event without the address', async () => {
    cloud.reply({ text: 'one two three four', chunks: 4 });
    cloud.setFault('cut-mid-stream', { afterChunks: 2 });
    try {
      for (const [path, body] of [
        ['/v1/chat/completions', { model: 'cloud/gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'count' }] }],
        ['/v1/messages', { model: 'cloud/gpt-4o-mini', stream: true, max_tokens: 32, messages: [{ role: 'user', content: 'count' }] }],
      ] as const) {
        const res = await post(path, body);
        expect(res.status).toBe(200);
        const text = await res.text();
        const last = text.trim().split('\n\n').at(-1) ?? '';
        expect(last, path).toContain('cloud');
        expect(last, path).toMatch(/error/);
        expect(text, path).not.toContain(hostPort(cloud.url));
        expect((await logRow(res.headers.get('x-request-id')))?.error, path).toContain(hostPort(cloud.url));
      }
    } finally {
      cloud.setFault(null);
      cloud.reply({});
    }
  });
});

describe('hideAddresses', () => {
  it('hides URLs, IPs, host:port and unresolved names', () => {
    expect(hideAddresses('ollama (http://127.0.0.1:11434) refused the connection (ECONNREFUSED)')).toBe('ollama refused the connection (ECONNREFUSED)');
    expect(hideAddresses('fetch failed: connect ECONNREFUSED 127.0.0.1:11434')).toBe('fetch failed: connect ECONNREFUSED [address]');
    expect(hideAddresses('connect ECONNREFUSED ::1:11434')).toBe('connect ECONNREFUSED [address]');
    expect(hideAddresses('upstream http://10.0.0.5:8000/v1 down')).toBe('upstream [address] down');
    expect(hideAddresses('at gpu-box.lan:8000, ollama:11434 and [fe80::1]:8080.')).toBe('at [address], [address] and [address].');
    expect(hideAddresses('getaddrinfo ENOTFOUND gpu-box.lan')).toBe('getaddrinfo ENOTFOUND [address]');
  });

  it('keeps what is not an address: model tags, times, field paths', () => {
    for (const text of [
      'model "qwen2.5-coder:7b" not found, try pulling it first',
      'llama3.1:70b and phi3:14b',
      'messages.1.role: Invalid option',
      'cloud returned HTTP 429: try again at 12:30:45',
      'max_tokens is too large: 32000. This model supports at most 16384 completion tokens',
    ]) {
      expect(hideAddresses(text)).toBe(text);
    }
  });
});
