// The replay memo's templates, keys and bounds (the end-to-end behaviour is in test/cache/hit-replay.e2e.test.ts).
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import type { ChatRequest, ChatResponse } from '../../main/core/types.js';
import type { HitReplay } from '../../main/pipeline/pipeline.js';
import type { InboundFormat } from '../../main/server/format.js';
import { fillTemplate, HitReplayMemo, toTemplate } from '../../main/server/hit-replay.js';
import { openaiChatFormat } from '../../main/server/openai-chat/index.js';

const incoming = (headers: Record<string, string> = {}) => ({ headers }) as unknown as IncomingMessage;
const request: ChatRequest = { model: 'chat', messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }], stream: false };
const response = (requestId: string, text = 'hello'): ChatResponse => ({
  id: `chatcmpl-${requestId}`,
  created: 1_700_000_000,
  model: 'gpt-4o-mini',
  text,
  toolCalls: [],
  finishReason: 'stop',
  usage: { inputTokens: 3, outputTokens: 1 },
});
const replay = {} as HitReplay;

describe('templates', () => {
  it('leave every occurrence of the request id and the created mark open, and fill them back', () => {
    const parts = toTemplate('{"id":"x-abc","n":77,"again":"abc","t":77}', 'abc', '77');
    expect(parts).toEqual(['{"id":"x-', 0, '","n":', 1, ',"again":"', 0, '","t":', 1, '}']);
    expect(fillTemplate(parts!, 'R2', 123)).toBe('{"id":"x-R2","n":123,"again":"R2","t":123}');
  });

  it('keep a slot for an id at the very start or end of the body', () => {
    expect(toTemplate('abc-x-abc', 'abc', '77')).toEqual([0, '-x-', 0]);
  });

  it('are refused when the body does not carry the request id (a replay would repeat an old id)', () => {
    expect(toTemplate('{"id":"other"}', 'abc', '77')).toBeUndefined();
  });
});

describe('HitReplayMemo', () => {
  it('renders the hit once and replays it byte for byte with the new id and created', () => {
    const memo = new HitReplayMemo(openaiChatFormat);
    const key = memo.key(incoming(), '{"model":"chat"}')!;
    memo.remember(key, replay, request, response('aaa111'), 'aaa111');
    const entry = memo.get(key)!;
    const expected = JSON.stringify(openaiChatFormat.renderResponse({ ...response('bbb222'), created: 1_800_000_000 }));
    expect(fillTemplate(entry.parts, 'bbb222', 1_800_000_000)).toBe(expected);
  });

  it('gives no key to requests that must take the full path', () => {
    const memo = new HitReplayMemo(openaiChatFormat);
    expect(memo.key(incoming({ 'cache-control': 'no-store' }), '{}')).toBeUndefined();
    expect(memo.key(incoming(), 'x'.repeat(40_000))).toBeUndefined();
    const unreplayable: InboundFormat = { ...openaiChatFormat, replayable: undefined };
    expect(new HitReplayMemo(unreplayable).key(incoming(), '{}')).toBeUndefined();
  });

  it('keys on the headers a format passes upstream as well as the text', () => {
    const memo = new HitReplayMemo({ ...openaiChatFormat, passHeaders: ['anthropic-beta'] });
    const a = memo.key(incoming({ 'anthropic-beta': 'x' }), '{}');
    const b = memo.key(incoming({ 'anthropic-beta': 'y' }), '{}');
    expect(a).not.toBe(b);
  });

  it('stays within its size bound, dropping the least recently used first', () => {
    const memo = new HitReplayMemo(openaiChatFormat);
    const big = 'w'.repeat(30_000);
    for (let i = 0; i < 300; i++) {
      memo.remember(`k${i}`, replay, request, response(`id${i}x`, big), `id${i}x`);
      if (i === 250) expect(memo.get('k120')).toBeDefined();
    }
    expect(memo.size).toBeLessThan(150);
    expect(memo.size).toBeGreaterThan(100);
    expect(memo.get('k121')).toBeUndefined();
    expect(memo.get('k120')).toBeDefined();
    expect(memo.get('k299')).toBeDefined();
    memo.forget('k299');
    expect(memo.get('k299')).toBeUndefined();
  });
});
