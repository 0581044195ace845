import { describe, expect, it } from 'vitest';
import { SseReader } from '../../main/providers/sse.js';

const who = { provider: 'up', endpoint: 'http://127.0.0.1:1/v1' };

describe('SseReader', () => {
  it('returns the events each chunk completes, across chunk boundaries', () => {
    const sse = new SseReader(who);
    expect(sse.push(Buffer.from('data: {"a":1}\n\nda'))).toEqual([expect.objectContaining({ data: '{"a":1}' })]);
    expect(sse.push(Buffer.from('ta: two'))).toEqual([]);
    const last = sse.push(Buffer.from('\n\ndata: three\n\n'));
    expect(last.map((e) => e.data)).toEqual(['two', 'three']);
  });

  it('does not hand out an array that a later chunk refills', () => {
    const sse = new SseReader(who);
    const first = sse.push('data: 1\n\n');
    sse.push('data: 2\n\n');
    expect(first.map((e) => e.data)).toEqual(['1']);
  });

  it('keeps a multi-byte character that a chunk boundary splits', () => {
    const bytes = Buffer.from('data: {"t":"naïve — 日本"}\n\n');
    for (let cut = 1; cut < bytes.length; cut++) {
      const sse = new SseReader(who);
      const events = [...sse.push(bytes.subarray(0, cut)), ...sse.push(bytes.subarray(cut))];
      expect(events.map((e) => e.data), `cut at ${cut}`).toEqual(['{"t":"naïve — 日本"}']);
    }
  });

  it('turns a broken stream into an upstream_protocol error naming the provider', () => {
    const sse = new SseReader(who);
    expect(() => sse.push('bogus: x\n\n')).toThrow(expect.objectContaining({ kind: 'upstream_protocol', provider: 'up', message: expect.stringContaining('broken event stream') }));
  });
});
