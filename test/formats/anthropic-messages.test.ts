import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayError } from '../../main/core/errors.js';
import type { ChatRequest } from '../../main/core/types.js';
import { anthropicMessagesFormat, countTokens } from '../../main/server/anthropic-messages/index.js';
import { scriptedParts, serveFormat, type ScriptedReply } from './format-server.js';

// The Anthropic Messages format module driven by the real @anthropic-ai/sdk (through a tiny server that
// serves only this module), plus direct checks of parse, errors and count_tokens.

let reply: (req: ChatRequest) => ScriptedReply = () => ({});
let srv: Awaited<ReturnType<typeof serveFormat>>;
let client: Anthropic;

beforeAll(async () => {
  srv = await serveFormat(anthropicMessagesFormat, (r) => reply(r));
  client = new Anthropic({ apiKey: 'unused', baseURL: srv.url, maxRetries: 0 });
});
afterAll(() => srv.close());

const parse = (body: unknown): ChatRequest => anthropicMessagesFormat.parse(body).request;

describe('anthropic messages: parse', () => {
  it('translates system blocks, images, documents, tool use and tool results with is_error', () => {
    const req = parse({
      model: 'claude-sonnet-4-5',
      max_tokens: 100,
      system: [{ type: 'text', text: 'You are terse.', cache_control: { type: 'ephemeral' } }, { type: 'text', text: 'Be kind.' }],
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'look' },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBOR' } },
            { type: 'image', source: { type: 'url', url: 'https://example.com/a.png' } },
            { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBER' }, title: 'spec' },
          ],
        },
        { role: 'assistant', content: [{ type: 'thinking', thinking: 'plan', signature: 's' }, { type: 'text', text: 'calling' }, { type: 'tool_use', id: 'toolu_1', name: 'read', input: { path: 'a' } }] },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'text', text: 'no such file' }], is_error: true },
            { type: 'text', text: 'try again' },
          ],
        },
      ],
      tools: [{ name: 'read', description: 'read a file', input_schema: { type: 'object', properties: { path: { type: 'string' } } } }, { type: 'web_search_20250305', name: 'web_search' }],
      tool_choice: { type: 'any' },
      stop_sequences: ['END'],
      temperature: 0.2,
      top_p: 0.9,
      thinking: { type: 'enabled', budget_tokens: 2048 },
      metadata: { user_id: 'u-1' },
      stream: true,
      some_future_field: 1,
    });
    expect(req.system).toBe('You are terse.\n\nBe kind.');
    expect(req.messages[0]).toEqual({
      role: 'user',
      content: [
        { type: 'text', text: 'look' },
        { type: 'image', mediaType: 'image/png', data: 'iVBOR' },
        { type: 'image', url: 'https://example.com/a.png' },
        { type: 'document', mediaType: 'application/pdf', data: 'JVBER', title: 'spec' },
      ],
    });
    expect(req.messages[1]).toEqual({
      role: 'assistant',
      content: [{ type: 'text', text: 'calling' }],
      reasoning: 'plan',
      toolCalls: [{ id: 'toolu_1', name: 'read', arguments: '{"path":"a"}' }],
    });
    expect(req.messages[2]).toEqual({ role: 'tool', toolCallId: 'toolu_1', isError: true, content: [{ type: 'text', text: 'no such file' }] });
    expect(req.messages[3]).toEqual({ role: 'user', content: [{ type: 'text', text: 'try again' }] });
    // The server tool has no schema: only a native Anthropic upstream can run it (it stays in the native body).
    expect(req.tools).toEqual([{ name: 'read', description: 'read a file', parameters: { type: 'object', properties: { path: { type: 'string' } } } }]);
    expect(req).toMatchObject({ toolChoice: 'required', stop: ['END'], temperature: 0.2, topP: 0.9, maxTokens: 100, thinkingBudget: 2048, user: 'u-1', stream: true });
    expect(anthropicMessagesFormat.parse({ model: 'm', max_tokens: 1, messages: [], x: 1 }).native.body).toMatchObject({ x: 1 });
  });

  it('tolerates block types it does not translate (kept natively, dropped otherwise) and content documents', () => {
    const body = {
      model: 'm',
      max_tokens: 5,
      messages: [
        { role: 'assistant', content: [{ type: 'server_tool_use', id: 'srv_1', name: 'web_search', input: { q: 'x' } }, { type: 'text', text: 'found' }] },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 't', content: [{ type: 'search_result', source: 's', title: 't', content: [] }, { type: 'text', text: 'r' }] },
            { type: 'document', source: { type: 'content', content: [{ type: 'text', text: 'para 1' }, { type: 'text', text: 'para 2' }] } },
            { type: 'document', source: { type: 'url', url: 'https://example.com/a.pdf' } },
          ],
        },
      ],
    };
    const { request, native } = anthropicMessagesFormat.parse(body);
    expect(request.messages[0]).toEqual({ role: 'assistant', content: [{ type: 'text', text: 'found' }] });
    expect(request.messages[1]).toEqual({ role: 'tool', toolCallId: 't', content: [{ type: 'text', text: 'r' }] });
    expect(request.messages[2].content).toEqual([
      { type: 'document', mediaType: 'text/plain', data: Buffer.from('para 1\npara 2').toString('base64'), title: undefined },
      { type: 'text', text: '[document not included: https://example.com/a.pdf]' },
    ]);
    expect((native.body.messages as Array<{ content: Array<{ type: string }> }>)[0].content[0].type).toBe('server_tool_use');
  });

  it('Claude Code\'s fields: system messages in place, tool_result images, output_config, effort, adaptive thinking, long user_id', () => {
    const schema = { type: 'object', properties: { title: { type: 'string' } } };
    const userId = JSON.stringify({ device_id: 'd'.repeat(64), account_uuid: '', session_id: 's'.repeat(36) });
    const req = parse({
      model: 'claude-opus-4-8',
      max_tokens: 32000,
      messages: [
        { role: 'user', content: 'read it' },
        { role: 'system', content: [{ type: 'text', text: 'Plan mode.', cache_control: { type: 'ephemeral' } }] },
        { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'Read', input: {} }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', is_error: true, content: [{ type: 'text', text: 'big' }, { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'QUJD' } }] }] },
        { role: 'system', content: 'Be brief.' },
      ],
      thinking: { type: 'adaptive', display: 'summarized' },
      context_management: { edits: [] },
      output_config: { effort: 'max', format: { type: 'json_schema', schema } },
      metadata: { user_id: userId },
    });
    expect(req.messages.map((m) => m.role)).toEqual(['user', 'system', 'assistant', 'tool', 'system']);
    expect(req.messages[1].content).toEqual([{ type: 'text', text: 'Plan mode.' }]);
    expect(req.messages[3]).toEqual({ role: 'tool', toolCallId: 't1', isError: true, content: [{ type: 'text', text: 'big' }, { type: 'image', mediaType: 'image/png', data: 'QUJD' }] });
    expect(req.messages[4].content).toEqual([{ type: 'text', text: 'Be brief.' }]);
    expect(req.system).toBeUndefined();
    expect(req.responseFormat).toEqual({ type: 'json_schema', name: 'output', schema });
    // What the request does not model travels as Anthropic options: effort as sent, adaptive thinking, betas' fields.
    expect(req.providerOptions).toEqual({ anthropic: { output_config: { effort: 'max' }, thinking: { type: 'adaptive', display: 'summarized' }, context_management: { edits: [] } } });
    expect(req.thinkingBudget).toBeUndefined();
    expect(req.user).toMatch(/^sha256:[\w-]{43}$/);
    expect(parse({ model: 'm', max_tokens: 1, messages: [], metadata: { user_id: userId } }).user).toBe(req.user);
    expect(parse({ model: 'm', max_tokens: 1, messages: [], metadata: { user_id: 'u-1' }, output_config: { effort: 'low' } })).toMatchObject({ user: 'u-1', providerOptions: { anthropic: { output_config: { effort: 'low' } } } });
  });

  it('maps tool_choice tool/none/auto', () => {
    const base = { model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] };
    expect(parse({ ...base, tool_choice: { type: 'tool', name: 'f' } }).toolChoice).toEqual({ name: 'f' });
    expect(parse({ ...base, tool_choice: { type: 'none' } }).toolChoice).toBe('none');
    expect(parse({ ...base, tool_choice: { type: 'auto' } }).toolChoice).toBe('auto');
  });

  it('rejects a missing max_tokens and bad blocks with 400 invalid_request_error naming the field', async () => {
    const err = (() => {
      try {
        parse({ model: 'm', messages: [{ role: 'user', content: 'hi' }] });
      } catch (e) {
        return e as GatewayError;
      }
    })();
    expect(err?.status).toBe(400);
    expect(err?.message).toMatch(/max_tokens/);
    const bad = await fetch(`${srv.url}/v1/messages`, { method: 'POST', body: JSON.stringify({ model: 'm', max_tokens: 5, messages: [{ role: 'user', content: [{ type: 'image' }] }] }) });
    expect(bad.status).toBe(400);
    const body = (await bad.json()) as { type: string; error: { type: string; message: string } };
    expect(body.type).toBe('error');
    expect(body.error.type).toBe('invalid_request_error');
    expect(body.error.message).toMatch(/messages\.0\.content/);
    await expect(client.messages.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] } as unknown as Anthropic.MessageCreateParamsNonStreaming)).rejects.toBeInstanceOf(Anthropic.BadRequestError);
  });

  it('renders errors in the Anthropic envelope with faithful types', () => {
    const cases: Array<[GatewayError, number, string]> = [
      [new GatewayError({ kind: 'auth', status: 401, message: 'bad key' }), 401, 'authentication_error'],
      [new GatewayError({ kind: 'permission', status: 403, message: 'no' }), 403, 'permission_error'],
      [new GatewayError({ kind: 'not_found', status: 404, message: 'no model' }), 404, 'not_found_error'],
      [new GatewayError({ kind: 'too_large', status: 413, message: 'big' }), 413, 'request_too_large'],
      [new GatewayError({ kind: 'rate_limited', status: 429, message: 'slow' }), 429, 'rate_limit_error'],
      [new GatewayError({ kind: 'upstream_http', status: 529, message: 'busy' }), 529, 'overloaded_error'],
      [new GatewayError({ kind: 'overloaded', status: 503, message: 'queue full' }), 503, 'overloaded_error'],
      [new GatewayError({ kind: 'upstream_timeout', status: 504, message: 'slow' }), 504, 'timeout_error'],
      [new GatewayError({ kind: 'upstream_connect', status: 502, message: 'refused' }), 502, 'api_error'],
    ];
    for (const [err, status, type] of cases) {
      expect(anthropicMessagesFormat.renderError(err)).toEqual({ status, body: { type: 'error', error: { type, message: err.message } } });
    }
  });
});

