// The adapters end to end: the openai SDK against a real gateway whose upstreams are the fakes.
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOllama, type FakeOllama } from '../fakes/ollama.js';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/openai.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

let cloud: FakeOpenAI;
let ollama: FakeOllama;
let gw: TestGateway;
let client: OpenAI;
const KEY = 'sk-or-v1-secretsecretsecret0123456789';
const tool = { type: 'function' as const, function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } };
const lastBody = (f: { requests: Array<{ body: unknown }> }): Record<string, any> => f.requests.at(-1)!.body as Record<string, any>;

beforeAll(async () => {
  cloud = await startFakeOpenAI();
  ollama = await startFakeOllama();
  gw = await startTestGateway({
    providers: [
      { id: 'ollama', kind: 'ollama', baseUrl: ollama.url, keepAlive: '5m' },
      { id: 'openrouter', kind: 'openrouter', baseUrl: `${cloud.url}/chat/completions`, apiKey: KEY, models: ['gpt-4o-mini'] },
    ],
    aliases: { local: { targets: ['ollama/qwen2.5-coder:7b'] } },
    fallback: { enabled: false, retries: 0 },
    cache: { exact: { enabled: false } },
  });
  client = new OpenAI({ baseURL: `${gw.baseUrl}/v1`, apiKey: 'x', maxRetries: 0 });
});
afterAll(async () => {
  await gw?.close();
  await cloud?.close();
  await ollama?.close();
});
afterEach(() => {
  cloud.reply({});
  ollama.reply({});
  cloud.setFault(null);
  ollama.setFault(null);
});

describe('OpenAI-wire upstream through the gateway', () => {
  it('forwards the upstream SSE frames untouched to an OpenAI client', async () => {
    cloud.reply({ text: 'alpha beta' });
    const res = await fetch(`${gw.baseUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'openrouter/gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'hi' }] }),
    });
    const frames = (await res.text()).split('\n\n').filter(Boolean);
    const data = frames.filter((f) => f !== 'data: [DONE]').map((f) => JSON.parse(f.slice(6)));
    // system_fingerprint is only in the fake's own frames: these are its bytes, not a re-encoding.
    expect(data.every((d) => d.system_fingerprint === 'fp_fake')).toBe(true);
    expect(data.map((d) => d.choices[0]?.delta?.content ?? '').join('')).toBe('alpha beta');
    // OpenRouter got its headers and the key; usage was asked for although the client did not.
    const req = cloud.requests.at(-1)!;
    expect(req.headers['x-title']).toBe('Lynkr Desktop');
    expect(req.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(lastBody(cloud).stream_options).toEqual({ include_usage: true });
  });

  it('429 with Retry-After reaches the client as a 429, without the key', async () => {
    cloud.setFault({ status: 429, body: { error: { message: `slow down ${KEY}` } }, headers: { 'retry-after': '4' } });
    const res = await fetch(`${gw.baseUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'openrouter/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(res.status).toBe(429);
    const text = await res.text();
    expect(text).toContain('slow down');
    expect(text).not.toContain(KEY);
  });
});

describe('Ollama through the gateway', () => {
  it('sends images, JSON mode and keep_alive to Ollama', async () => {
    ollama.reply({ text: '{"ok":true}' });
    const r = await client.chat.completions.create({
      model: 'local',
      response_format: { type: 'json_object' },
      messages: [{ role: 'user', content: [{ type: 'text', text: 'describe' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0K' } }] }],
    });
    expect(r.choices[0].message.content).toBe('{"ok":true}');
    const b = lastBody(ollama);
    expect(b.format).toBe('json');
    expect(b.keep_alive).toBe('5m');
    expect(b.messages.at(-1)).toEqual({ role: 'user', content: 'describe', images: ['iVBORw0K'] });
  });

  it('turns a Qwen text tool call into a real one, streamed and not', async () => {
    ollama.reply({ text: '<tool_call>\n{"name": "get_weather", "arguments": {"city": "Paris"}}\n</tool_call>', chunks: 4 });
    const r = await client.chat.completions.create({ model: 'local', tools: [tool], messages: [{ role: 'user', content: 'weather in Paris?' }] });
    const call = r.choices[0].message.tool_calls?.[0] as OpenAI.ChatCompletionMessageFunctionToolCall;
    expect(call.function).toEqual({ name: 'get_weather', arguments: '{"city":"Paris"}' });
    expect(r.choices[0].finish_reason).toBe('tool_calls');
    expect(r.choices[0].message.content ?? '').toBe('');

    const final = await client.chat.completions.stream({ model: 'local', tools: [tool], messages: [{ role: 'user', content: 'weather in Paris?' }] }).finalChatCompletion();
    const streamed = final.choices[0].message.tool_calls?.[0] as OpenAI.ChatCompletionMessageFunctionToolCall;
    expect(JSON.parse(streamed.function.arguments)).toEqual({ city: 'Paris' });
    expect(final.choices[0].finish_reason).toBe('tool_calls');
    expect(lastBody(ollama).tools[0].function.name).toBe('get_weather');
  });

  it('Ollama down → 502 naming it, not its address; back up → answers', async () => {
    await ollama.stop();
    try {
      const res = await fetch(`${gw.baseUrl}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'local', messages: [{ role: 'user', content: 'hi' }] }),
      });
      expect(res.status).toBe(502);
      const body = (await res.json()) as { error: { message: string } };
      expect(body.error.message).toContain('ollama');
      expect(body.error.message).not.toContain(`:${new URL(ollama.url).port}`); // issue 19: the request log keeps it
    } finally {
      await ollama.restart();
    }
    const r = await client.chat.completions.create({ model: 'local', messages: [{ role: 'user', content: 'hi' }] });
    expect(r.choices[0].message.content).toContain('fake Ollama');
  });
});
