import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anthropicError, startFakeAnthropic, type FakeAnthropic } from '../fakes/anthropic.js';
import { startFakeBedrock, type FakeBedrock } from '../fakes/bedrock.js';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/openai.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

// Format-specific behaviour through a real gateway: native Anthropic pass-through (body and stream bytes),
// count_tokens, each format's error envelope for bad input and upstream failures, mid-stream errors.

let gw: TestGateway;
let claude: FakeAnthropic;
let oai: FakeOpenAI;
let aws: FakeBedrock;
let anthropic: Anthropic;
let openai: OpenAI;

beforeAll(async () => {
  [claude, oai, aws] = await Promise.all([startFakeAnthropic(), startFakeOpenAI(), startFakeBedrock()]);
  gw = await startTestGateway({
    providers: [
      { id: 'claude', kind: 'anthropic', baseUrl: claude.url, apiKey: 'sk-ant-fake-key-123' },
      { id: 'oai', kind: 'openai-compatible', baseUrl: oai.url },
      { id: 'aws', kind: 'bedrock', baseUrl: aws.url, apiKey: 'bedrock-fake-key', models: ['amazon.nova-lite-v1:0'] },
    ],
    cache: { exact: { enabled: false } },
    fallback: { enabled: false, retries: 0 },
  });
  anthropic = new Anthropic({ apiKey: 'k', baseURL: gw.baseUrl, maxRetries: 0 });
  openai = new OpenAI({ apiKey: 'k', baseURL: `${gw.baseUrl}/v1`, maxRetries: 0 });
});
afterAll(async () => {
  await gw?.close();
  await Promise.all([claude?.close(), oai?.close(), aws?.close()]);
});

const post = (path: string, body: unknown) => fetch(`${gw.baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('anthropic client → anthropic upstream (same format)', () => {
  it('sends the client body through with only the model replaced (cache_control, top_k kept)', async () => {
    claude.reply({ text: 'cached hello' });
    const body = {
      model: 'claude/claude-fake-1',
      max_tokens: 77,
      top_k: 5,
      system: [{ type: 'text' as const, text: 'Long system prompt', cache_control: { type: 'ephemeral' as const } }],
      messages: [{ role: 'user' as const, content: [{ type: 'text' as const, text: 'hi', cache_control: { type: 'ephemeral' as const } }] }],
    };
    const msg = await anthropic.messages.create(body);
    expect(msg.content).toEqual([{ type: 'text', text: 'cached hello' }]);
    expect(claude.requests.at(-1)!.body).toEqual({ ...body, model: 'claude-fake-1', stream: false });
    expect(claude.requests.at(-1)!.headers['x-api-key']).toBe('sk-ant-fake-key-123');
  });

  it('forwards the upstream SSE events byte for byte', async () => {
    claude.reply({ thinking: 'deep', text: 'streamed reply', toolCalls: [{ name: 'f', input: { x: 1 }, id: 'toolu_7' }] });
    const res = await post('/v1/messages', { model: 'claude/claude-fake-1', max_tokens: 50, stream: true, messages: [{ role: 'user', content: 'hi' }] });
    expect(res.status).toBe(200);
    const got = await res.text();
    // Same script straight from the fake (no gateway) for comparison.
    const direct = await fetch(`${claude.url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': 'x', 'anthropic-version': '2023-06-01', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'claude-fake-1', max_tokens: 50, stream: true, messages: [{ role: 'user', content: 'hi' }] }),
    }).then((r) => r.text());
    const norm = (s: string) => s.replace(/msg_fake_\d+/g, 'msg_X');
    expect(norm(got)).toBe(norm(direct));
  });

  it('an upstream 529 reaches the client as Anthropic overloaded_error', async () => {
    claude.setFault({ status: 529, body: anthropicError('overloaded_error', 'Overloaded') }, { times: 1 });
    const res = await post('/v1/messages', { model: 'claude/claude-fake-1', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] });
    expect(res.status).toBe(529);
    expect(await res.json()).toMatchObject({ type: 'error', error: { type: 'overloaded_error', message: expect.stringMatching(/Overloaded/) } });
  });
});