describe('anthropic messages: responses through @anthropic-ai/sdk', () => {
  it('non-streaming: thinking, text and tool_use blocks, stop_reason and usage (cache reads apart)', async () => {
    reply = () => ({
      response: {
        id: 'chatcmpl-1',
        model: 'qwen',
        text: 'Let me check.',
        reasoning: 'need a tool',
        toolCalls: [{ id: 'call_1', name: 'weather', arguments: '{"city":"Paris"}' }],
        finishReason: 'tool_calls',
        usage: { inputTokens: 50, outputTokens: 7, cachedInputTokens: 20 },
        created: 1,
      },
    });
    const msg = await client.messages.create({ model: 'claude-x', max_tokens: 50, messages: [{ role: 'user', content: 'weather?' }] });
    expect(msg.id).toMatch(/^msg_/);
    expect(msg.model).toBe('qwen');
    expect(msg.content).toEqual([
      { type: 'thinking', thinking: 'need a tool', signature: '' },
      { type: 'text', text: 'Let me check.' },
      { type: 'tool_use', id: 'call_1', name: 'weather', input: { city: 'Paris' } },
    ]);
    expect(msg.stop_reason).toBe('tool_use');
    expect(msg.usage).toEqual({ input_tokens: 30, output_tokens: 7, cache_read_input_tokens: 20 });
  });

  it('maps finish reasons: length → max_tokens, stop → end_turn', async () => {
    reply = () => ({ response: { id: 'x', model: 'm', text: 'cut', toolCalls: [], finishReason: 'length', created: 1 } });
    expect((await client.messages.create({ model: 'm', max_tokens: 1, messages: [{ role: 'user', content: 'x' }] })).stop_reason).toBe('max_tokens');
    reply = () => ({ response: { id: 'x', model: 'm', text: 'ok', toolCalls: [], finishReason: 'stop', created: 1 } });
    expect((await client.messages.create({ model: 'm', max_tokens: 1, messages: [{ role: 'user', content: 'x' }] })).stop_reason).toBe('end_turn');
  });

  it('streaming: the full event sequence, blocks per kind, input_json_delta, final usage', async () => {
    reply = () => ({
      parts: scriptedParts({
        reasoning: 'think first',
        text: 'Calling two tools.',
        tools: [
          { id: 'call_a', name: 'weather', args: '{"city":"Paris"}' },
          { id: 'call_b', name: 'time', args: '{"tz":"CET"}' },
        ],
        usage: { inputTokens: 12, outputTokens: 9 },
      }),
    });
    const stream = client.messages.stream({ model: 'claude-x', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] });
    const types: string[] = [];
    stream.on('streamEvent', (e) => types.push(e.type === 'content_block_delta' ? `delta:${e.delta.type}` : e.type));
    const msg = await stream.finalMessage();
    expect(types[0]).toBe('message_start');
    expect(types.at(-1)).toBe('message_stop');
    expect(types.at(-2)).toBe('message_delta');
    expect(types.filter((t) => t === 'content_block_start')).toHaveLength(4);
    expect(types.filter((t) => t === 'content_block_stop')).toHaveLength(4);
    expect(types).toContain('delta:thinking_delta');
    expect(types).toContain('delta:input_json_delta');
    expect(msg.content).toEqual([
      { type: 'thinking', thinking: 'think first', signature: '' },
      { type: 'text', text: 'Calling two tools.' },
      { type: 'tool_use', id: 'call_a', name: 'weather', input: { city: 'Paris' } },
      { type: 'tool_use', id: 'call_b', name: 'time', input: { tz: 'CET' } },
    ]);
    expect(msg.stop_reason).toBe('tool_use');
    expect(msg.usage.output_tokens).toBe(9);
    expect(msg.usage.input_tokens).toBe(12);
  });

  it('streaming: ping follows message_start on the wire', async () => {
    reply = () => ({ parts: scriptedParts({ text: 'hi there' }) });
    const res = await fetch(`${srv.url}/v1/messages`, { method: 'POST', body: JSON.stringify({ model: 'm', max_tokens: 5, stream: true, messages: [{ role: 'user', content: 'x' }] }) });
    const text = await res.text();
    const events = [...text.matchAll(/^event: (\w+)$/gm)].map((m) => m[1]);
    expect(events).toEqual(['message_start', 'ping', 'content_block_start', 'content_block_delta', 'content_block_delta', 'content_block_stop', 'message_delta', 'message_stop']);
  });

  it('streaming: an error mid-stream is an `event: error` the SDK raises', async () => {
    // Start, text-start, the first delta; then the failure, as the pipeline ends a stream that failed after it started.
    const error = new GatewayError({ kind: 'upstream_connect', status: 502, message: 'upstream went away' });
    reply = () => ({ parts: [...scriptedParts({ text: 'partial' }).slice(0, 3), { type: 'error', error }] });
    const res = await fetch(`${srv.url}/v1/messages`, { method: 'POST', body: JSON.stringify({ model: 'm', max_tokens: 5, stream: true, messages: [{ role: 'user', content: 'x' }] }) });
    const text = await res.text();
    expect(text.trimEnd().split('\n\n').at(-1)).toBe('event: error\ndata: {"type":"error","error":{"type":"api_error","message":"upstream went away"}}');
    const stream = client.messages.stream({ model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] });
    await expect(stream.finalMessage()).rejects.toThrow(/upstream went away/);
  });

  it('streaming: under pass-through, raw Anthropic upstream events are forwarded byte for byte', () => {
    const enc = anthropicMessagesFormat.createStreamEncoder({ includeUsage: false, requestedModel: 'm', passThrough: true });
    const data = '{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"hé"}}';
    // The parts decoded from a frame come first and write nothing: the frame itself carries them.
    const written = [enc.part({ type: 'text-start', id: 't' }), enc.part({ type: 'text-delta', id: 't', delta: 'hé' }), enc.part({ type: 'raw-frame', data })];
    expect(written.join('')).toBe(`event: content_block_delta\ndata: ${data}\n\n`);
    expect(enc.end()).toBe('');
  });
});

describe('anthropic messages: count_tokens', () => {
  it('estimates from text, tools and images, and grows with the input', () => {
    const small = countTokens({ model: 'm', messages: [{ role: 'user', content: 'hello world' }] }).input_tokens;
    const big = countTokens({ model: 'm', system: 'x'.repeat(400), messages: [{ role: 'user', content: 'hello world' }] }).input_tokens;
    const img = countTokens({ model: 'm', messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AAAA' } }] }] }).input_tokens;
    expect(small).toBeGreaterThan(0);
    expect(big - small).toBeGreaterThanOrEqual(100);
    expect(img).toBeGreaterThan(1000);
    expect(() => countTokens({ messages: [] })).toThrow(/model/);
  });
});
