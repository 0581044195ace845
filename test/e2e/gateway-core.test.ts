// Issue 2 end to end: the official openai SDK against a real gateway, with fake OpenAI and Ollama upstreams.
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closedPortUrl, startFakeOpenAI, type FakeOpenAI } from '../fakes/openai.js';
import { startFakeOllama, type FakeOllama } from '../fakes/ollama.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

let cloud: FakeOpenAI;
let ollama: FakeOllama;
let gw: TestGateway;
let client: OpenAI;
const KEY = 'sk-test-upstream-secret-0123456789';

beforeAll(async () => {
  cloud = await startFakeOpenAI({ models: ['gpt-4o-mini', 'gpt-4o'] });
  ollama = await startFakeOllama({ models: ['llama3.2:latest', 'nomic-embed-text:latest'] });
  const refused = await closedPortUrl();
  gw = await startTestGateway({
    mode: 'auto',
    defaultModel: 'chat-fast',
    providers: [
      { id: 'ollama', kind: 'ollama', baseUrl: ollama.url },
      { id: 'openai', kind: 'openai', baseUrl: cloud.url, apiKey: KEY, models: ['gpt-4o-mini', 'gpt-4o'] },
      { id: 'deadbox', kind: 'openai-compatible', baseUrl: refused, models: ['dead-model'] },
    ],
    aliases: {
      'chat-fast': { description: 'Local first', targets: ['ollama/llama3.2:latest', 'openai/gpt-4o-mini'] },
      'cloud-only': { description: 'Cloud', targets: ['openai/gpt-4o'] },
    },
    server: { bodyLimitBytes: 64 * 1024, firstByteTimeoutMs: 400, upstreamTimeoutMs: 800 },
    fallback: { enabled: false, retries: 0 },
  });
  client = new OpenAI({ baseURL: `${gw.baseUrl}/v1`, apiKey: 'unused-by-loopback', maxRetries: 0 });
});

afterAll(async () => {
  await gw?.close();
  await cloud?.close();
  await ollama?.close();
});

