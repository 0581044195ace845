// Whether, and after how long, to try the same target again. Anything that another target could answer faster
// (refused connection, a timeout already waited for, a bad key, a long Retry-After) moves on instead.
import type { GatewayError } from '../core/errors.js';

export interface RetryPolicy {
  /** Extra attempts on the same target (settings.fallback.retries). */
  retries: number;
  /** First backoff (settings.fallback.backoffMs); doubles per attempt. */
  backoffMs: number;
}

/** A Retry-After longer than this is not waited for: the next target answers sooner. */
export const MAX_RETRY_AFTER_MS = 10_000;
/** No single exponential backoff step waits longer than this. */
export const MAX_BACKOFF_MS = 5_000;

function worthRetrying(err: GatewayError): boolean {
  switch (err.kind) {
    case 'rate_limited':
      return true;
    case 'upstream_http': {
      const s = err.upstreamStatus ?? err.status;
      return s === 408 || s === 409 || s === 429 || (s >= 500 && s !== 501 && s !== 505);
    }
    // upstream_connect: a refused port stays refused for the next 200 ms; move on so a stopped Ollama costs
    // nothing. upstream_timeout: we already waited a full timeout. auth/permission: the key will not fix itself.
    // upstream_protocol: an HTML page or broken JSON is a misconfiguration, not a blip.
    default:
      return false;
  }
}

/**
 * @param attempt 0-based index of the attempt on this target that just failed (0 after the first failure), as
 *                the pipeline's loop counts.
 * @param random  [0, 1); injected for tests.
 * @returns the delay before the next attempt on the same target, or null to move on to the next target.
 */
export function retryDelayMs(policy: RetryPolicy, err: GatewayError, attempt: number, random: () => number): number | null {
  if (attempt >= policy.retries || !worthRetrying(err)) return null;
  if (err.retryAfterMs !== undefined) {
    return err.retryAfterMs > MAX_RETRY_AFTER_MS ? null : Math.max(0, err.retryAfterMs);
  }
  // "Equal jitter": half the step is fixed, half random, so retries from many clients spread out but never
  // collapse to zero.
  const step = Math.min(MAX_BACKOFF_MS, policy.backoffMs * 2 ** Math.max(0, attempt));
  return Math.round(step / 2 + random() * (step / 2));
}
