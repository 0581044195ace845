import { describe, expect, it } from 'vitest';
import { isTimeSensitive, semanticSkipReason, unstorableReason } from '../../main/cache/skip.js';
import type { ChatRequest } from '../../main/core/types.js';
import { answer, ask } from './fixtures.js';

describe('semantic skip rules', () => {
  const withTool: ChatRequest = {
    model: 'm',
    stream: false,
    messages: [
      { role: 'user', content: [{ type: 'text', text: 'weather?' }] },
      { role: 'assistant', content: [], toolCalls: [{ id: 'c1', name: 'w', arguments: '{}' }] },
      { role: 'tool', toolCallId: 'c1', content: [{ type: 'text', text: 'sunny' }] },
      { role: 'user', content: [{ type: 'text', text: 'thanks, and tomorrow?' }] },
    ],
  };
  it('skips conversations with tool results, hot temperatures, time-sensitive and non-text prompts', () => {
    expect(semanticSkipReason(withTool, 'x', 1)).toBe('tool-results');
    expect(semanticSkipReason(ask('hi', { temperature: 1.5 }), 'hi', 1)).toBe('temperature');
    expect(semanticSkipReason(ask('hi', { temperature: 1 }), 'hi', 1)).toBeNull();
    expect(semanticSkipReason(ask('x'), undefined, 1)).toBe('no-text-prompt');
    expect(semanticSkipReason(ask('x'), 'What is the latest version of Node?', 1)).toBe('time-sensitive');
  });
  it.each(['What is the weather today?', 'latest news', 'current price of BTC', 'What happened on 2024-03-01?', 'meetings on March 3rd', 'this week'])(
    'time-sensitive: %s',
    (t) => expect(isTimeSensitive(t)).toBe(true),
  );
  it.each(['How do I sort a list?', 'What does the now() function return?', 'Explain the Current Population Survey'.toLowerCase().replace('current', 'census')])(
    'not time-sensitive: %s',
    (t) => expect(isTimeSensitive(t)).toBe(false),
  );
});

describe('unstorable responses', () => {
  it('refuses errors, filtered output, cut-short tool calls and empty answers; accepts complete ones', () => {
    expect(unstorableReason(answer('x', { finishReason: 'error' }))).toBe('error');
    expect(unstorableReason(answer('x', { finishReason: 'content_filter' }))).toBe('content-filter');
    const call = { id: 'c', name: 'f', arguments: '{"a":1}' };
    expect(unstorableReason(answer('', { finishReason: 'length', toolCalls: [call] }))).toBe('truncated-tool-call');
    expect(unstorableReason(answer('', { finishReason: 'tool_calls', toolCalls: [{ ...call, arguments: '{"a":' }] }))).toBe('truncated-tool-call');
    expect(unstorableReason(answer(''))).toBe('empty');
    expect(unstorableReason(answer('', { finishReason: 'tool_calls', toolCalls: [call] }))).toBeNull();
    // Cut at the token limit (or an Ollama answer that ended with done: false): not a whole answer.
    expect(unstorableReason(answer('hi', { finishReason: 'length' }))).toBe('truncated');
  });
});
