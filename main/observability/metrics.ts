// Prometheus metrics for GET /metrics, on a registry of our own (never prom-client's global one, so two
// gateways in one process — tests, the desktop app — do not collide). Labels use the routed provider and
// model, never the client's free-form model name, to keep cardinality bounded by the configuration.
import { Counter, Histogram, Registry } from 'prom-client';
import type { RequestRecord, RequestSink } from '../core/ports.js';

const LATENCY_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

export interface Metrics extends RequestSink {
  registry: Registry;
  contentType: string;
  text(): Promise<string>;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  const requests = new Counter({
    name: 'lynkr_requests_total',
    help: 'Finished requests.',
    labelNames: ['provider', 'model', 'status', 'cache'] as const,
    registers: [registry],
  });
  const errors = new Counter({
    name: 'lynkr_request_errors_total',
    help: 'Requests that ended with an error status (>= 400).',
    labelNames: ['provider', 'model', 'status'] as const,
    registers: [registry],
  });
  const fallbacks = new Counter({
    name: 'lynkr_fallbacks_total',
    help: 'Requests answered after at least one target failed.',
    labelNames: ['provider', 'model'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'lynkr_request_duration_seconds',
    help: 'Time from arrival to the last byte.',
    labelNames: ['provider', 'model'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const ttfb = new Histogram({
    name: 'lynkr_ttfb_seconds',
    help: 'Time from arrival to the first byte sent to the client.',
    labelNames: ['provider', 'model'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const tokens = new Counter({
    name: 'lynkr_tokens_total',
    help: 'Tokens by direction (input, output, cached_input).',
    labelNames: ['provider', 'model', 'direction'] as const,
    registers: [registry],
  });

  return {
    registry,
    contentType: registry.contentType,
    text: () => registry.metrics(),
    record(r) {
      try {
        const provider = r.provider ?? 'none';
        const model = r.model ?? 'none';
        const status = String(r.status);
        requests.inc({ provider, model, status, cache: r.cache });
        if (r.status >= 400) errors.inc({ provider, model, status });
        if (r.fallbackFrom.length > 0 && r.status < 400) fallbacks.inc({ provider, model });
        duration.observe({ provider, model }, r.latencyMs / 1000);
        if (r.ttfbMs !== undefined) ttfb.observe({ provider, model }, r.ttfbMs / 1000);
        if (r.inputTokens) tokens.inc({ provider, model, direction: 'input' }, r.inputTokens);
        if (r.outputTokens) tokens.inc({ provider, model, direction: 'output' }, r.outputTokens);
        if (r.cachedInputTokens) tokens.inc({ provider, model, direction: 'cached_input' }, r.cachedInputTokens);
      } catch {
        // Metrics must never break a request.
      }
    },
  };
}
