import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFER_MS, deferredSink } from '../../main/observability/deferred-sink.js';
import { record } from './records.js';

const rec = (id: string) => record({ id });

describe('deferredSink', () => {
  afterEach(() => vi.useRealTimers());

  it('passes records on together after the delay, in order, and survives a throwing sink', () => {
    vi.useFakeTimers();
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
    vi.advanceTimersByTime(DEFER_MS - 1);
    expect(seen).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(seen).toEqual(['a', 'c']);
    sink.record(rec('d'));
    vi.advanceTimersByTime(DEFER_MS);
    expect(seen).toEqual(['a', 'c', 'd']);
  });

  it('flush() passes what is queued at once, and the timer then has nothing left to pass', () => {
    vi.useFakeTimers();
    const seen: string[] = [];
    const sink = deferredSink({ record: (r) => void seen.push(r.id) });
    sink.record(rec('a'));
    sink.flush();
    expect(seen).toEqual(['a']);
    vi.advanceTimersByTime(DEFER_MS);
    expect(seen).toEqual(['a']);
    sink.record(rec('b'));
    vi.advanceTimersByTime(DEFER_MS);
    expect(seen).toEqual(['a', 'b']);
  });
});
