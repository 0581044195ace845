import { describe, expect, it } from 'vitest';
import { ClientAbort, toAbortSignal } from '../../main/core/client-abort.js';

describe('ClientAbort', () => {
  it('calls each listener once, with the reason readable, and forgets removed ones', () => {
    const a = new ClientAbort();
    const seen: unknown[] = [];
    const removed = (): void => void seen.push('removed');
    a.addEventListener('abort', () => seen.push(a.reason));
    a.addEventListener('abort', removed);
    a.removeEventListener('abort', removed);
    expect(a.aborted).toBe(false);
    const reason = new Error('client closed request');
    a.abort(reason);
    a.abort(new Error('second'));
    expect(a.aborted).toBe(true);
    expect(a.reason).toBe(reason);
    expect(seen).toEqual([reason]);
  });

  it('does not call a listener added after the abort (callers check `aborted` first, as with AbortSignal)', () => {
    const a = new ClientAbort();
    a.abort(new Error('gone'));
    let called = false;
    a.addEventListener('abort', () => (called = true));
    expect(called).toBe(false);
  });
});

describe('toAbortSignal', () => {
  it('gives a real AbortSignal that follows the abort, before or after it happened', () => {
    const before = new ClientAbort();
    const signal = toAbortSignal(before);
    expect(signal).toBeInstanceOf(AbortSignal);
    expect(signal.aborted).toBe(false);
    const reason = new Error('gone');
    before.abort(reason);
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBe(reason);

    const after = new ClientAbort();
    after.abort(reason);
    expect(toAbortSignal(after).reason).toBe(reason);
  });

  it('returns an AbortSignal itself', () => {
    const s = new AbortController().signal;
    expect(toAbortSignal(s)).toBe(s);
  });
});
