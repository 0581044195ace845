import { describe, expect, it } from 'vitest';
import { GatewayError, type ErrorKind } from '../../main/core/errors.js';
import { MAX_BACKOFF_MS, MAX_RETRY_AFTER_MS, retryDelayMs } from '../../main/routing/retry.js';

const err = (kind: ErrorKind, upstreamStatus?: number, retryAfterMs?: number): GatewayError =>
  new GatewayError({ kind, status: upstreamStatus ?? 502, upstreamStatus, retryAfterMs, message: kind });
const policy = { retries: 2, backoffMs: 200 };

describe('retry policy', () => {
  it('jittered exponential backoff: each step within [step/2, step], doubling per attempt', () => {
    const e = err('upstream_http', 503);
    expect(retryDelayMs(policy, e, 0, () => 0)).toBe(100);
    expect(retryDelayMs(policy, e, 0, () => 0.999999)).toBe(200);
    expect(retryDelayMs(policy, e, 1, () => 0)).toBe(200);
    expect(retryDelayMs(policy, e, 1, () => 0.999999)).toBe(400);
    for (let i = 0; i < 200; i++) {
      const d = retryDelayMs(policy, e, 1, Math.random) ?? -1;
      expect(d).toBeGreaterThanOrEqual(200);
      expect(d).toBeLessThanOrEqual(400);
    }
  });

  it('is bounded by the number of retries and by a maximum step', () => {
    const e = err('upstream_http', 500);
    expect(retryDelayMs(policy, e, 2, () => 0.5)).toBeNull();
    expect(retryDelayMs({ retries: 0, backoffMs: 200 }, e, 0, () => 0.5)).toBeNull();
    expect(retryDelayMs({ retries: 5, backoffMs: 4_000 }, e, 4, () => 0.999999)).toBe(MAX_BACKOFF_MS);
  });

  it('honours Retry-After up to a cap, and moves on instead of waiting longer', () => {
    expect(retryDelayMs(policy, err('rate_limited', 429, 3_000), 0, () => 0.5)).toBe(3_000);
    expect(retryDelayMs(policy, err('rate_limited', 429, MAX_RETRY_AFTER_MS), 0, () => 0.5)).toBe(MAX_RETRY_AFTER_MS);
    expect(retryDelayMs(policy, err('rate_limited', 429, MAX_RETRY_AFTER_MS + 1), 0, () => 0.5)).toBeNull();
    expect(retryDelayMs(policy, err('rate_limited', 429), 0, () => 0)).toBe(100); // no header: backoff
  });

  it('retries 408, 409, 429 and 5xx on the same target', () => {
    for (const s of [408, 409, 429, 500, 502, 503, 504]) expect(retryDelayMs(policy, err('upstream_http', s), 0, () => 0)).toBe(100);
  });

  it('moves on at once for refused connections, timeouts, bad keys, protocol errors and client errors', () => {
    for (const e of [
      err('upstream_connect'),
      err('upstream_timeout'),
      err('auth', 401),
      err('permission', 403),
      err('upstream_protocol'),
      err('invalid_request', 400),
      err('upstream_http', 501),
    ]) {
      expect(retryDelayMs(policy, e, 0, () => 0)).toBeNull();
    }
  });
});
