import { describe, expect, it } from 'vitest';
import { canonicalJson, contextHash, exactKey } from '../../main/cache/key.js';
import type { ChatRequest } from '../../main/core/types.js';
import { ask, ctxFor, target } from './fixtures.js';

describe('canonicalJson', () => {
  it('sorts keys at every depth and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [{ z: 1, y: 2 }], c: undefined } })).toBe('{"a":{"d":[{"y":2,"z":1}]},"b":1}');
  });
});

describe('exactKey', () => {
  const base: ChatRequest = ask('hello', { temperature: 0.2, tools: [{ name: 't', parameters: { type: 'object', properties: {} } }] });
  const key = (r: ChatRequest, ctx = ctxFor()): string => exactKey(r, ctx);

  it('is stable across field order and ignores stream, includeUsage, user and the model name as sent', () => {
    const reordered = JSON.parse(JSON.stringify({ tools: base.tools, temperature: 0.2, stream: false, messages: base.messages, model: 'x' })) as ChatRequest;
    expect(key(reordered)).toBe(key(base));
    expect(key({ ...base, stream: true, includeUsage: true, user: 'bob', model: 'gpt-4o' })).toBe(key(base));
  });

  it.each<[string, Partial<ChatRequest>]>([
    ['system', { system: 'be brief' }],
    ['temperature', { temperature: 0.3 }],
    ['topP', { topP: 0.5 }],
    ['maxTokens', { maxTokens: 10 }],
    ['stop', { stop: ['\n'] }],
    ['seed', { seed: 1 }],
    ['toolChoice', { toolChoice: 'required' }],
    ['responseFormat', { responseFormat: { type: 'json_object' } }],
    ['tools', { tools: [] }],
    ['messages', ask('hello!')],
  ])('changes with %s', (_, change) => {
    expect(key({ ...base, ...change })).not.toBe(key(base));
  });

  it.each<[string, ChatRequest['providerOptions']]>([
    ['openai.reasoning_effort', { openai: { reasoning_effort: 'high' } }],
    ['another reasoning_effort', { openai: { reasoning_effort: 'low' } }],
    ['openai.logit_bias', { openai: { logit_bias: { '50256': -100 } } }],
    ['anthropic.output_config', { anthropic: { output_config: { effort: 'max' } } }],
    ['ollama.options.min_p', { ollama: { options: { min_p: 0.05 } } }],
    ['the same option in another namespace', { anthropic: { reasoning_effort: 'high' } }],
  ])('changes with providerOptions: %s', (_, providerOptions) => {
    expect(key({ ...base, providerOptions })).not.toBe(key(base));
    expect(key({ ...base, providerOptions })).not.toBe(key({ ...base, providerOptions: { openai: { reasoning_effort: 'medium' } } }));
  });

  it('is stable across the order of providerOptions, and a client body changes it only outside the delivery fields', () => {
    const bag = { openai: { reasoning_effort: 'high', logit_bias: { a: 1, b: 2 } }, ollama: { options: { min_p: 0.1 } } };
    const reordered = { ollama: { options: { min_p: 0.1 } }, openai: { logit_bias: { b: 2, a: 1 }, reasoning_effort: 'high' } };
    expect(key({ ...base, providerOptions: reordered })).toBe(key({ ...base, providerOptions: bag }));
    const body = { model: 'chat', messages: [{ role: 'user', content: 'hello' }] };
    const withBody = (extra: Record<string, unknown>) => ctxFor({ native: { format: 'openai-chat', body: { ...body, ...extra } } });
    const delivery = { stream: true, stream_options: { include_usage: true }, user: 'u1', metadata: { a: '1' }, store: true, prompt_cache_key: 'k', safety_identifier: 's' };
    expect(key(base, withBody(delivery))).toBe(key(base, withBody({})));
    expect(key(base, withBody({ n: 2 }))).not.toBe(key(base, withBody({})));
    expect(key(base, withBody({ messages: [{ role: 'user', content: 'hello', name: 'bob' }] }))).not.toBe(key(base, withBody({})));
  });

  it('changes with the resolved target and the scope', () => {
    expect(key(base, ctxFor({ alias: 'chat-smart' }))).not.toBe(key(base));
    expect(key(base, ctxFor({ scope: 'user-1' }))).not.toBe(key(base));
    const noAlias = (label: string) => ctxFor({ plan: { targets: [target(label)] } });
    expect(key(base, noAlias('openai/gpt-4o'))).not.toBe(key(base, noAlias('ollama/llama3')));
  });
});

describe('contextHash', () => {
  const conv = (history: string, last: string): ChatRequest => ({
    model: 'm',
    stream: false,
    messages: [
      { role: 'user', content: [{ type: 'text', text: history }] },
      { role: 'assistant', content: [{ type: 'text', text: 'ok' }] },
      { role: 'user', content: [{ type: 'text', text: last }] },
    ],
  });
  it('ignores the last user turn but not the turns before it, the system prompt or the target', () => {
    const ctx = ctxFor();
    expect(contextHash(conv('a', 'q1'), ctx)).toBe(contextHash(conv('a', 'q2'), ctx));
    expect(contextHash(conv('a', 'q1'), ctx)).not.toBe(contextHash(conv('b', 'q1'), ctx));
    expect(contextHash({ ...conv('a', 'q1'), system: 's' }, ctx)).not.toBe(contextHash(conv('a', 'q1'), ctx));
    expect(contextHash(conv('a', 'q1'), ctxFor({ alias: 'other' }))).not.toBe(contextHash(conv('a', 'q1'), ctx));
  });
});
