import { describe, expect, it } from 'vitest';
import type { StreamPart, ToolDef } from '../../main/core/types.js';
import { holdBackTextToolCalls, mayBeToolCall, parseTextToolCalls } from '../../main/providers/text-tool-calls.js';
import { collect } from './helpers.js';

const tools: ToolDef[] = [
  { name: 'get_weather', parameters: { type: 'object' } },
  { name: 'search', parameters: { type: 'object' } },
];
const calls = (text: string): Array<[string, unknown]> | undefined =>
  parseTextToolCalls(text, tools)?.map((c) => [c.name, JSON.parse(c.arguments)]);

describe('parseTextToolCalls', () => {
  it.each([
    ['Qwen', '<tool_call>\n{"name": "get_weather", "arguments": {"city": "Paris"}}\n</tool_call>', [['get_weather', { city: 'Paris' }]]],
    [
      'Qwen, two blocks',
      '<tool_call>{"name":"get_weather","arguments":{"city":"A"}}</tool_call>\n<tool_call>{"name":"search","arguments":{"q":"b"}}</tool_call>',
      [['get_weather', { city: 'A' }], ['search', { q: 'b' }]],
    ],
    ['Llama 3 JSON', '{"name": "get_weather", "parameters": {"city": "Oslo"}}', [['get_weather', { city: 'Oslo' }]]],
    ['Llama 3 typed', '{"type": "function", "name": "search", "parameters": {"q": "x"}}', [['search', { q: 'x' }]]],
    ['Llama python_tag', '<|python_tag|>{"name": "search", "parameters": {"q": "cats"}}<|eom_id|>', [['search', { q: 'cats' }]]],
    ['Llama <function=>', '<function=get_weather>{"city": "Rome"}</function>', [['get_weather', { city: 'Rome' }]]],
    ['fenced JSON', 'Here:\n```json\n{"name": "search", "arguments": {"q": "y"}}\n```'.slice(6), [['search', { q: 'y' }]]],
    ['a list', '[{"name": "get_weather", "arguments": {"city": "A"}}, {"name": "search", "arguments": {"q": "b"}}]', [['get_weather', { city: 'A' }], ['search', { q: 'b' }]]],
    ['OpenAI-shaped, string arguments', '{"function": {"name": "search", "arguments": "{\\"q\\": \\"z\\"}"}}', [['search', { q: 'z' }]]],
    ['semicolon-separated', '{"name": "search", "parameters": {"q": "1"}}; {"name": "search", "parameters": {"q": "2"}}', [['search', { q: '1' }], ['search', { q: '2' }]]],
  ])('%s', (_name, text, expected) => {
    expect(calls(text)).toEqual(expected);
  });

  it.each([
    ['prose', 'The weather in Paris is sunny.'],
    ['prose around a call', 'Sure! {"name": "search", "parameters": {"q": "x"}}'],
    ['a tool that was not offered', '{"name": "rm_rf", "arguments": {}}'],
    ['JSON data that has a name', '{"name": "Alice", "age": 30}'],
    ['broken JSON', '<tool_call>{"name": "search", "arguments": {"q": </tool_call>'],
    ['arguments that are not an object', '{"name": "search", "arguments": 5}'],
  ])('leaves %s alone', (_name, text) => {
    expect(parseTextToolCalls(text, tools)).toBeUndefined();
  });

  it('needs offered tools, and gives each call an id', () => {
    expect(parseTextToolCalls('{"name": "search", "arguments": {}}', [])).toBeUndefined();
    const [a, b] = parseTextToolCalls('[{"name":"search","arguments":{}},{"name":"search","arguments":{}}]', tools) ?? [];
    expect(a.id).toMatch(/^call_/);
    expect(a.id).not.toBe(b.id);
  });

  it('mayBeToolCall decides from the first non-space characters', () => {
    for (const t of ['', '  ', ' {', '[', '<tool', '<tool_call>{', '`', '```json', '<|python_tag|>', '<function=x>']) expect(mayBeToolCall(t), t).toBe(true);
    for (const t of ['Hello', ' The', '<b>', '1.', '`code`']) expect(mayBeToolCall(t), t).toBe(false);
  });
});

/** An upstream's text stream as a pass-through decoder yields it: each frame's parts, then the frame itself. */
async function* upstream(...texts: string[]): AsyncGenerator<StreamPart> {
  yield { type: 'response-start', id: 'x', model: 'm', created: 1 };
  yield { type: 'raw-frame', data: '{}' };
  yield { type: 'text-start', id: 't' };
  for (const t of texts) yield* [{ type: 'text-delta', id: 't', delta: t }, { type: 'raw-frame', data: '{}' }] satisfies StreamPart[];
  yield* [{ type: 'text-end', id: 't' }, { type: 'finish', reason: 'stop' }, { type: 'usage', usage: { inputTokens: 1, outputTokens: 2 } }] satisfies StreamPart[];
}

/** Each part's type, or a text delta's text. */
const shape = (parts: StreamPart[]): string[] => parts.map((e) => (e.type === 'text-delta' ? e.delta : e.type));

describe('holdBackTextToolCalls', () => {
  it('releases prose chunk by chunk, dropping raw frames', async () => {
    const out = await collect(holdBackTextToolCalls(upstream('  ', 'Hello', ' world'), tools));
    expect(shape(out)).toEqual(['response-start', 'text-start', '  Hello', ' world', 'text-end', 'finish', 'usage']);
    expect(out.some((e) => e.type === 'raw-frame')).toBe(false);
  });

  it('turns a held-back call into tool-call parts and a tool_calls finish', async () => {
    const parts = await collect(holdBackTextToolCalls(upstream('<tool', '_call>{"name":"search",', '"arguments":{"q":"k"}}</tool_call>'), tools));
    expect(parts.map((e) => e.type)).toEqual(['response-start', 'tool-call-start', 'tool-call-delta', 'tool-call-end', 'finish', 'usage']);
    expect(parts[1]).toEqual({ type: 'tool-call-start', id: expect.any(String), name: 'search' });
    const id = parts[1].type === 'tool-call-start' ? parts[1].id : '';
    expect(parts[2]).toEqual({ type: 'tool-call-delta', id, argumentsDelta: '{"q":"k"}' });
    expect(parts[3]).toEqual({ type: 'tool-call-end', id });
    expect(parts[4]).toEqual({ type: 'finish', reason: 'tool_calls' });
  });

  it('stops holding a long JSON answer that names no offered tool', async () => {
    const row = '{"id": 1, "value": "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"},';
    const pieces = ['[', ...Array.from({ length: 60 }, () => row), '{}]'];
    const out = await collect(holdBackTextToolCalls(upstream(...pieces), tools));
    const deltas = out.filter((e) => e.type === 'text-delta');
    expect(deltas.length).toBeGreaterThan(20); // streaming resumed long before the end
  });

  it('releases held text that turned out not to be a call, before the finish', async () => {
    const parts = await collect(holdBackTextToolCalls(upstream('{"a":', ' 1}'), tools));
    expect(shape(parts)).toEqual(['response-start', 'text-start', '{"a": 1}', 'text-end', 'finish', 'usage']);
  });
});
