import { describe, expect, it } from 'vitest';
import { ClientAbort } from '../../main/core/client-abort.js';

describe('ClientAbort', () => {
  it('aborts a signal taken before the client went away, with the reason', () => {
    const a = new ClientAbort();
    const signal = a.signal;
    const seen: unknown[] = [];
    signal.addEventListener('abort', () => seen.push(signal.reason));
    const reason = new Error('client closed request');
    a.abort(reason);
    a.abort(new Error('second'));
    expect(a.aborted).toBe(true);
    expect(seen).toEqual([reason]);
  });

  it('hands out an already aborted signal after the client went away', () => {
    const a = new ClientAbort();
    const reason = new Error('gone');
    a.abort(reason);
    expect(a.signal.aborted).toBe(true);
    expect(a.signal.reason).toBe(reason);
  });

  it('returns one signal per request', () => {
    const a = new ClientAbort();
    expect(a.aborted).toBe(false);
    expect(a.signal).toBe(a.signal);
    expect(a.signal.aborted).toBe(false);
  });
});
