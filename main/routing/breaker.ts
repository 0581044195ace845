// One circuit breaker per provider. Closed: everything passes. After `threshold` consecutive failures it opens:
// the provider is skipped at once (no connect, no timeout). After `cooldownMs` it is half-open: ONE request
// (the probe) goes through; success closes it, failure opens it again for another cool-down.
import type { BreakerView } from '../admin/contract.js';
import type { GatewayError } from '../core/errors.js';

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
    const s = this.states.get(id);
    if (!s || s.openedAt === undefined) return true;
    const { cooldownMs } = this.policy();
    const t = this.now();
    if (t < s.openedAt + cooldownMs) return false;
    if (s.probeAt !== undefined && t < s.probeAt + cooldownMs) return false;
    s.probeAt = t;
    return true;
  }

  recordSuccess(id: string): void {
    const s = this.states.get(id);
    if (!s) return;
    s.consecutiveFailures = 0;
    s.openedAt = undefined;
    s.probeAt = undefined;
  }

  recordFailure(id: string, err: GatewayError): void {
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
