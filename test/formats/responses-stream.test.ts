import type OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StreamPart } from '../../main/core/types.js';
import { openaiResponsesFormat } from '../../main/server/openai-responses/index.js';
import { FakeServer, sendJson, writeFrames, type FakeCall } from '../fakes/fake-server.js';
import type { FakeOllama } from '../fakes/ollama.js';
import type { FakeOpenAI } from '../fakes/openai.js';
import type { TestGateway } from '../helpers/gateway.js';
import { startResponsesWorld, type ResponsesWorld } from './responses-world.js';

// The Responses stream as Codex reads it: parallel tool calls whose argument chunks arrive interleaved (OpenAI chat
// streams key tool-call deltas by `index`, and providers may interleave them), and answers cut by the length limit
// (Codex reads `response.incomplete` + incomplete_details.reason; a response.completed reads as a finished answer).

type Ev = { type: string; item_id?: string; output_index?: number; delta?: string; arguments?: string; item?: Record<string, unknown>; response?: Record<string, unknown> };

function parseSse(text: string): Ev[] {
  return text
    .split('\n\n')
    .filter((f) => f.trim())
    .map((f) => JSON.parse(/^data: (.*)$/m.exec(f)![1]) as Ev);
}

function encode(parts: StreamPart[], tools: string[] = []): Ev[] {
  const enc = openaiResponsesFormat.createStreamEncoder({
    includeUsage: true,
    requestedModel: 'm',
    tools: tools.map((name) => ({ name, parameters: {}, freeform: true })),
    passThrough: false,
  });
  return parseSse(parts.map((p) => enc.part(p)).join('') + enc.end());
}

/** A text block of one delta, as a decoder opens and closes it. */
const textBlock = (delta: string): StreamPart[] => [{ type: 'text-start', id: 't' }, { type: 'text-delta', id: 't', delta }, { type: 'text-end', id: 't' }];

/** Per call id: the argument deltas joined, the `arguments.done` text, the output_item.done item. */
function callsOf(events: Ev[]): Map<string, { deltas: string; done?: string; item?: Record<string, unknown> }> {
  const byItem = new Map<string, string>();
  const out = new Map<string, { deltas: string; done?: string; item?: Record<string, unknown> }>();
  for (const e of events) {
    if (e.type === 'response.output_item.added' && e.item?.type === 'function_call') {
      byItem.set(String(e.item.id), String(e.item.call_id));
      out.set(String(e.item.call_id), { deltas: '' });
    }
    const call = out.get(byItem.get(e.item_id ?? '') ?? '');
    if (e.type === 'response.function_call_arguments.delta' && call) call.deltas += e.delta;
    if (e.type === 'response.function_call_arguments.done' && call) call.done = e.arguments;
    if (e.type === 'response.output_item.done' && e.item?.type === 'function_call') out.get(String(e.item.call_id))!.item = e.item;
  }
  return out;
}

const A = '{"cmd":["ls","-la"]}';
const B = '{"cmd":["cat","README.md"]}';

/**
 * Two calls started back to back, then their argument chunks alternating: what interleaving upstreams send. Both
 * calls end just before the finish, as the decoders' sequencer closes them.
 */
const interleaved: StreamPart[] = [
  { type: 'response-start', id: 'up', model: 'up-model', created: 1 },
  { type: 'tool-call-start', id: 'call_a', name: 'shell' },
  { type: 'tool-call-delta', id: 'call_a', argumentsDelta: A.slice(0, 7) },
  { type: 'tool-call-start', id: 'call_b', name: 'shell' },
  { type: 'tool-call-delta', id: 'call_b', argumentsDelta: B.slice(0, 9) },
  { type: 'tool-call-delta', id: 'call_a', argumentsDelta: A.slice(7) },
  { type: 'tool-call-delta', id: 'call_b', argumentsDelta: B.slice(9) },
  { type: 'tool-call-end', id: 'call_a' },
  { type: 'tool-call-end', id: 'call_b' },
  { type: 'finish', reason: 'tool_calls' },
  { type: 'usage', usage: { inputTokens: 5, outputTokens: 9 } },
];

