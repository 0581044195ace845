import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/openai.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

// What the gateway sends OpenAI-compatible upstreams, through a real gateway and the strict fake (which answers
// like the real API): output budgets clamped to the model's limit (and learned from a refusal), fields the target
// refuses dropped and named in x-lynkr-dropped, tool-result images moved to a user message, mid-conversation
// system messages kept in place.

let gw: TestGateway;
let fake: FakeOpenAI;
let openai: OpenAI;
const KEY = 'sk-proj-FitTestKey-1234567890';

beforeAll(async () => {
  // `mystery-1` has a limit the gateway's table doesn't know: only the upstream's refusal can teach it.
  fake = await startFakeOpenAI({ modelRules: { 'mystery-1': { maxOutput: 8192 } } });
  gw = await startTestGateway({
    providers: [{ id: 'openai', kind: 'openai', baseUrl: fake.url, apiKey: KEY }],
    cache: { exact: { enabled: false } },
    fallback: { enabled: false, retries: 0 },
  });
  openai = new OpenAI({ apiKey: 'k', baseURL: `${gw.baseUrl}/v1`, maxRetries: 0 });
});
afterAll(async () => {
  await gw?.close();
  await fake?.close();
});
beforeEach(() => {
  fake.requests.length = 0;
  fake.reply({});
});

const post = (path: string, body: unknown): Promise<Response> =>
  fetch(`${gw.baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const sent = (i = -1): Record<string, unknown> => fake.requests.at(i)?.body as Record<string, unknown>;

describe('output budget', () => {
  it("Claude Code's max_tokens 32000 on gpt-4o is clamped to 16384 and named, streamed or not", async () => {
    const res = await post('/v1/messages', { model: 'openai/gpt-4o', max_tokens: 32000, messages: [{ role: 'user', content: 'hi' }] });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-lynkr-dropped')).toBe('max_tokens>16384');
    expect(sent().max_completion_tokens).toBe(16384);
    expect(fake.count('/chat/completions')).toBe(1);

    const s = await post('/v1/messages', { model: 'openai/gpt-4o', max_tokens: 32000, stream: true, messages: [{ role: 'user', content: 'hi' }] });
    expect(s.status).toBe(200);
    expect(s.headers.get('x-lynkr-dropped')).toBe('max_tokens>16384');
    expect(await s.text()).toContain('message_stop');
    expect(sent().max_completion_tokens).toBe(16384);
  });

  it('the same-format pass-through is clamped too, and a budget within the limit is left alone', async () => {
    const r = await openai.chat.completions.create({ model: 'openai/gpt-4o-mini', max_tokens: 20000, messages: [{ role: 'user', content: 'hi' }] }).withResponse();
    expect(r.response.headers.get('x-lynkr-dropped')).toBe('max_tokens>16384');
    expect(sent().max_tokens).toBe(16384);

    const ok = await openai.chat.completions.create({ model: 'openai/gpt-4o-mini', max_completion_tokens: 1000, messages: [{ role: 'user', content: 'hi' }] }).withResponse();
    expect(ok.response.headers.get('x-lynkr-dropped')).toBeNull();
    expect(sent().max_completion_tokens).toBe(1000);
  });

  it('a model the gateway does not know is not clamped; its refusal is retried once with the stated limit, which is remembered', async () => {
    const r = await post('/v1/messages', { model: 'openai/mystery-1', max_tokens: 20000, messages: [{ role: 'user', content: 'hi' }] });
    expect(r.status).toBe(200);
    expect(r.headers.get('x-lynkr-dropped')).toBe('max_tokens>8192');
    expect(fake.requests.map((q) => (q.body as Record<string, unknown>).max_completion_tokens)).toEqual([20000, 8192]);

    fake.requests.length = 0;
    const s = await post('/v1/messages', { model: 'openai/mystery-1', max_tokens: 20000, stream: true, messages: [{ role: 'user', content: 'hi' }] });
    expect(s.status).toBe(200);
    expect(s.headers.get('x-lynkr-dropped')).toBe('max_tokens>8192');
    await s.text();
    expect(fake.requests.map((q) => (q.body as Record<string, unknown>).max_completion_tokens)).toEqual([8192]);
  });

  it('a stream refused for its budget is retried too (first call)', async () => {
    const g = await startTestGateway({ providers: [{ id: 'openai', kind: 'openai', baseUrl: fake.url, apiKey: KEY }], cache: { exact: { enabled: false } } });
    try {
      const s = await fetch(`${g.baseUrl}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'openai/mystery-1', max_tokens: 9000, stream: true, messages: [{ role: 'user', content: 'hi' }] }),
      });
      expect(s.status).toBe(200);
      expect(s.headers.get('x-lynkr-dropped')).toBe('max_tokens>8192');
      expect(await s.text()).toContain('[DONE]');
      const chats = fake.requests.filter((q) => q.path.endsWith('/chat/completions'));
      expect(chats.map((q) => (q.body as Record<string, unknown>).max_tokens)).toEqual([9000, 8192]);
    } finally {
      await g.close();
    }
  });

  it('an upstream 400 that states no limit reaches the client as a 400, not retried', async () => {
    fake.setFault({ status: 400, body: { error: { message: "Invalid value for 'temperature'", type: 'invalid_request_error', param: 'temperature', code: 'invalid_value' } } }, { times: 1 });
    const r = await post('/v1/chat/completions', { model: 'openai/gpt-4o', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] });
    expect(r.status).toBe(400);
    expect(((await r.json()) as { error: { message: string } }).error.message).toContain("Invalid value for 'temperature'");
    expect(fake.count('/chat/completions')).toBe(1);
  });
});