const post = (path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> =>
  fetch(`${gw.baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

describe('service routes', () => {
  it('GET / names the service; /health and /health/ready answer', async () => {
    expect(await (await fetch(`${gw.baseUrl}/`)).json()).toMatchObject({ service: 'lynkr-desktop', status: 'running' });
    expect((await fetch(`${gw.baseUrl}/health`)).status).toBe(200);
    const ready = await fetch(`${gw.baseUrl}/health/ready`);
    expect(ready.status).toBe(200);
    const body = (await ready.json()) as { providers: { id: string; reachable: boolean }[] };
    expect(Object.fromEntries(body.providers.map((p) => [p.id, p.reachable]))).toEqual({ ollama: true, openai: true, deadbox: false });
  });

  it('lists aliases first, then configured and Ollama-reported models', async () => {
    const ids = (await client.models.list()).data.map((m) => m.id);
    const firstConcrete = ids.findIndex((id) => id.includes('/'));
    expect(ids.slice(0, firstConcrete)).toEqual(expect.arrayContaining(['chat-fast', 'cloud-only']));
    expect(ids.slice(firstConcrete).every((id) => id.includes('/'))).toBe(true);
    expect(ids).toEqual(expect.arrayContaining(['openai/gpt-4o-mini', 'ollama/llama3.2:latest']));
    expect(ids).not.toContain('ollama/nomic-embed-text:latest'); // embedding-only (its /api/show capabilities): not a chat model
    // The commonest LibreChat mistake: a base URL without /v1.
    const bare = await fetch(`${gw.baseUrl}/models`);
    expect(bare.status).toBe(200);
  });
});

describe('chat completions', () => {
  it('answers through Ollama for the alias, mapping options, with routing headers', async () => {
    const { data, response } = await client.chat.completions
      .create({ model: 'chat-fast', messages: [{ role: 'system', content: 'be brief' }, { role: 'user', content: 'hi' }], temperature: 0.3, top_p: 0.9, max_tokens: 42, stop: ['END'], seed: 7 })
      .withResponse();
    expect(data.choices[0].message.content).toBe('Hello from the fake Ollama.');
    expect(data.usage?.total_tokens).toBeGreaterThan(0);
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f]{24}$/);
    expect(response.headers.get('x-lynkr-provider')).toBe('ollama');
    expect(response.headers.get('x-lynkr-model')).toBe('llama3.2:latest');
    const sent = ollama.requests.filter((r) => r.path === '/api/chat').at(-1)!.body as Record<string, any>;
    expect(sent.model).toBe('llama3.2:latest');
    expect(sent.messages[0]).toMatchObject({ role: 'system', content: 'be brief' });
    expect(sent.options).toMatchObject({ temperature: 0.3, top_p: 0.9, num_predict: 42, stop: ['END'], seed: 7 });
  });

  it('streams chunk by chunk, ending with [DONE], and sends usage only when asked', async () => {
    cloud.reply({ text: 'one two three four', delayMs: 80 });
    const started = performance.now();
    const stream = await client.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'count' }], stream: true });
    let firstAt = 0;
    let text = '';
    let usageChunks = 0;
    for await (const chunk of stream) {
      if (!firstAt && chunk.choices[0]?.delta?.content) firstAt = performance.now() - started;
      text += chunk.choices[0]?.delta?.content ?? '';
      if (chunk.usage) usageChunks++;
    }
    const total = performance.now() - started;
    expect(text).toBe('one two three four');
    expect(usageChunks).toBe(0);
    // Not buffered: the first word arrives well before the last (4 words, 80 ms apart upstream).
    expect(firstAt).toBeLessThan(total - 150);
    expect((cloud.requests.at(-1)!.body as Record<string, any>).stream_options).toEqual({ include_usage: true });

    const withUsage = await client.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'x' }], stream: true, stream_options: { include_usage: true } });
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of withUsage) usage = chunk.usage ?? usage;
    expect(usage?.completion_tokens).toBeGreaterThan(0);
    cloud.reply({});
  });

  it('raw SSE bytes end with data: [DONE]', async () => {
    const res = await post('/v1/chat/completions', { model: 'openai/gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'hi' }] });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const text = await res.text();
    expect(text.trimEnd().endsWith('data: [DONE]')).toBe(true);
  });

  it('streams tool-call deltas that the SDK reassembles', async () => {
    cloud.reply({ toolCalls: [{ name: 'get_weather', arguments: { city: 'Paris' } }], chunks: 3 });
    const stream = client.chat.completions.stream({
      model: 'openai/gpt-4o-mini',
      messages: [{ role: 'user', content: 'weather?' }],
      tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }],
      tool_choice: 'auto',
    });
    const final = await stream.finalChatCompletion();
    const call = final.choices[0].message.tool_calls![0] as OpenAI.ChatCompletionMessageFunctionToolCall;
    expect(call.function.name).toBe('get_weather');
    expect(JSON.parse(call.function.arguments)).toEqual({ city: 'Paris' });
    expect(final.choices[0].finish_reason).toBe('tool_calls');
    const sent = cloud.requests.at(-1)!.body as Record<string, any>;
    expect(sent.tools[0].function.name).toBe('get_weather');
    expect(sent.tool_choice).toBe('auto');
    cloud.reply({});
  });

  it('passes response_format, max_completion_tokens and user upstream and drops unknown fields', async () => {
    await client.chat.completions.create({
      model: 'openai/gpt-4o',
      messages: [{ role: 'user', content: 'json please' }],
      response_format: { type: 'json_object' },
      max_completion_tokens: 33,
      user: 'u-1',
      // @ts-expect-error an unknown vendor field must be ignored, not rejected
      totally_unknown_field: { x: 1 },
    });
    const sent = cloud.requests.at(-1)!.body as Record<string, any>;
    expect(sent.response_format).toEqual({ type: 'json_object' });
    expect(sent.max_completion_tokens ?? sent.max_tokens).toBe(33);
    expect(sent.user).toBe('u-1');
    expect(sent).not.toHaveProperty('totally_unknown_field');
    expect(cloud.requests.at(-1)!.headers.authorization).toBe(`Bearer ${KEY}`);
  });

  it('answers on /chat/completions without the /v1 prefix', async () => {
    const res = await post('/chat/completions', { model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    expect(res.status).toBe(200);
  });

  it('aborts the upstream request when the client goes away', async () => {
    cloud.reply({ text: 'a b c d e f g h i j', delayMs: 200 });
    const controller = new AbortController();
    const res = await fetch(`${gw.baseUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'openai/gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'long' }] }),
      signal: controller.signal,
    });
    const reader = res.body!.getReader();
    await reader.read();
    controller.abort();
    await cloud.waitForAbort(3_000);
    expect(cloud.requests.at(-1)!.aborted).toBe(true);
    cloud.reply({});
  });
});