describe('anthropic client → translated upstreams', () => {
  it('a stream cut mid-way ends with an Anthropic `event: error`', async () => {
    oai.reply({ text: 'one two three four five six', delayMs: 2 });
    oai.setFault('cut-mid-stream', { times: 1, afterChunks: 3 });
    const res = await post('/v1/messages', { model: 'oai/gpt-4o-mini', max_tokens: 50, stream: true, messages: [{ role: 'user', content: 'x' }] });
    const text = await res.text();
    expect(text.startsWith('event: message_start\n')).toBe(true);
    expect(text).toMatch(/event: error\ndata: \{"type":"error","error":\{"type":"api_error","message":"[^"]*oai/);
    expect(text).not.toContain('message_stop');
  });

  it('count_tokens answers locally with an estimate', async () => {
    const small = await anthropic.messages.countTokens({ model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'hello' }] });
    const big = await anthropic.messages.countTokens({
      model: 'claude-sonnet-4-5',
      system: 'You are a careful assistant. '.repeat(40),
      messages: [{ role: 'user', content: 'hello' }],
      tools: [{ name: 'read_file', description: 'Read a file from disk', input_schema: { type: 'object', properties: { path: { type: 'string' } } } }],
    });
    expect(small.input_tokens).toBeGreaterThan(0);
    expect(big.input_tokens).toBeGreaterThan(small.input_tokens + 250);
    expect(claude.count('/count_tokens')).toBe(0);
  });

  it('tool use round trip against a bedrock model (the SDK\'s tool_use, then tool_result)', async () => {
    aws.reply({ toolCalls: [{ name: 'get_time', input: { tz: 'UTC' }, id: 'tooluse_1' }] });
    const tools = [{ name: 'get_time', input_schema: { type: 'object' as const, properties: { tz: { type: 'string' } } } }];
    const first = await anthropic.messages.create({ model: 'aws/amazon.nova-lite-v1:0', max_tokens: 100, tools, messages: [{ role: 'user', content: 'time?' }] });
    const use = first.content.find((b) => b.type === 'tool_use');
    expect(use).toMatchObject({ type: 'tool_use', id: 'tooluse_1', name: 'get_time', input: { tz: 'UTC' } });
    aws.reply({ text: 'It is noon.' });
    const second = await anthropic.messages.create({
      model: 'aws/amazon.nova-lite-v1:0',
      max_tokens: 100,
      tools,
      messages: [
        { role: 'user', content: 'time?' },
        { role: 'assistant', content: first.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'tooluse_1', content: '12:00' }] },
      ],
    });
    expect(second.content).toEqual([{ type: 'text', text: 'It is noon.' }]);
    const sent = aws.requests.at(-1)!.body as { messages: unknown[] };
    expect(sent.messages[2]).toEqual({ role: 'user', content: [{ toolResult: { toolUseId: 'tooluse_1', content: [{ text: '12:00' }], status: 'success' } }] });
  });
});

describe('openai chat client → anthropic and bedrock providers', () => {
  it('anthropic: text, usage (cached tokens) and finish reason', async () => {
    claude.reply({ text: 'hi from claude', usage: { input_tokens: 10, output_tokens: 3, cache_read_input_tokens: 6 } });
    const r = await openai.chat.completions.create({ model: 'claude/claude-fake-1', messages: [{ role: 'system', content: 'sys' }, { role: 'user', content: 'x' }] });
    expect(r.choices[0].message.content).toBe('hi from claude');
    expect(r.choices[0].finish_reason).toBe('stop');
    expect(r.usage).toMatchObject({ prompt_tokens: 16, completion_tokens: 3, prompt_tokens_details: { cached_tokens: 6 } });
    expect(claude.requests.at(-1)!.body).toMatchObject({ system: 'sys', max_tokens: 4096 });
  });

  it('bedrock: streamed text with usage, and a length finish', async () => {
    aws.reply({ text: 'streaming from bedrock', stopReason: 'max_tokens', usage: { inputTokens: 5, outputTokens: 4 } });
    let text = '';
    let finish: string | null | undefined;
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const ch of await openai.chat.completions.create({ model: 'aws/amazon.nova-lite-v1:0', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'x' }] })) {
      text += ch.choices[0]?.delta?.content ?? '';
      finish = ch.choices[0]?.finish_reason ?? finish;
      usage = ch.usage ?? usage;
    }
    expect(text).toBe('streaming from bedrock');
    expect(finish).toBe('length');
    expect(usage).toMatchObject({ prompt_tokens: 5, completion_tokens: 4 });
  });

  it('bedrock refuses what it cannot take with a 400 in the OpenAI envelope', async () => {
    await expect(
      openai.chat.completions.create({ model: 'aws/amazon.nova-lite-v1:0', messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://example.com/cat.png' } }] }] }),
    ).rejects.toMatchObject({ status: 400, message: expect.stringMatching(/cannot take images by URL/) });
  });
});