describe('fields the target refuses', () => {
  it('pass-through: parallel_tool_calls without tools and reasoning_effort on gpt-4o are dropped and named', async () => {
    const r = await post('/v1/chat/completions', {
      model: 'openai/gpt-4o',
      parallel_tool_calls: false,
      reasoning_effort: 'high',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(r.status).toBe(200);
    expect(r.headers.get('x-lynkr-dropped')).toBe('reasoning_effort, parallel_tool_calls');
    expect(sent()).not.toHaveProperty('parallel_tool_calls');
    expect(sent()).not.toHaveProperty('reasoning_effort');
  });

  it('pass-through: with tools, parallel_tool_calls goes through', async () => {
    const tools = [{ type: 'function' as const, function: { name: 'f', parameters: { type: 'object' } } }];
    const r = await openai.chat.completions.create({ model: 'openai/gpt-4o', parallel_tool_calls: false, tools, messages: [{ role: 'user', content: 'hi' }] }).withResponse();
    expect(r.response.headers.get('x-lynkr-dropped')).toBeNull();
    expect(sent().parallel_tool_calls).toBe(false);
  });

  it('pass-through to a reasoning model: max_tokens becomes max_completion_tokens, reasoning_effort kept', async () => {
    const r = await post('/v1/chat/completions', { model: 'openai/o3-mini', max_tokens: 1000, reasoning_effort: 'low', messages: [{ role: 'user', content: 'hi' }] });
    expect(r.status).toBe(200);
    expect(r.headers.get('x-lynkr-dropped')).toBeNull();
    expect(sent()).toMatchObject({ max_completion_tokens: 1000, reasoning_effort: 'low' });
    expect(sent()).not.toHaveProperty('max_tokens');
  });

  it('the strict fake refuses what the gateway no longer sends (so the assertions above can fail)', async () => {
    const direct = (body: unknown): Promise<Response> =>
      fetch(`${fake.url}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const msg = [{ role: 'user', content: 'hi' }];
    const bodies: Array<[unknown, Record<string, unknown>]> = [
      [{ model: 'gpt-4o', max_tokens: 32000, messages: msg }, { param: 'max_tokens', code: 'invalid_value', message: 'max_tokens is too large: 32000. This model supports at most 16384 completion tokens, whereas you provided 32000.' }],
      [{ model: 'gpt-4o', parallel_tool_calls: true, messages: msg }, { param: 'parallel_tool_calls', message: expect.stringContaining("only allowed when 'tools' are specified") }],
      [{ model: 'gpt-4o-mini', reasoning_effort: 'low', messages: msg }, { param: null, code: null, message: 'Unrecognized request argument supplied: reasoning_effort' }],
      [{ model: 'o3', max_tokens: 10, messages: msg }, { param: 'max_tokens', code: 'unsupported_parameter' }],
      [{ model: 'x', messages: [{ role: 'wizard', content: 'hi' }] }, { param: 'messages[0].role', code: 'invalid_value', message: expect.stringContaining("Invalid value: 'wizard'. Supported values are: 'system'") }],
      [
        { model: 'x', messages: [{ role: 'tool', tool_call_id: 'c', content: [{ type: 'image_url', image_url: { url: 'data:image/png;base64,AA==' } }] }] },
        { param: 'messages[0]', code: 'invalid_value', message: expect.stringContaining("this message with role 'tool' contains an image URL") },
      ],
    ];
    for (const [body, error] of bodies) {
      const res = await direct(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(((await res.json()) as { error: unknown }).error).toMatchObject({ type: 'invalid_request_error', ...error });
    }
  });
});

describe('messages', () => {
  it("an image in a tool result reaches the model in a user message after the run of tool messages", async () => {
    const png = 'iVBORw0KGgo=';
    const res = await post('/v1/messages', {
      model: 'openai/gpt-4o',
      max_tokens: 100,
      messages: [
        { role: 'user', content: 'read both' },
        {
          role: 'assistant',
          content: [
            { type: 'tool_use', id: 'toolu_1', name: 'Read', input: { file: 'a.png' } },
            { type: 'tool_use', id: 'toolu_2', name: 'Read', input: { file: 'b.txt' } },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'text', text: 'a.png:' }, { type: 'image', source: { type: 'base64', media_type: 'image/png', data: png } }] },
            { type: 'tool_result', tool_use_id: 'toolu_2', content: 'plain text' },
          ],
        },
      ],
    });
    expect(res.status).toBe(200);
    expect((sent().messages as unknown[]).slice(2)).toEqual([
      { role: 'tool', tool_call_id: 'toolu_1', content: 'a.png:' },
      { role: 'tool', tool_call_id: 'toolu_2', content: 'plain text' },
      { role: 'user', content: [{ type: 'image_url', image_url: { url: `data:image/png;base64,${png}` } }] },
    ]);
  });

  it('a system message in the middle of the conversation goes through in place', async () => {
    const res = await post('/v1/messages', {
      model: 'openai/gpt-4o',
      max_tokens: 100,
      system: 'You are terse.',
      messages: [
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: 'hello' },
        { role: 'system', content: 'The user switched to plan mode.' },
        { role: 'user', content: 'go on' },
      ],
    });
    expect(res.status).toBe(200);
    expect(sent().messages).toEqual([
      { role: 'system', content: 'You are terse.' },
      { role: 'user', content: 'hi' },
      { role: 'assistant', content: 'hello' },
      { role: 'system', content: 'The user switched to plan mode.' },
      { role: 'user', content: 'go on' },
    ]);
  });
});