describe('embeddings', () => {
  it('returns vectors through the SDK (base64 by default) and as floats', async () => {
    const res = await client.embeddings.create({ model: 'ollama/nomic-embed-text:latest', input: ['a', 'b'] });
    expect(res.data).toHaveLength(2);
    expect(res.data[0].embedding.length).toBeGreaterThan(0);
    const floats = (await (await post('/v1/embeddings', { model: 'ollama/nomic-embed-text:latest', input: 'a', encoding_format: 'float' })).json()) as { data: { embedding: number[] }[] };
    expect(floats.data[0].embedding.slice(0, 4).map((x) => x.toFixed(4))).toEqual(res.data[0].embedding.slice(0, 4).map((x) => x.toFixed(4)));
  });
});

describe('bad input and failures get the OpenAI envelope', () => {
  const envelope = async (res: Response): Promise<{ message: string; type: string; param: string | null; code: string | null }> => {
    const body = (await res.json()) as { error: { message: string; type: string; param: string | null; code: string | null } };
    expect(body.error).toEqual(expect.objectContaining({ message: expect.any(String), type: expect.any(String) }));
    expect(body.error).toHaveProperty('param');
    expect(body.error).toHaveProperty('code');
    return body.error;
  };

  it('malformed JSON → 400', async () => {
    const res = await post('/v1/chat/completions', '{"model": "x", "messages": [');
    expect(res.status).toBe(400);
    expect((await envelope(res)).message).toMatch(/malformed JSON/);
  });

  it('missing or empty messages → 400 naming the field', async () => {
    const missing = await post('/v1/chat/completions', { model: 'chat-fast' });
    expect(missing.status).toBe(400);
    expect((await envelope(missing)).param).toBe('messages');
    const empty = await post('/v1/chat/completions', { model: 'chat-fast', messages: [] });
    expect(empty.status).toBe(400);
    const e = await envelope(empty);
    expect(e.param).toBe('messages');
    expect(e.message).toMatch(/messages/);
  });

  it('unknown model → 404 model_not_found listing the available models', async () => {
    const res = await post('/v1/chat/completions', { model: 'no-such-model', messages: [{ role: 'user', content: 'hi' }] });
    expect(res.status).toBe(404);
    const e = await envelope(res);
    expect(e.code).toBe('model_not_found');
    expect(e.message).toContain('chat-fast');
  });

  it('body over the limit → 413', async () => {
    const res = await post('/v1/chat/completions', { model: 'chat-fast', messages: [{ role: 'user', content: 'x'.repeat(70 * 1024) }] });
    expect(res.status).toBe(413);
    await envelope(res);
  });

  it('refused upstream → 502 naming the provider, not its address (issue 19: the request log keeps it)', async () => {
    const res = await post('/v1/chat/completions', { model: 'deadbox/dead-model', messages: [{ role: 'user', content: 'hi' }] });
    expect(res.status).toBe(502);
    const e = await envelope(res);
    expect(e.message).toContain('deadbox');
    expect(e.message).not.toMatch(/127\.0\.0\.1:\d+/);
  });

  it('upstream slower than the timeout → 504', async () => {
    cloud.setFault('hang-before-headers', { times: 1, path: '/chat/completions' });
    const res = await post('/v1/chat/completions', { model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hang please' }] });
    expect(res.status).toBe(504);
    await envelope(res);
  });

  it('upstream 429 → 429 with its Retry-After; upstream 5xx → 502 naming the provider; message wrapped, no key in it', async () => {
    cloud.setFault({ status: 429, body: { error: { message: 'slow down please', type: 'rate_limit' } }, headers: { 'retry-after': '3' } }, { times: 1, path: '/chat/completions' });
    const limited = await post('/v1/chat/completions', { model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'limit me' }] });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('3');
    expect((await envelope(limited)).message).toContain('slow down please');

    cloud.setFault({ status: 500, body: { error: { message: `boom ${KEY}` } } }, { times: 1, path: '/chat/completions' });
    const broken = await post('/v1/chat/completions', { model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'break me' }] });
    expect(broken.status).toBe(502);
    const text = JSON.stringify(await envelope(broken));
    expect(text).toContain('openai returned HTTP 500');

    // The upstream refusing our key is not the client's key problem: a 401 would send Claude Code to its login.
    cloud.setFault({ status: 401, body: { error: { message: 'Incorrect API key provided', code: 'invalid_api_key' } } }, { times: 1, path: '/chat/completions' });
    const refused = await post('/v1/chat/completions', { model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'key me' }] });
    expect(refused.status).toBe(502);
    expect((await envelope(refused)).message).toContain('openai returned HTTP 401');
    expect(text).toContain('boom');
    expect(text).not.toContain(KEY);
  });

  it('the process survives all of it', async () => {
    expect((await fetch(`${gw.baseUrl}/health`)).status).toBe(200);
    expect(gw.logs()).not.toContain(KEY);
  });
});
