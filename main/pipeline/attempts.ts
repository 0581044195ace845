import type { AbortLike } from '../core/client-abort.js';
import { GatewayError, isFallbackTrigger, toGatewayError } from '../core/errors.js';
import type { RoutePlan, RouteTarget, Router } from '../core/ports.js';

export interface Failure {
  target: string;
  reason: string;
  error: GatewayError;
}

export interface AttemptResult<T> {
  value: T;
  target: RouteTarget;
}

/** Short, secret-free reason for `x-lynkr-fallback-from` and the request log. */
export function failureReason(err: GatewayError): string {
  switch (err.kind) {
    case 'upstream_connect':
      return 'connection failed';
    case 'upstream_timeout':
      return 'timeout';
    case 'upstream_protocol':
      return 'bad response';
    case 'auth':
    case 'permission':
      return `HTTP ${err.upstreamStatus ?? err.status} (key problem)`;
    default:
      return err.upstreamStatus ? `HTTP ${err.upstreamStatus}` : err.kind;
  }
}

/** Thrown when every target failed; carries each failure so the client sees all of them. */
export function allFailed(failures: Failure[]): GatewayError {
  const only = failures.length === 1 ? failures[0] : undefined;
  if (only && only.error.kind !== 'unavailable') return only.error;
  const list = failures.map((f) => `${f.target}: ${f.reason}`).join('; ');
  return new GatewayError({ kind: 'upstream_http', status: 502, code: 'all_targets_failed', message: `all targets failed: ${list}` });
}

function sleep(ms: number, signal: AbortLike): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Tries each target of the plan in order. A fallback trigger moves on (after the router's retries); any other
 * error is the client's own and is returned at once. Breakers are consulted before each target. Each failure is
 * appended to `failures` (owned by the caller, so that it is known whether the call succeeds or not).
 */
export async function attemptTargets<T>(
  router: Router,
  plan: RoutePlan,
  signal: AbortLike,
  run: (target: RouteTarget) => Promise<T>,
  failures: Failure[],
): Promise<AttemptResult<T>> {
  for (const target of plan.targets) {
    if (!router.admit(target)) {
      const error = new GatewayError({ kind: 'unavailable', status: 503, provider: target.provider.id, message: `${target.provider.id}: circuit open` });
      failures.push({ target: target.label, reason: 'circuit open', error });
      continue;
    }
    for (let attempt = 0; ; attempt++) {
      try {
        const value = await run(target);
        router.recordSuccess(target);
        return { value, target };
      } catch (e) {
        const err = toGatewayError(e, target.provider.id);
        if (signal.aborted || err.kind === 'aborted') throw err;
        if (!isFallbackTrigger(err)) throw err;
        router.recordFailure(target, err);
        const delay = router.retryDelayMs(target, err, attempt);
        if (delay === null) {
          failures.push({ target: target.label, reason: failureReason(err), error: err });
          break;
        }
        await sleep(delay, signal);
      }
    }
  }
  throw allFailed(failures);
}
