import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayError } from '../../main/core/errors.js';
import type { ChatRequest } from '../../main/core/types.js';
import { openaiResponsesFormat } from '../../main/server/openai-responses/index.js';
import { scriptedParts, serveFormat, type ScriptedReply } from './format-server.js';

// The Responses format module driven by the real openai SDK (responses.create, streaming and not, and the
// responses.stream helper), through a tiny server that serves only this module.

let reply: (req: ChatRequest) => ScriptedReply = () => ({});
let srv: Awaited<ReturnType<typeof serveFormat>>;
let client: OpenAI;

beforeAll(async () => {
  srv = await serveFormat(openaiResponsesFormat, (r) => reply(r));
  client = new OpenAI({ apiKey: 'unused', baseURL: `${srv.url}/v1`, maxRetries: 0 });
});
afterAll(() => srv.close());

describe('responses: parse', () => {
  it('translates input items, instructions, function tools, tool_choice, text.format and limits', () => {
    const { request } = openaiResponsesFormat.parse({
      model: 'gpt-5',
      instructions: 'Be brief.',
      input: [
        { role: 'developer', content: 'Use tools.' },
        { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'weather?' }, { type: 'input_image', image_url: 'data:image/png;base64,AAA' }] },
        { type: 'reasoning', id: 'rs_1', summary: [], encrypted_content: 'xx' },
        { type: 'web_search_call', id: 'ws_1', status: 'completed', action: { type: 'search', query: 'x' } },
        { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Checking.' }] },
        { type: 'function_call', call_id: 'call_1', name: 'weather', arguments: '{"city":"Paris"}' },
        { type: 'function_call', call_id: 'call_2', name: 'time', arguments: '{}' },
        { type: 'function_call_output', call_id: 'call_1', output: 'sunny' },
        { type: 'function_call_output', call_id: 'call_2', output: '12:00' },
      ],
      tools: [{ type: 'function', name: 'weather', description: 'get weather', parameters: { type: 'object' }, strict: true }, { type: 'web_search' }],
      tool_choice: { type: 'function', name: 'weather' },
      max_output_tokens: 64,
      temperature: 0.5,
      top_p: 0.8,
      text: { format: { type: 'json_schema', name: 'out', schema: { type: 'object' }, strict: true } },
      stream: false,
      store: false,
    });
    expect(request.system).toBe('Be brief.');
    expect(request.messages).toEqual([
      { role: 'system', content: [{ type: 'text', text: 'Use tools.' }] },
      { role: 'user', content: [{ type: 'text', text: 'weather?' }, { type: 'image', url: 'data:image/png;base64,AAA' }] },
      {
        role: 'assistant',
        content: [{ type: 'text', text: 'Checking.' }],
        toolCalls: [
          { id: 'call_1', name: 'weather', arguments: '{"city":"Paris"}' },
          { id: 'call_2', name: 'time', arguments: '{}' },
        ],
      },
      { role: 'tool', toolCallId: 'call_1', content: [{ type: 'text', text: 'sunny' }] },
      { role: 'tool', toolCallId: 'call_2', content: [{ type: 'text', text: '12:00' }] },
    ]);
    expect(request.tools).toEqual([{ name: 'weather', description: 'get weather', parameters: { type: 'object' } }]);
    expect(request).toMatchObject({ toolChoice: { name: 'weather' }, maxTokens: 64, temperature: 0.5, topP: 0.8, stream: false });
    expect(request.responseFormat).toEqual({ type: 'json_schema', name: 'out', schema: { type: 'object' }, strict: true });
    expect(openaiResponsesFormat.parse({ model: 'm', input: 'hi' }).request.messages).toEqual([{ role: 'user', content: [{ type: 'text', text: 'hi' }] }]);
  });

  it('maps Codex custom (free-form) tools and their calls to function tools with one `input` argument', () => {
    const { request } = openaiResponsesFormat.parse({
      model: 'gpt-5-codex',
      input: [
        { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'patch it' }] },
        { type: 'custom_tool_call', call_id: 'c1', name: 'apply_patch', input: '*** Begin Patch\n*** End Patch' },
        { type: 'custom_tool_call_output', call_id: 'c1', output: 'Done!' },
      ],
      tools: [{ type: 'custom', name: 'apply_patch', description: 'Edit files', format: { type: 'grammar', syntax: 'lark', definition: 'start: x' } }],
    });
    expect(request.tools).toEqual([
      {
        name: 'apply_patch',
        description: expect.stringMatching(/^Edit files\n\nCall this tool with one argument, `input`[^]*lark grammar:\nstart: x$/),
        parameters: { type: 'object', properties: { input: { type: 'string', description: 'The raw text input of the tool, verbatim.' } }, required: ['input'] },
        freeform: true,
      },
    ]);
    expect(request.messages.slice(1)).toEqual([
      { role: 'assistant', content: [], toolCalls: [{ id: 'c1', name: 'apply_patch', arguments: JSON.stringify({ input: '*** Begin Patch\n*** End Patch' }) }] },
      { role: 'tool', toolCallId: 'c1', content: [{ type: 'text', text: 'Done!' }] },
    ]);
  });

  it('refuses previous_response_id and bad input with the OpenAI envelope', async () => {
    await expect(client.responses.create({ model: 'm', input: 'hi', previous_response_id: 'resp_1' })).rejects.toMatchObject({ status: 400, message: expect.stringMatching(/previous_response_id/) });
    const res = await fetch(`${srv.url}/v1/responses`, { method: 'POST', body: JSON.stringify({ model: 'm', input: 5 }) });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { type: string; param: string } };
    expect(body.error.type).toBe('invalid_request_error');
    expect(body.error.param).toBe('input');
    const e = openaiResponsesFormat.renderError(new GatewayError({ kind: 'rate_limited', status: 429, message: 'slow down' }));
    expect(e.status).toBe(429);
    expect(e.body).toMatchObject({ error: { message: 'slow down', type: 'rate_limit_error' } });
  });
});