describe('bad input gets each format\'s own envelope and status', () => {
  it('anthropic messages: 400 invalid_request_error', async () => {
    const res = await post('/v1/messages', { model: 'claude/claude-fake-1', messages: [{ role: 'user', content: 'no max_tokens' }] });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ type: 'error', error: { type: 'invalid_request_error', message: expect.stringMatching(/max_tokens/) } });
    const ct = await post('/v1/messages/count_tokens', { messages: 'nope' });
    expect(ct.status).toBe(400);
    expect(await ct.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
  });

  it('responses: 400 in the OpenAI envelope naming the field', async () => {
    const res = await post('/v1/responses', { model: 'oai/gpt-4o-mini' });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { type: 'invalid_request_error', param: 'input', message: expect.stringMatching(/input/) } });
  });

  it('openai chat: 400 in the OpenAI envelope', async () => {
    const res = await post('/v1/chat/completions', { model: 'oai/gpt-4o-mini', messages: 'hello' });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { type: 'invalid_request_error', message: expect.stringMatching(/messages/) } });
  });
});

describe('responses client', () => {
  it('function call via the anthropic upstream, streamed, with the SDK helper', async () => {
    claude.reply({ text: 'Checking.', toolCalls: [{ name: 'lookup', input: { q: 'x' }, id: 'toolu_r' }] });
    const stream = openai.responses.stream({ model: 'claude/claude-fake-1', input: 'find x', tools: [{ type: 'function', name: 'lookup', parameters: { type: 'object' }, strict: false }] });
    const argDeltas: string[] = [];
    stream.on('response.function_call_arguments.delta', (e) => argDeltas.push(e.delta));
    const final = await stream.finalResponse();
    expect(final.output_text).toBe('Checking.');
    expect(final.output.find((o) => o.type === 'function_call')).toMatchObject({ call_id: 'toolu_r', name: 'lookup', arguments: '{"q":"x"}' });
    expect(argDeltas.length).toBeGreaterThan(1);
    expect(claude.requests.at(-1)!.body).toMatchObject({ tools: [{ name: 'lookup', input_schema: { type: 'object' } }] });
  });
});

describe('Codex custom (free-form) tools through an OpenAI-compatible upstream', () => {
  const patch = '*** Begin Patch\n*** Add File: hello.txt\n+Hello "world"\n*** End Patch';
  const tools = [{ type: 'custom' as const, name: 'apply_patch', description: 'Edit files' }];

  it('the upstream sees a function with one string argument; the client gets custom_tool_call back, streamed and not', async () => {
    oai.reply({ toolCalls: [{ name: 'apply_patch', arguments: { input: patch }, id: 'call_cx' }], chunks: 4 });
    const r = await openai.responses.create({ model: 'oai/gpt-4o-mini', input: 'add hello.txt', tools });
    expect(r.output.find((o) => o.type === 'custom_tool_call')).toMatchObject({ call_id: 'call_cx', name: 'apply_patch', input: patch });
    expect(oai.requests.at(-1)!.body).toMatchObject({ tools: [{ type: 'function', function: { name: 'apply_patch', parameters: { properties: { input: { type: 'string' } } } } }] });

    oai.reply({ toolCalls: [{ name: 'apply_patch', arguments: { input: patch }, id: 'call_cy' }], chunks: 4 });
    const stream = openai.responses.stream({ model: 'oai/gpt-4o-mini', input: 'add hello.txt', tools });
    const deltas: string[] = [];
    stream.on('response.custom_tool_call_input.delta', (e) => deltas.push(e.delta));
    const final = await stream.finalResponse();
    expect(deltas.join('')).toBe(patch);
    expect(final.output.find((o) => o.type === 'custom_tool_call')).toMatchObject({ call_id: 'call_cy', input: patch });

    // The next turn sends the call and its output back: the upstream gets them as a tool call and a tool result.
    oai.reply({ text: 'Done.' });
    const next = await openai.responses.create({
      model: 'oai/gpt-4o-mini',
      tools,
      input: [
        { role: 'user', content: 'add hello.txt' },
        { type: 'custom_tool_call', call_id: 'call_cy', name: 'apply_patch', input: patch },
        { type: 'custom_tool_call_output', call_id: 'call_cy', output: 'Success.' },
      ],
    });
    expect(next.output_text).toBe('Done.');
    const sent = oai.requests.at(-1)!.body as { messages: Array<Record<string, unknown>> };
    expect(sent.messages.slice(1)).toMatchObject([
      { role: 'assistant', tool_calls: [{ id: 'call_cy', function: { name: 'apply_patch', arguments: JSON.stringify({ input: patch }) } }] },
      { role: 'tool', tool_call_id: 'call_cy', content: 'Success.' },
    ]);
  });
});

