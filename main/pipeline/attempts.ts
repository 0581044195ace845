import { GatewayError, isFallbackTrigger, isTargetLimit, toGatewayError } from '../core/errors.js';
import type { RoutePlan, RouteTarget, Router } from '../core/ports.js';
import { formatRouteHeader } from '../routing/route-header.js';

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

/**
 * A target that said "not now" rather than "broken": an upstream 429, Anthropic's 529 `overloaded_error`
 * (https://docs.anthropic.com/en/api/errors) or our own full queue. Another try later will likely succeed.
 */
export function isBusy(err: GatewayError): boolean {
  const status = err.upstreamStatus ?? err.status;
  return err.kind === 'rate_limited' || err.kind === 'overloaded' || status === 429 || status === 529;
}

/** When no upstream said how long to wait: a short pause, so that clients back off without stalling. */
export const DEFAULT_RETRY_AFTER_MS = 1_000;

/**
 * Every target was busy: a 429 with the soonest Retry-After any of them gave, so that clients back off instead of
 * treating it as an outage. `code` is OpenAI's own for a 429 (`rate_limit_exceeded`, as api.openai.com sends it).
 */
function rateLimited(failures: Failure[]): GatewayError {
  const waits = failures.map((f) => f.error.retryAfterMs).filter((ms): ms is number => ms !== undefined);
  // The header is whole seconds, at least 1 (sendJson rounds up).
  const retryAfterMs = waits.length ? Math.min(...waits) : DEFAULT_RETRY_AFTER_MS;
  const only = failures.length === 1 ? failures[0].error : undefined;
  const list = failures.map((f) => `${f.target}: ${f.reason}`).join('; ');
  return new GatewayError({
    kind: 'rate_limited',
    status: 429,
    code: 'rate_limit_exceeded',
    provider: only?.provider,
    upstreamStatus: only?.upstreamStatus,
    retryAfterMs,
    message: only ? only.message : `every target is rate limited: ${list}`,
  });
}

/**
 * One upstream's own fault, as the client sees it: an upstream 5xx, or its refusal of our key (401/403), is a bad
 * gateway (502 naming the provider), not the client's error. A client shown a 401 would think its own key wrong
 * (Claude Code asks the user to log in again). An upstream 400 stays a 400: it is about the client's request.
 */
function asBadGateway(err: GatewayError): GatewayError {
  const up = err.upstreamStatus;
  const upstreamFault = up !== undefined && (up >= 500 || err.kind === 'auth' || err.kind === 'permission');
  if (!upstreamFault || err.status === 502) return err;
  const { kind, message, provider, code, param, upstreamStatus, retryAfterMs } = err;
  return new GatewayError({ kind, status: 502, message, provider, code, param, upstreamStatus, retryAfterMs, cause: err });
}

/** Thrown when every target failed; carries each failure so the client sees all of them. */
export function allFailed(failures: Failure[]): GatewayError {
  const only = failures.length === 1 ? failures[0] : undefined;
  // A lone Anthropic 529 stays what it is: Claude Code switches to its --fallback-model on overloaded_error.
  if (only && (only.error.upstreamStatus ?? only.error.status) === 529) return only.error;
  if (failures.length && failures.every((f) => isBusy(f.error))) return rateLimited(failures);
  // No target could take it: the client's request must change, and the first target's reason says how.
  if (failures.length && failures.every((f) => isTargetLimit(f.error))) return failures[0].error;
  if (only && only.error.kind !== 'unavailable') return asBadGateway(only.error);
  const list = failures.map((f) => `${f.target}: ${f.reason}`).join('; ');
  return new GatewayError({ kind: 'upstream_http', status: 502, code: 'all_targets_failed', message: `all targets failed: ${list}` });
}

/** What was known of the route when a call failed: the error response's `x-lynkr-*` headers. */
export interface FailedRoute {
  /** The provider that failed, when one did (not for an all-targets failure). */
  provider?: string;
  model?: string;
  alias?: string;
  mappedFrom?: string;
  route?: string;
  /** `label (reason)` of every target that failed, as on a success after fallback. */
  fallbackFrom: string[];
}

const failedRoutes = new WeakMap<GatewayError, FailedRoute>();

/** Remembers the route that `err` ended, for routeOf() where the error is rendered. */
export function noteRoute(err: GatewayError, plan: RoutePlan | undefined, failures: readonly Failure[]): FailedRoute {
  const target = err.provider === undefined ? undefined : plan?.targets.find((t) => t.provider.id === err.provider);
  const route: FailedRoute = {
    provider: err.provider,
    model: target?.upstreamModel,
    alias: plan?.alias,
    mappedFrom: plan?.mappedFrom,
    route: plan && formatRouteHeader(plan),
    fallbackFrom: failures.map((f) => `${f.target} (${f.reason})`),
  };
  failedRoutes.set(err, route);
  return route;
}

export const routeOf = (err: unknown): FailedRoute | undefined => (err instanceof GatewayError ? failedRoutes.get(err) : undefined);

function sleep(ms: number, signal: AbortSignal): Promise<void> {
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

/** What trying the targets gave: the value and the target that gave it, or the error; and every failure on the way. */
export type Attempt<T> =
  | { ok: true; value: T; target: RouteTarget; failures: Failure[] }
  | { ok: false; error: GatewayError; failures: Failure[] };

/**
 * Tries each target of the plan in order. A fallback trigger moves on (after the router's retries); any other
 * error is the client's own and ends the attempts at once. Breakers are consulted before each target.
 */
export async function attemptTargets<T>(router: Router, plan: RoutePlan, signal: AbortSignal, run: (target: RouteTarget) => Promise<T>): Promise<Attempt<T>> {
  const failures: Failure[] = [];
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
        return { ok: true, value, target, failures };
      } catch (e) {
        const err = toGatewayError(e, target.provider.id);
        if (signal.aborted || err.kind === 'aborted') return { ok: false, error: err, failures };
        // This target can't take it (its limits, or its own concurrency limit is full): the next one may. Neither
        // is the target's fault, so nothing counts against it and it is not retried.
        if (isTargetLimit(err) || err.kind === 'overloaded') {
          failures.push({ target: target.label, reason: err.kind === 'overloaded' ? 'busy' : (err.code ?? err.kind), error: err });
          break;
        }
        if (!isFallbackTrigger(err)) return { ok: false, error: err, failures };
        router.recordFailure(target, err);
        const delay = router.retryDelayMs(target, err, attempt);
        if (delay === null) {
          failures.push({ target: target.label, reason: failureReason(err), error: err });
          break;
        }
        try {
          await sleep(delay, signal);
        } catch (abort) {
          return { ok: false, error: toGatewayError(abort, target.provider.id), failures };
        }
      }
    }
  }
  return { ok: false, error: allFailed(failures), failures };
}
