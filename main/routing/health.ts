// One health model for a provider, in the same words everywhere (the window, the tray, `lynkr status`,
// `lynkr providers`, /health/ready): up, down, or cooling down. It is derived from two facts only: whether the
// provider answered its last probe (reachability, where it was checked) and its circuit breaker.
import { scrub } from '../observability/secrets.js';
import type { BreakerView, ProviderHealth } from './types.js';

export type HealthState = ProviderHealth['state'];

/** What a probe found (ModelCatalog's ProviderProbe has these fields); undefined when it was not checked. */
export interface Reachability {
  reachable: boolean;
  error?: string;
}


/**
 * Disabled wins; then the breaker (open or half-open: requests skip the provider until the probe succeeds); then
 * the probe. A provider that was not probed and whose breaker is closed is up: every failed request would count.
 */
export function providerHealth(enabled: boolean, breaker: BreakerView, reach?: Reachability): ProviderHealth {
  const checked = reach !== undefined;
  if (!enabled) return { state: 'disabled', detail: '', checked };
  if (breaker.state !== 'closed') {
    const failures = `${breaker.consecutiveFailures} failure${breaker.consecutiveFailures === 1 ? '' : 's'}`;
    const next = breaker.state === 'half-open' ? 'the next request tries it' : 'skipped until its cool-down ends';
    return { state: 'cooling down', detail: `${failures}, ${next}${breaker.lastError ? `: ${breaker.lastError}` : ''}`, checked, retryAt: breaker.retryAt };
  }
  if (reach && !reach.reachable) return { state: 'down', detail: reach.error ?? 'not answering', checked };
  // The last request could not connect (breaker.ts's describeFailure text): newer news than a probe a few seconds old.
  if (breaker.consecutiveFailures > 0 && breaker.lastError?.startsWith('upstream_connect')) return { state: 'down', detail: breaker.lastError, checked };
  // A key problem does not open the breaker (the provider is up) but is worth showing next to "up".
  return { state: 'up', detail: breaker.lastError ?? '', checked };
}

/** `down: connection refused` — the one-line form the CLI and the tray print. */
export function healthText(h: ProviderHealth): string {
  return h.detail ? `${h.state}: ${h.detail}` : h.state;
}

/** Reachability by provider id, from the probes of the providers that were checked (errors scrubbed, kept for the detail). */
export function reachabilityById(probes: readonly ({ id: string } & Reachability)[]): Map<string, Reachability> {
  return new Map(probes.map((p) => [p.id, p.error === undefined ? { reachable: p.reachable } : { reachable: p.reachable, error: scrub(p.error) }]));
}

/**
 * /health/ready: ready when some provider is up. Each provider's probe comes with its breaker and its health, in
 * the words of the window and the CLI.
 */
export function readiness<P extends { id: string } & Reachability>(probes: readonly P[], breaker: (id: string) => BreakerView) {
  const providers = probes.map((p) => {
    const b = breaker(p.id);
    return { ...p, breaker: b, health: providerHealth(true, b, p) };
  });
  const ready = providers.some((p) => p.health.state === 'up');
  return { ready, status: ready ? 'ready' : 'no-provider-reachable', providers };
}