describe('responses: through the openai SDK', () => {
  it('responses.create (non-streaming): message and function_call items, usage, output_text', async () => {
    reply = () => ({
      response: {
        id: 'x',
        model: 'qwen',
        text: 'Checking the weather.',
        toolCalls: [{ id: 'call_9', name: 'weather', arguments: '{"city":"Oslo"}' }],
        finishReason: 'tool_calls',
        usage: { inputTokens: 40, outputTokens: 8, cachedInputTokens: 16 },
        created: 1700000000,
      },
    });
    const r = await client.responses.create({ model: 'gpt-5', input: 'weather in Oslo?', tools: [{ type: 'function', name: 'weather', parameters: { type: 'object' }, strict: false }] });
    expect(r.id).toMatch(/^resp_/);
    expect(r.status).toBe('completed');
    expect(r.output_text).toBe('Checking the weather.');
    expect(r.output[0]).toMatchObject({ type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'Checking the weather.', annotations: [] }] });
    expect(r.output[1]).toMatchObject({ type: 'function_call', call_id: 'call_9', name: 'weather', arguments: '{"city":"Oslo"}', status: 'completed' });
    expect(r.usage).toEqual({ input_tokens: 40, input_tokens_details: { cached_tokens: 16 }, output_tokens: 8, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 48 });
    expect(srv.requests.at(-1)?.tools?.[0].name).toBe('weather');
  });

  it('a length finish is status incomplete with max_output_tokens', async () => {
    reply = () => ({ response: { id: 'x', model: 'm', text: 'cut', toolCalls: [], finishReason: 'length', created: 1 } });
    const r = await client.responses.create({ model: 'm', input: 'x', max_output_tokens: 16 });
    expect(r.status).toBe('incomplete');
    expect(r.incomplete_details).toEqual({ reason: 'max_output_tokens' });
  });

  it('responses.create (stream): event order, sequence numbers, text and argument deltas', async () => {
    reply = () => ({ parts: scriptedParts({ text: 'Let me look.', tools: [{ id: 'call_s', name: 'weather', args: '{"city":"Rome"}' }], usage: { inputTokens: 10, outputTokens: 5 } }) });
    const stream = await client.responses.create({ model: 'gpt-5', input: 'weather?', stream: true });
    const events: Array<{ type: string; sequence_number: number }> = [];
    for await (const e of stream) events.push(e);
    const types = events.map((e) => e.type);
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
    expect(types.slice(0, 4)).toEqual(['response.created', 'response.in_progress', 'response.output_item.added', 'response.content_part.added']);
    expect(types).toContain('response.output_text.delta');
    const order = ['response.output_text.done', 'response.content_part.done', 'response.output_item.done', 'response.output_item.added', 'response.function_call_arguments.delta', 'response.function_call_arguments.done', 'response.output_item.done', 'response.completed'];
    let at = 0;
    for (const t of types) if (t === order[at]) at++;
    expect(at).toBe(order.length);
    const completed = events.at(-1) as unknown as { response: OpenAI.Responses.Response };
    expect(completed.response.output[1]).toMatchObject({ type: 'function_call', name: 'weather', arguments: '{"city":"Rome"}', call_id: 'call_s' });
    expect(completed.response.usage?.total_tokens).toBe(15);
  });

  it('responses.stream helper: finalResponse and delta snapshots', async () => {
    reply = () => ({ parts: scriptedParts({ reasoning: 'hmm ok', text: 'Hello there friend', usage: { inputTokens: 3, outputTokens: 3 } }) });
    const stream = client.responses.stream({ model: 'gpt-5', input: 'hi' });
    const snapshots: string[] = [];
    stream.on('response.output_text.delta', (e) => snapshots.push(e.snapshot));
    const final = await stream.finalResponse();
    expect(snapshots.at(-1)).toBe('Hello there friend');
    expect(final.output_text).toBe('Hello there friend');
    expect(final.output[0]).toMatchObject({ type: 'reasoning', content: [{ type: 'reasoning_text', text: 'hmm ok' }] });
  });

  const PATCH = '*** Begin Patch\n*** Update File: a.ts\n@@\n-const q = "x";\n+const q = \'y\'; // naïve ✓ \\o/\n*** End Patch';
  const patchTool = { type: 'custom' as const, name: 'apply_patch', description: 'Edit files' };

  it('a call of a custom (free-form) tool comes back as custom_tool_call with the text input (non-streaming)', async () => {
    reply = () => ({
      response: { id: 'x', model: 'm', text: '', toolCalls: [{ id: 'call_p', name: 'apply_patch', arguments: JSON.stringify({ input: PATCH }) }], finishReason: 'tool_calls', created: 1 },
    });
    const r = await client.responses.create({ model: 'gpt-5-codex', input: 'patch it', tools: [patchTool] });
    const call = r.output.find((o) => o.type === 'custom_tool_call');
    expect(call).toMatchObject({ type: 'custom_tool_call', call_id: 'call_p', name: 'apply_patch', input: PATCH });
    expect(r.output.some((o) => o.type === 'function_call')).toBe(false);
  });

  it('streams a custom tool call as custom_tool_call_input deltas decoded from the JSON arguments', async () => {
    reply = () => ({ parts: scriptedParts({ tools: [{ id: 'call_q', name: 'apply_patch', args: JSON.stringify({ input: PATCH }) }] }) });
    const stream = await client.responses.create({ model: 'gpt-5-codex', input: 'patch it', tools: [patchTool], stream: true });
    const events: Array<{ type: string; delta?: string; input?: string; item?: unknown; response?: OpenAI.Responses.Response }> = [];
    for await (const e of stream) events.push(e as (typeof events)[number]);
    const types = events.map((e) => e.type);
    expect(types).not.toContain('response.function_call_arguments.delta');
    const deltas = events.filter((e) => e.type === 'response.custom_tool_call_input.delta').map((e) => e.delta);
    // scriptedParts splits the arguments in two: the client sees the input grow, not one block at the end.
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join('')).toBe(PATCH);
    expect(events.find((e) => e.type === 'response.custom_tool_call_input.done')?.input).toBe(PATCH);
    expect(events.find((e) => e.type === 'response.output_item.added')?.item).toMatchObject({ type: 'custom_tool_call', call_id: 'call_q', input: '' });
    expect(events.find((e) => e.type === 'response.output_item.done')?.item).toMatchObject({ type: 'custom_tool_call', call_id: 'call_q', name: 'apply_patch', input: PATCH });
    expect(events.at(-1)?.response?.output[0]).toMatchObject({ type: 'custom_tool_call', input: PATCH });
  });

  it('an error mid-stream ends with error and response.failed events', async () => {
    // Start, text-start, the first delta; then the failure, as the pipeline ends a stream that failed after it started.
    const error = new GatewayError({ kind: 'upstream_timeout', status: 504, message: 'upstream stalled' });
    reply = () => ({ parts: [...scriptedParts({ text: 'partial' }).slice(0, 3), { type: 'error', error }] });
    const stream = await client.responses.create({ model: 'm', input: 'x', stream: true });
    const events: Array<{ type: string }> = [];
    for await (const e of stream) events.push(e);
    expect(events.at(-2)).toMatchObject({ type: 'error', code: 'server_error', message: 'upstream stalled' });
    expect(events.at(-1)).toMatchObject({ type: 'response.failed', response: { status: 'failed', error: { message: 'upstream stalled' } } });
  });
});
