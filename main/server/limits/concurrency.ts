// Per-provider concurrency: at most `max` upstream requests at once, then a short FIFO queue with a wait
// timeout. Overflow is a fast 429 with Retry-After, never an unbounded queue.
import { GatewayError } from '../../core/errors.js';

export interface LimiterOptions {
  max: number;
  /** How many may wait for a slot; 0 = none. */
  queue: number;
  /** How long one may wait before giving up with 429. */
  queueTimeoutMs: number;
  /** For error messages. */
  provider?: string;
}

/** Gives the slot back. Idempotent: calling it twice frees one slot, not two. */
export type Release = () => void;

export interface Limiter {
  acquire(signal?: AbortSignal): Promise<Release>;
  stats(): { active: number; queued: number; max: number; queue: number };
}

interface Waiter {
  grant: (release: Release) => void;
  fail: (err: unknown) => void;
}

export function createLimiter(opts: LimiterOptions): Limiter {
  if (!Number.isInteger(opts.max) || opts.max < 1) throw new RangeError('max must be a positive integer');
  let active = 0;
  const waiting: Waiter[] = [];

  const overloaded = (message: string): GatewayError =>
    new GatewayError({
      kind: 'overloaded',
      status: 429,
      code: 'overloaded',
      provider: opts.provider,
      message,
      // A queue-timeout's worth is a fair guess at when a slot frees up.
      retryAfterMs: Math.max(1000, opts.queueTimeoutMs),
    });

  function makeRelease(): Release {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const next = waiting.shift();
      if (next) next.grant(makeRelease());
      else active--;
    };
  }

  return {
    acquire(signal) {
      if (signal?.aborted) return Promise.reject(abortError(signal));
      if (active < opts.max) {
        active++;
        return Promise.resolve(makeRelease());
      }
      const who = opts.provider ? ` for ${opts.provider}` : '';
      if (waiting.length >= opts.queue) {
        return Promise.reject(overloaded(`Too many concurrent requests${who} (${opts.max} running, queue full)`));
      }
      return new Promise<Release>((resolve, reject) => {
        const cleanup = (): void => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          const i = waiting.indexOf(waiter);
          if (i >= 0) waiting.splice(i, 1);
        };
        const waiter: Waiter = {
          // The slot passes straight from the releaser to us, so `active` stays the same.
          grant: (release) => {
            cleanup();
            resolve(release);
          },
          fail: (err) => {
            cleanup();
            reject(err);
          },
        };
        const timer = setTimeout(
          () => waiter.fail(overloaded(`Waited ${opts.queueTimeoutMs} ms for a free slot${who}`)),
          opts.queueTimeoutMs,
        );
        const onAbort = (): void => waiter.fail(abortError(signal));
        signal?.addEventListener('abort', onAbort, { once: true });
        waiting.push(waiter);
      });
    },
    stats: () => ({ active, queued: waiting.length, max: opts.max, queue: opts.queue }),
  };
}

function abortError(signal: AbortSignal | undefined): GatewayError {
  return new GatewayError({ kind: 'aborted', status: 499, message: 'client closed request', cause: signal?.reason });
}

export interface ProviderLimiterDefaults {
  /** Queue length as a fraction of maxConcurrent (at least 1 slot). */
  queueFactor?: number;
  queueTimeoutMs?: number;
}

/** One limiter per provider id, sized from that provider's `maxConcurrent`. */
export function createProviderLimiters(
  providers: readonly { id: string; maxConcurrent: number }[],
  defaults: ProviderLimiterDefaults = {},
): (providerId: string) => Limiter | undefined {
  const factor = defaults.queueFactor ?? 0.5;
  const map = new Map<string, Limiter>();
  for (const p of providers) {
    map.set(
      p.id,
      createLimiter({
        max: p.maxConcurrent,
        queue: Math.max(1, Math.ceil(p.maxConcurrent * factor)),
        queueTimeoutMs: defaults.queueTimeoutMs ?? 2_000,
        provider: p.id,
      }),
    );
  }
  return (id) => map.get(id);
}
