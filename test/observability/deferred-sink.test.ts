import { describe, expect, it } from 'vitest';
import { deferredSink } from '../../main/observability/deferred-sink.js';
import { record } from './records.js';

const rec = (id: string) => record({ id });

describe('deferredSink', () => {
  it('passes records on after the current turn, in order, and survives a throwing sink', async () => {
    const seen: string[] = [];
    const sink = deferredSink({
      record(r) {
        if (r.id === 'b') throw new Error('disk full');
        seen.push(r.id);
      },
    });
    sink.record(rec('a'));
    sink.record(rec('b'));
    sink.record(rec('c'));
    expect(seen).toEqual([]);
    await new Promise((r) => setImmediate(r));
    expect(seen).toEqual(['a', 'c']);
    sink.record(rec('d'));
    await new Promise((r) => setImmediate(r));
    expect(seen).toEqual(['a', 'c', 'd']);
  });
});