describe('responses stream encoder: tool calls by call id', () => {
  it('interleaved argument chunks: each call ends with its own complete arguments', () => {
    const events = encode(interleaved);
    const calls = callsOf(events);
    for (const [id, args] of [['call_a', A], ['call_b', B]]) {
      expect(calls.get(id)).toMatchObject({ deltas: args, done: args, item: { type: 'function_call', call_id: id, name: 'shell', arguments: args, status: 'completed' } });
    }
    const final = events.at(-1)!;
    expect(final.type).toBe('response.completed');
    expect(final.response).toMatchObject({ status: 'completed', output: [{ call_id: 'call_a', arguments: A }, { call_id: 'call_b', arguments: B }] });
    // The argument deltas of call 0 that arrive after call 1 opened still name call 0's item and output index.
    const added = events.filter((e) => e.type === 'response.output_item.added');
    const late = events.filter((e) => e.type === 'response.function_call_arguments.delta')[2];
    expect(late).toMatchObject({ item_id: added[0].item!.id, output_index: 0, delta: A.slice(7) });
  });

  it('a free-form call interleaved with a function call keeps both inputs', () => {
    const patch = '*** Begin Patch\n*** End Patch';
    const args = JSON.stringify({ input: patch });
    const events = encode(
      [
        { type: 'tool-call-start', id: 'call_p', name: 'apply_patch' },
        { type: 'tool-call-start', id: 'call_s', name: 'shell' },
        { type: 'tool-call-delta', id: 'call_p', argumentsDelta: args.slice(0, 15) },
        { type: 'tool-call-delta', id: 'call_s', argumentsDelta: A },
        { type: 'tool-call-delta', id: 'call_p', argumentsDelta: args.slice(15) },
        { type: 'tool-call-end', id: 'call_p' },
        { type: 'tool-call-end', id: 'call_s' },
        { type: 'finish', reason: 'tool_calls' },
      ],
      ['apply_patch'],
    );
    expect(events.filter((e) => e.type === 'response.custom_tool_call_input.delta').map((e) => e.delta).join('')).toBe(patch);
    expect(events.at(-1)!.response!.output).toMatchObject([
      { type: 'custom_tool_call', call_id: 'call_p', input: patch },
      { type: 'function_call', call_id: 'call_s', arguments: A },
    ]);
  });

  it('text before the calls is closed when the first call opens; calls close at their ends, before the finish', () => {
    const events = encode([...textBlock('Running.'), ...interleaved.slice(1)]);
    const done = events.filter((e) => e.type === 'response.output_item.done').map((e) => e.item!.type);
    expect(done).toEqual(['message', 'function_call', 'function_call']);
    const types = events.map((e) => e.type);
    expect(types.indexOf('response.output_item.done')).toBeLessThan(types.lastIndexOf('response.output_item.added'));
    expect(events.map((e) => (e as { sequence_number?: number }).sequence_number)).toEqual(events.map((_, i) => i));
  });
});

