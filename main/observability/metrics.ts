// Prometheus metrics for GET /metrics, tallied per (provider, model) and rendered in the text format
// (prometheus.io/docs/instrumenting/exposition_formats: `# HELP`/`# TYPE` lines, label values escaping `\`, `"` and
// line feeds, histograms as cumulative `_bucket{le=…}` lines ending in `+Inf`, then `_sum` and `_count`).
// Not prom-client: it builds and hashes a label object for every observation, five per request (2.3 µs of the
// request path against 0.3 µs here, bench notes in bench/RESULTS.md). Our label set is fixed, so one Map lookup
// finds all of a series' tallies. Labels use the routed provider and model, never the client's free-form model
// name, to keep cardinality bounded by the configuration. Each gateway has its own tallies (tests, the desktop app).
import type { RequestRecord, RequestSink } from '../core/ports.js';

const LATENCY_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

export interface Metrics extends RequestSink {
  /** The exposition text, for GET /metrics. */
  text(): string;
}

/** Observations per bucket (not cumulative; the last is +Inf), with their sum. */
interface Histogram {
  counts: number[];
  sum: number;
}

/** Everything counted for one (provider, model). */
interface Series {
  provider: string;
  model: string;
  /** By `${status} ${cache}`. */
  requests: Map<string, { status: number; cache: string; n: number }>;
  errors: Map<number, number>;
  fallbacks: number;
  duration: Histogram;
  ttfb: Histogram;
  tokens: { input: number; output: number; cached_input: number };
}

const histogram = (): Histogram => ({ counts: new Array<number>(LATENCY_BUCKETS.length + 1).fill(0), sum: 0 });

function observe(h: Histogram, seconds: number): void {
  let i = 0;
  while (i < LATENCY_BUCKETS.length && seconds > LATENCY_BUCKETS[i]) i++;
  h.counts[i]++;
  h.sum += seconds;
}

export function createMetrics(): Metrics {
  const all = new Map<string, Series>();

  function seriesOf(provider: string, model: string): Series {
    const key = `${provider}\n${model}`;
    let s = all.get(key);
    if (!s) {
      s = { provider, model, requests: new Map(), errors: new Map(), fallbacks: 0, duration: histogram(), ttfb: histogram(), tokens: { input: 0, output: 0, cached_input: 0 } };
      all.set(key, s);
    }
    return s;
  }

  return {
    record(r: RequestRecord) {
      const s = seriesOf(r.provider ?? 'none', r.model ?? 'none');
      const key = `${r.status} ${r.cache}`;
      const requests = s.requests.get(key);
      if (requests) requests.n++;
      else s.requests.set(key, { status: r.status, cache: r.cache, n: 1 });
      if (r.status >= 400) s.errors.set(r.status, (s.errors.get(r.status) ?? 0) + 1);
      if (r.fallbackFrom.length > 0 && r.status < 400) s.fallbacks++;
      observe(s.duration, r.latencyMs / 1000);
      if (r.ttfbMs !== undefined) observe(s.ttfb, r.ttfbMs / 1000);
      s.tokens.input += r.inputTokens ?? 0;
      s.tokens.output += r.outputTokens ?? 0;
      s.tokens.cached_input += r.cachedInputTokens ?? 0;
    },
    text: () => render([...all.values()]),
  };
}

function render(series: Series[]): string {
  const out: string[] = [];
  const family = (name: string, type: 'counter' | 'histogram', help: string, lines: (s: Series) => string[]): void => {
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const s of series) out.push(...lines(s));
  };
  const pm = (s: Series): [string, string][] => [['provider', s.provider], ['model', s.model]];
  family('lynkr_requests_total', 'counter', 'Finished requests.', (s) =>
    [...s.requests.values()].map((c) => sample('lynkr_requests_total', [...pm(s), ['status', String(c.status)], ['cache', c.cache]], c.n)),
  );
  family('lynkr_request_errors_total', 'counter', 'Requests that ended with an error status (>= 400).', (s) =>
    [...s.errors].map(([status, n]) => sample('lynkr_request_errors_total', [...pm(s), ['status', String(status)]], n)),
  );
  family('lynkr_fallbacks_total', 'counter', 'Requests answered after at least one target failed.', (s) =>
    s.fallbacks ? [sample('lynkr_fallbacks_total', pm(s), s.fallbacks)] : [],
  );
  family('lynkr_request_duration_seconds', 'histogram', 'Time from arrival to the last byte.', (s) => histogramLines('lynkr_request_duration_seconds', pm(s), s.duration));
  family('lynkr_ttfb_seconds', 'histogram', 'Time from arrival to the first byte sent to the client.', (s) => histogramLines('lynkr_ttfb_seconds', pm(s), s.ttfb));
  family('lynkr_tokens_total', 'counter', 'Tokens by direction (input, output, cached_input).', (s) =>
    Object.entries(s.tokens)
      .filter(([, n]) => n > 0)
      .map(([direction, n]) => sample('lynkr_tokens_total', [...pm(s), ['direction', direction]], n)),
  );
  return `${out.join('\n')}\n`;
}

function histogramLines(name: string, labels: [string, string][], h: Histogram): string[] {
  const count = h.counts.reduce((a, b) => a + b, 0);
  if (count === 0) return [];
  let cumulative = 0;
  const buckets = h.counts.map((n, i) => {
    cumulative += n;
    const le = i < LATENCY_BUCKETS.length ? String(LATENCY_BUCKETS[i]) : '+Inf';
    return sample(`${name}_bucket`, [['le', le], ...labels], cumulative);
  });
  return [...buckets, sample(`${name}_sum`, labels, h.sum), sample(`${name}_count`, labels, count)];
}

const escapeLabel = (v: string): string => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

function sample(name: string, labels: [string, string][], value: number): string {
  return `${name}{${labels.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',')}} ${value}`;
}
