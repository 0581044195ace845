// One circuit breaker per provider. Closed: everything passes. After `threshold` consecutive upstream faults it
// opens: the provider is skipped at once (no connect, no timeout). After `cooldownMs` it is half-open: ONE request
// (the probe) goes through; success closes it, a fault opens it again for another cool-down. Only the upstream's
// own faults count (isUpstreamFault): a client's bad request or a bug of ours says nothing about the provider.
import type { GatewayError } from '../core/errors.js';
import type { BreakerView } from './types.js';

/** What the admin API drives of the breakers (router.ts implements it over a BreakerSet). */
export interface BreakerBoard {
  view(providerId: string): BreakerView;
  reset(providerId?: string): void;
}

export interface BreakerPolicy {
  threshold: number;
  cooldownMs: number;
}

interface BreakerState {
  consecutiveFailures: number;
  openedAt?: number;
  /** When the half-open probe was let through; a probe that never reports back frees the slot after a cool-down. */
  probeAt?: number;
  lastError?: string;
}

export function isKeyProblem(err: GatewayError): boolean {
  const status = err.upstreamStatus ?? err.status;
  return err.kind === 'auth' || err.kind === 'permission' || status === 401 || status === 403;
}

/**
 * Faults of the upstream itself: it could not be reached (connection errors), did not answer in time, answered
 * 5xx, or sent data we could not read. Not: the client's errors (400, 413, 404), answers that say "not now" or
 * "not with this key" (429, 401, 403: the provider is up), nor the gateway's own failures even when a provider
 * wrapped them as a transport error (isOwnFault).
 */
export function isUpstreamFault(err: GatewayError): boolean {
  if (isOwnFault(err)) return false;
  switch (err.kind) {
    case 'upstream_connect':
    case 'upstream_timeout':
    case 'upstream_protocol':
      return true;
    case 'upstream_http':
      return (err.upstreamStatus ?? err.status) >= 500;
    default:
      return false;
  }
}

/**
 * An error of our own code under the provider's name: a stack overflow (RangeError), a reference error, or a
 * TypeError with no cause. A real network failure from fetch is a TypeError too ("fetch failed"), but it always
 * carries the system error as its cause.
 */
function isOwnFault(err: GatewayError): boolean {
  let e: unknown = err.cause;
  for (let depth = 0; e instanceof Error && depth < 8; depth++, e = e.cause) {
    if (e instanceof RangeError || e instanceof ReferenceError) return true;
    if (e instanceof TypeError && e.cause === undefined) return true;
  }
  return false;
}

/** 401/403 mean the key is wrong or lacks access, not that the provider is down: say so where users look. */
export function describeFailure(err: GatewayError): string {
  const status = err.upstreamStatus ?? err.status;
  const text = `${err.kind}${status ? ` ${status}` : ''}: ${err.message}`;
  return isKeyProblem(err) ? `key problem (check the API key): ${text}` : text;
}

export class BreakerSet {
  private readonly states = new Map<string, BreakerState>();

  constructor(
    private readonly policy: () => BreakerPolicy,
    private readonly now: () => number = Date.now,
  ) {}

  private state(id: string): BreakerState {
    let s = this.states.get(id);
    if (!s) {
      s = { consecutiveFailures: 0 };
      this.states.set(id, s);
    }
    return s;
  }

  /** May a request go to this provider now? In half-open, only the first caller (the probe) gets true. */
  admit(id: string): boolean {
    if (!this.wouldAdmit(id)) return false;
    const s = this.states.get(id);
    if (s?.openedAt !== undefined) s.probeAt = this.now();
    return true;
  }

  /** What admit() would answer, without taking the probe slot. */
  wouldAdmit(id: string): boolean {
    const s = this.states.get(id);
    if (!s || s.openedAt === undefined) return true;
    const { cooldownMs } = this.policy();
    const t = this.now();
    if (t < s.openedAt + cooldownMs) return false;
    return s.probeAt === undefined || t >= s.probeAt + cooldownMs;
  }

  /**
   * Lets a request through an open breaker as its probe: for a request whose every target is open, which must
   * still get one try. Its fault re-opens the breaker for a full cool-down; its success closes it.
   */
  probeNow(id: string): void {
    const s = this.states.get(id);
    if (s?.openedAt !== undefined) s.probeAt = this.now();
  }

  recordSuccess(id: string): void {
    const s = this.states.get(id);
    if (!s) return;
    s.consecutiveFailures = 0;
    s.openedAt = undefined;
    s.probeAt = undefined;
  }

  /** Counts upstream faults only. A key problem is still noted (lastError), so the window shows it. */
  recordFailure(id: string, err: GatewayError): void {
    if (!isUpstreamFault(err)) {
      if (isKeyProblem(err)) this.state(id).lastError = describeFailure(err);
      return;
    }
    const s = this.state(id);
    s.consecutiveFailures++;
    s.lastError = describeFailure(err);
    // A failed probe re-opens at once; otherwise open on reaching the threshold.
    if (s.probeAt !== undefined || s.consecutiveFailures >= this.policy().threshold) {
      s.openedAt = this.now();
      s.probeAt = undefined;
    }
  }

  isOpen(id: string): boolean {
    return this.states.get(id)?.openedAt !== undefined;
  }

  view(id: string): BreakerView {
    const s = this.states.get(id);
    if (!s) return { state: 'closed', consecutiveFailures: 0 };
    const base = { consecutiveFailures: s.consecutiveFailures, ...(s.lastError ? { lastError: s.lastError } : {}) };
    if (s.openedAt === undefined) return { state: 'closed', ...base };
    const retryAt = s.openedAt + this.policy().cooldownMs;
    return { state: this.now() >= retryAt ? 'half-open' : 'open', ...base, retryAt };
  }

  reset(id?: string): void {
    if (id === undefined) this.states.clear();
    else this.states.delete(id);
  }
}