describe('responses stream encoder: an answer cut by the length limit', () => {
  it('ends with response.incomplete, status incomplete and reason max_output_tokens; no response.completed', () => {
    const events = encode([{ type: 'response-start', id: 'u', model: 'm', created: 1 }, ...textBlock('The answer is'), { type: 'finish', reason: 'length' }]);
    expect(events.map((e) => e.type)).not.toContain('response.completed');
    expect(events.at(-1)).toMatchObject({ type: 'response.incomplete', response: { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } } });
    expect(events.find((e) => e.type === 'response.output_item.done')!.item).toMatchObject({ type: 'message', status: 'incomplete' });
  });

  it('content_filter is incomplete too, with its own reason', () => {
    const events = encode([...textBlock('x'), { type: 'finish', reason: 'content_filter' }]);
    expect(events.at(-1)).toMatchObject({ type: 'response.incomplete', response: { incomplete_details: { reason: 'content_filter' } } });
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Through a real gateway.

/** A minimal OpenAI chat upstream whose stream interleaves the argument chunks of two calls, as some providers do. */
function interleavingHandler(call: FakeCall): Promise<void> | void {
  if (call.req.method === 'GET') return sendJson(call.res, 200, { object: 'list', data: [{ id: 'il-model', object: 'model' }] });
  const chunk = (delta: Record<string, unknown>, finish: string | null = null): string =>
    `data: ${JSON.stringify({ id: 'chatcmpl-il', object: 'chat.completion.chunk', created: 1, model: 'il-model', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
  const fn = (index: number, args: string, id?: string) => ({ tool_calls: [{ index, ...(id ? { id, type: 'function' } : {}), function: { ...(id ? { name: 'shell' } : {}), arguments: args } }] });
  const frames = [
    chunk({ role: 'assistant', content: null }),
    chunk(fn(0, '', 'call_a')),
    chunk(fn(1, '', 'call_b')),
    chunk(fn(0, A.slice(0, 7))),
    chunk(fn(1, B.slice(0, 9))),
    chunk(fn(0, A.slice(7))),
    chunk(fn(1, B.slice(9))),
    chunk({}, 'tool_calls'),
    'data: [DONE]\n\n',
  ];
  call.res.writeHead(200, { 'content-type': 'text/event-stream' });
  return writeFrames(call, frames).then(() => void call.res.end());
}

let world: ResponsesWorld;
let gw: TestGateway;
let interleaving: FakeServer;
let oai: FakeOpenAI;
let ollama: FakeOllama;
let client: OpenAI;

beforeAll(async () => {
  interleaving = new FakeServer(interleavingHandler);
  await interleaving.listen();
  world = await startResponsesWorld([{ id: 'il', kind: 'openai-compatible', baseUrl: `http://127.0.0.1:${interleaving.port}/v1` }]);
  ({ gw, oai, ollama, client } = world);
});
afterAll(async () => {
  await world?.close();
  await interleaving?.close();
});

const shellTool = { type: 'function' as const, name: 'shell', parameters: { type: 'object', properties: { cmd: { type: 'array', items: { type: 'string' } } } }, strict: false };

describe('responses through the gateway', () => {
  it('an upstream that interleaves two calls: both reach the client whole (events and response.completed)', async () => {
    const stream = await client.responses.create({ model: 'il/il-model', input: 'list and read', tools: [shellTool], stream: true });
    const events: Ev[] = [];
    for await (const e of stream) events.push(e as unknown as Ev);
    const calls = callsOf(events);
    expect(calls.get('call_a')).toMatchObject({ deltas: A, done: A, item: { arguments: A } });
    expect(calls.get('call_b')).toMatchObject({ deltas: B, done: B, item: { arguments: B } });
    expect(events.at(-1)).toMatchObject({ type: 'response.completed', response: { output: [{ call_id: 'call_a', arguments: A }, { call_id: 'call_b', arguments: B }] } });
    expect(interleaving.requests.at(-1)!.body).toMatchObject({ stream: true, tools: [{ type: 'function', function: { name: 'shell' } }] });

    // The SDK's own accumulator agrees.
    const final = await client.responses.stream({ model: 'il/il-model', input: 'again', tools: [shellTool] }).finalResponse();
    expect(final.output.map((o) => (o.type === 'function_call' ? o.arguments : o.type))).toEqual([A, B]);
  });

  it('finish_reason length from an OpenAI upstream: response.incomplete streamed, status incomplete not streamed', async () => {
    oai.reply({ text: 'a long answer cut', finishReason: 'length' });
    const stream = await client.responses.create({ model: 'oai/gpt-4o-mini', input: 'write a lot', max_output_tokens: 16, stream: true });
    const events: Ev[] = [];
    for await (const e of stream) events.push(e as unknown as Ev);
    expect(events.map((e) => e.type)).not.toContain('response.completed');
    expect(events.at(-1)).toMatchObject({ type: 'response.incomplete', response: { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' }, output_text: 'a long answer cut' } });
    expect(oai.requests.at(-1)!.body).toMatchObject({ max_tokens: 16 });

    const r = await client.responses.create({ model: 'oai/gpt-4o-mini', input: 'write a lot', max_output_tokens: 16 });
    expect(r).toMatchObject({ status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' }, output_text: 'a long answer cut' });
    expect(r.output[0]).toMatchObject({ type: 'message', status: 'incomplete' });
    oai.reply({});
  });

  it('done_reason length from Ollama: response.incomplete too', async () => {
    ollama.reply({ text: 'cut short here', doneReason: 'length' });
    const raw = await fetch(`${gw.baseUrl}/v1/responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'ollama/qwen2.5-coder:7b', input: 'go', max_output_tokens: 8, stream: true }),
    });
    const text = await raw.text();
    expect(text).toMatch(/event: response\.incomplete\ndata: \{"type":"response\.incomplete"/);
    expect(text).not.toMatch(/response\.completed/);
    expect(parseSse(text).at(-1)!.response).toMatchObject({ status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } });
    const sent = ollama.requests.at(-1)!.body as { options?: { num_predict?: number } };
    expect(sent.options?.num_predict).toBe(8);
    ollama.reply({});
  });
});
