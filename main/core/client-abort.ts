/**
 * What the request path needs from an abort signal. AbortSignal has it, and so does ClientAbort without making
 * one: on Node 20 an AbortController (an EventTarget) per upstream call was about 3% of the uncached path's CPU
 * in profiles, plus its garbage. APIs that need a real AbortSignal (fetch, the AWS SDK) get one from
 * `toAbortSignal`.
 */
export interface AbortLike {
  readonly aborted: boolean;
  readonly reason: unknown;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

/** The client's side of one request: aborted when the client goes away. */
export class ClientAbort implements AbortLike {
  private listeners: (() => void)[] = [];
  private done = false;
  private why: unknown;

  get aborted(): boolean {
    return this.done;
  }

  get reason(): unknown {
    return this.why;
  }

  // Every listener here runs once: the abort happens at most once.
  addEventListener(_type: 'abort', listener: () => void): void {
    if (!this.done) this.listeners.push(listener);
  }

  removeEventListener(_type: 'abort', listener: () => void): void {
    const i = this.listeners.indexOf(listener);
    if (i >= 0) this.listeners.splice(i, 1);
  }

  abort(reason: unknown): void {
    if (this.done) return;
    this.done = true;
    this.why = reason;
    const listeners = this.listeners;
    this.listeners = [];
    for (const listener of listeners) listener();
  }
}

/** A real AbortSignal that follows `s` (itself when it already is one). */
export function toAbortSignal(s: AbortLike): AbortSignal {
  if (s instanceof AbortSignal) return s;
  const controller = new AbortController();
  if (s.aborted) controller.abort(s.reason);
  else s.addEventListener('abort', () => controller.abort(s.reason), { once: true });
  return controller.signal;
}
