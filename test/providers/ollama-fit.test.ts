// Issue 19: what the gateway sends a real Ollama, checked against the strict fake through a real gateway.
// `think` only to thinking models (else dropped and named in x-lynkr-dropped), tools refused for a model without
// them, `options.num_ctx` sized from the prompt (never a silent truncation: fake.truncations stays empty), and
// context_length_exceeded when the prompt can't fit.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOllama, type FakeOllama } from '../fakes/ollama.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

let fake: FakeOllama;
let gw: TestGateway;

type Json = Record<string, any>;
const chats = (): Json[] => fake.requests.filter((r) => r.path === '/api/chat').map((r) => r.body as Json);
const lastChat = (): Json => chats().at(-1)!;

async function post(path: string, body: unknown): Promise<{ status: number; headers: Headers; json: Json }> {
  const res = await fetch(`${gw.baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text.startsWith('{') ? (JSON.parse(text) as Json) : { text } };
}
const anthropic = (model: string, extra: Json = {}) =>
  post('/v1/messages', { model: `ollama/${model}`, max_tokens: 1024, messages: [{ role: 'user', content: 'Say hi' }], ...extra });
const openai = (model: string, extra: Json = {}) => post('/v1/chat/completions', { model: `ollama/${model}`, messages: [{ role: 'user', content: 'Say hi' }], ...extra });

const weatherTool = { name: 'get_weather', description: 'Weather for a city', input_schema: { type: 'object', properties: { city: { type: 'string' } } } };
/** About the size of Claude Code's system prompt plus its tool definitions: far past Ollama's default 4096. */
const bigSystem = 'You are an agent. Follow the rules exactly and use the tools when they help. '.repeat(800); // ~62k chars

beforeAll(async () => {
  fake = await startFakeOllama({
    strictModels: true,
    models: ['qwen2.5-coder:7b', 'qwen3:8b', 'gpt-oss:20b', 'llava:7b', 'nomic-embed-text', 'small', 'tiny', 'solo'],
    modelSpecs: { small: { contextLength: 8192 }, tiny: { contextLength: 4096 } },
  });
  gw = await startTestGateway({
    providers: [{ id: 'ollama', kind: 'ollama', baseUrl: fake.url }],
    fallback: { enabled: false, retries: 0 },
    cache: { exact: { enabled: false } },
  });
});
afterAll(async () => {
  await gw?.close();
  await fake?.close();
});
afterEach(() => {
  fake.setFault(null);
  fake.reply({});
  expect(fake.truncations.splice(0)).toEqual([]); // never a silent truncation through the gateway
});

describe('think', () => {
  it('is dropped for a model without thinking (qwen2.5-coder), named in x-lynkr-dropped, streamed and not', async () => {
    const r = await anthropic('qwen2.5-coder:7b', { thinking: { type: 'enabled', budget_tokens: 2048 } });
    expect(r.status).toBe(200);
    expect(r.headers.get('x-lynkr-dropped')).toBe('think');
    expect(lastChat()).not.toHaveProperty('think');

    const s = await anthropic('qwen2.5-coder:7b', { stream: true, thinking: { type: 'enabled', budget_tokens: 2048 } });
    expect(s.status).toBe(200);
    expect(s.headers.get('x-lynkr-dropped')).toBe('think');
    expect(s.json.text).toContain('message_stop');
    expect(lastChat()).not.toHaveProperty('think');
  });

  it('goes to a thinking model (qwen3) as true, with nothing dropped', async () => {
    fake.reply({ thinking: 'hmm', text: 'hi' });
    const r = await anthropic('qwen3:8b', { thinking: { type: 'enabled', budget_tokens: 2048 } });
    expect(r.status).toBe(200);
    expect(r.headers.get('x-lynkr-dropped')).toBeNull();
    expect(lastChat().think).toBe(true);
    expect(r.json.content[0]).toMatchObject({ type: 'thinking', thinking: 'hmm' });
  });

  it('Responses reasoning.effort: true for qwen3, the level for gpt-oss, dropped for qwen2.5-coder', async () => {
    const ask = (model: string, effort: string) => post('/v1/responses', { model: `ollama/${model}`, input: 'hi', reasoning: { effort } });
    expect((await ask('qwen3:8b', 'high')).status).toBe(200);
    expect(lastChat().think).toBe(true);
    expect((await ask('gpt-oss:20b', 'low')).status).toBe(200);
    expect(lastChat().think).toBe('low');
    const r = await ask('qwen2.5-coder:7b', 'high');
    expect(r.status).toBe(200);
    expect(r.headers.get('x-lynkr-dropped')).toBe('think');
    expect(lastChat()).not.toHaveProperty('think');
  });
});

describe('tools and chat capability', () => {
  it('tools to a model without the tools capability: 400 naming the model, and Ollama is never asked', async () => {
    const before = chats().length;
    const r = await anthropic('llava:7b', { tools: [weatherTool] });
    expect(r.status).toBe(400);
    expect(r.json.type).toBe('error');
    expect(r.json.error.message).toMatch(/llava:7b on ollama can't call tools/);
    expect(r.json.error.message).toContain('ollama show');
    const o = await openai('llava:7b', { tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }] });
    expect(o.status).toBe(400);
    expect(o.json.error).toMatchObject({ code: 'tools_not_supported', param: 'tools' });
    expect(chats().length).toBe(before);
    // Without tools (or with tool_choice none) the same model answers.
    expect((await openai('llava:7b', { tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }], tool_choice: 'none' })).status).toBe(200);
    expect(lastChat()).not.toHaveProperty('tools');
  });

  it('an embedding-only model refuses chat with a 400 of our own', async () => {
    const r = await openai('nomic-embed-text');
    expect(r.status).toBe(400);
    expect(r.json.error.message).toContain('nomic-embed-text on ollama is an embedding model');
  });
});

describe('num_ctx', () => {
  it('a Claude-Code-sized prompt gets a num_ctx that holds it, and the fake sees no truncation', async () => {
    const r = await anthropic('qwen2.5-coder:7b', { system: bigSystem, tools: [weatherTool], max_tokens: 4096 });
    expect(r.status).toBe(200);
    const { options } = lastChat();
    expect(options.num_ctx).toBe(32768);
    expect(options.num_predict).toBe(4096);
    expect(r.headers.get('x-lynkr-dropped')).toBeNull();
  });

  it('sizes are fixed steps, and a model keeps the largest it has used (no reload back down)', async () => {
    expect((await openai('small')).status).toBe(200);
    expect(lastChat().options.num_ctx).toBe(4096);
    expect(lastChat().options.num_predict).toBeGreaterThan(3000); // no max_tokens: the room left
    expect((await openai('small', { max_tokens: 6000 })).status).toBe(200);
    expect(lastChat().options).toMatchObject({ num_ctx: 8192, num_predict: 6000 });
    expect((await openai('small')).status).toBe(200);
    expect(lastChat().options.num_ctx).toBe(8192);
  });

  it('max_tokens past the room left is cut to it and named', async () => {
    const r = await openai('tiny', { max_tokens: 32000, messages: [{ role: 'user', content: 'x'.repeat(7000) }] });
    expect(r.status).toBe(200);
    const { num_ctx, num_predict } = lastChat().options;
    expect(num_ctx).toBe(4096);
    expect(r.headers.get('x-lynkr-dropped')).toBe(`max_tokens>${num_predict}`);
    expect(num_predict).toBeGreaterThanOrEqual(1024);
    expect(num_predict).toBeLessThan(2100);
  });

  it('a prompt that cannot fit: 400 context_length_exceeded in the client’s format, nothing sent', async () => {
    const before = chats().length;
    const o = await openai('small', { messages: [{ role: 'user', content: bigSystem }] });
    expect(o.status).toBe(400);
    expect(o.json.error).toMatchObject({ code: 'context_length_exceeded', param: 'messages' });
    expect(o.json.error.message).toMatch(/maximum context length is 8192 tokens \(small on ollama\).*about \d+ tokens/);
    const a = await anthropic('small', { system: bigSystem });
    expect(a.status).toBe(400);
    expect(a.json).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
    // Worded the way Claude Code parses it to compact the conversation (render.ts cites its pattern).
    const m = /prompt is too long[^0-9]*(\d+)\s*tokens?\s*>\s*(\d+)/.exec(a.json.error.message);
    expect(m && Number(m[1]) > Number(m[2]) && Number(m[2]) === 8192).toBe(true);
    expect(chats().length).toBe(before);
  });
});

describe('options and messages', () => {
  it('sampling knobs reach options under Ollama’s names', async () => {
    const r = await openai('qwen2.5-coder:7b', {
      temperature: 0.2,
      top_p: 0.9,
      top_k: 40,
      min_p: 0.05,
      repeat_penalty: 1.1,
      frequency_penalty: 0.3,
      presence_penalty: 0.4,
      seed: 7,
      stop: ['END'],
      max_tokens: 100,
    });
    expect(r.status).toBe(200);
    expect(lastChat().options).toEqual({
      temperature: 0.2,
      top_p: 0.9,
      top_k: 40,
      min_p: 0.05,
      repeat_penalty: 1.1,
      frequency_penalty: 0.3,
      presence_penalty: 0.4,
      seed: 7,
      stop: ['END'],
      num_predict: 100,
      num_ctx: expect.any(Number),
    });
  });

  it('an image in a tool result reaches Ollama in that tool message’s images (base64, no data: prefix)', async () => {
    const r = await anthropic('qwen2.5-coder:7b', {
      tools: [weatherTool],
      messages: [
        { role: 'user', content: 'look at the chart' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Oslo' } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'text', text: 'chart:' }, { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } }] }] },
      ],
    });
    expect(r.status).toBe(200);
    expect(lastChat().messages.at(-1)).toEqual({ role: 'tool', content: 'chart:', images: ['iVBORw0KGgo='], tool_name: 'get_weather' });
  });

  it('`name` and `name:latest` are one model: one /api/show lookup for both', async () => {
    const shows = (): number => fake.requests.filter((r) => r.path === '/api/show' && (r.body as Json).model.startsWith('solo')).length;
    expect((await openai('solo')).status).toBe(200);
    expect(lastChat().model).toBe('solo');
    expect((await openai('solo:latest')).status).toBe(200);
    expect(lastChat().model).toBe('solo:latest');
    expect(shows()).toBe(1);
  });
});

describe('a failed /api/show', () => {
  it('does not fail the request: think is left out, tools are sent, num_ctx still set; the lookup is not retried at once', async () => {
    fake.models.push('qwen3:4b'); // pulled after the gateway started: its capabilities are not known yet
    fake.setFault({ status: 500, body: { error: 'boom' } }, { path: '/api/show' });
    const before = fake.count('/api/show');
    const r = await anthropic('qwen3:4b', { thinking: { type: 'enabled', budget_tokens: 2048 }, tools: [weatherTool] });
    expect(r.status).toBe(200);
    expect(r.headers.get('x-lynkr-dropped')).toBe('think');
    expect(lastChat()).not.toHaveProperty('think');
    expect(lastChat().tools).toHaveLength(1);
    expect(lastChat().options.num_ctx).toBe(4096);
    expect((await anthropic('qwen3:4b')).status).toBe(200);
    expect(fake.count('/api/show') - before).toBe(1);
  });
});

describe('a model that changed under the gateway', () => {
  it('Ollama’s own "does not support" 400 reaches the client, and the next request looks the model up again', async () => {
    expect((await anthropic('qwen3:8b', { thinking: { type: 'enabled', budget_tokens: 2048 } })).status).toBe(200); // thinking known
    fake.setModel('qwen3:8b', { capabilities: ['completion', 'tools'] }); // re-pulled as a build without thinking
    const shows = fake.count('/api/show');
    const r = await anthropic('qwen3:8b', { thinking: { type: 'enabled', budget_tokens: 2048 } });
    expect(r.status).toBe(400);
    expect(r.json.error.message).toContain('"qwen3:8b" does not support thinking');
    const again = await anthropic('qwen3:8b', { thinking: { type: 'enabled', budget_tokens: 2048 } });
    expect(again.status).toBe(200);
    expect(again.headers.get('x-lynkr-dropped')).toBe('think');
    expect(fake.count('/api/show')).toBe(shows + 1);
  });
});