describe('Claude Code and Codex model names against an Ollama-only setup', () => {
  it('claude-* and gpt-5* names are mapped to the default aliases and answered by Ollama', async () => {
    const { startFakeOllama } = await import('../fakes/ollama.js');
    const ollama = await startFakeOllama({ models: ['qwen2.5-coder:7b'] });
    const local = await startTestGateway({ providers: [{ id: 'ollama', kind: 'ollama', baseUrl: ollama.url }], cache: { exact: { enabled: false } } });
    try {
      ollama.reply((body) => ({ text: `ollama ran ${String(body.model)}` }));
      const claudeCode = new Anthropic({ apiKey: 'k', baseURL: local.baseUrl, maxRetries: 0 });
      for (const model of ['claude-sonnet-4-5-20250929', 'claude-3-5-haiku-20241022']) {
        const { data, response } = await claudeCode.messages.create({ model, max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] }).withResponse();
        expect(data.content).toEqual([{ type: 'text', text: 'ollama ran qwen2.5-coder:7b' }]);
        expect(response.headers.get('x-lynkr-model')).toMatch(/qwen2\.5-coder:7b/);
      }
      const codex = new OpenAI({ apiKey: 'k', baseURL: `${local.baseUrl}/v1`, maxRetries: 0 });
      const r = await codex.responses.create({ model: 'gpt-5-codex', input: 'hi' });
      expect(r.output_text).toBe('ollama ran qwen2.5-coder:7b');
    } finally {
      await local.close();
      await ollama.close();
    }
  });
});

describe('stop sequences are reported faithfully', () => {
  it('an Anthropic client sees stop_reason stop_sequence and which sequence, streamed or not', async () => {
    claude.reply({ text: 'one two', stopSequence: 'END' });
    const msg = await anthropic.messages.create({ model: 'claude/claude-sonnet-4-5', max_tokens: 50, stop_sequences: ['END'], messages: [{ role: 'user', content: 'count until END' }] });
    expect(msg.stop_reason).toBe('stop_sequence');
    expect(msg.stop_sequence).toBe('END');
    expect((claude.requests.at(-1)!.body as Record<string, unknown>).stop_sequences).toEqual(['END']);

    const streamed = await anthropic.messages.stream({ model: 'claude/claude-sonnet-4-5', max_tokens: 50, stop_sequences: ['END'], messages: [{ role: 'user', content: 'again until END' }] }).finalMessage();
    expect(streamed.stop_reason).toBe('stop_sequence');
    expect(streamed.stop_sequence).toBe('END');

    // An OpenAI client has no such field: the answer simply stopped.
    const chat = await openai.chat.completions.create({ model: 'claude/claude-sonnet-4-5', stop: ['END'], messages: [{ role: 'user', content: 'openai until END' }] });
    expect(chat.choices[0].finish_reason).toBe('stop');
    claude.reply({});
  });
});
