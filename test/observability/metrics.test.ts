import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../main/observability/metrics.js';
import { record } from './records.js';

describe('metrics', () => {
  it('counts requests, errors, latency, ttfb and tokens by provider and model', async () => {
    const m = createMetrics();
    m.record(record({ latencyMs: 20, ttfbMs: 4, stream: true, inputTokens: 11, outputTokens: 22, cachedInputTokens: 3 }));
    m.record(record({ cache: 'hit-exact' }));
    m.record(record({ provider: 'openai', model: 'gpt-4o-mini', status: 502, error: 'boom', fallbackFrom: ['ollama/x: refused'] }));
    m.record(record({ provider: 'openai', model: 'gpt-4o-mini', fallbackFrom: ['ollama/x: refused'] }));
    const text = m.text();
    expect(text).toContain('lynkr_requests_total{provider="ollama",model="qwen2.5-coder:7b",status="200",cache="miss"} 1');
    expect(text).toContain('lynkr_requests_total{provider="ollama",model="qwen2.5-coder:7b",status="200",cache="hit-exact"} 1');
    expect(text).toContain('lynkr_request_errors_total{provider="openai",model="gpt-4o-mini",status="502"} 1');
    expect(text).toContain('lynkr_fallbacks_total{provider="openai",model="gpt-4o-mini"} 1');
    expect(text).toContain('lynkr_request_duration_seconds_count{provider="ollama",model="qwen2.5-coder:7b"} 2');
    expect(text).toContain('lynkr_request_duration_seconds_bucket{le="0.025",provider="ollama",model="qwen2.5-coder:7b"} 2');
    expect(text).toContain('lynkr_ttfb_seconds_count{provider="ollama",model="qwen2.5-coder:7b"} 1');
    expect(text).toContain('lynkr_tokens_total{provider="ollama",model="qwen2.5-coder:7b",direction="input"} 16');
    expect(text).toContain('lynkr_tokens_total{provider="ollama",model="qwen2.5-coder:7b",direction="cached_input"} 3');
  });

  it('two instances do not share counts (no global registry)', async () => {
    const a = createMetrics();
    const b = createMetrics();
    a.record(record());
    expect(b.text()).not.toMatch(/lynkr_requests_total\{/);
  });

  it('renders the text format: HELP and TYPE per family, cumulative buckets ending in +Inf, then sum and count', () => {
    const m = createMetrics();
    m.record(record({ latencyMs: 3, ttfbMs: undefined }));
    m.record(record({ latencyMs: 700, ttfbMs: undefined }));
    m.record(record({ latencyMs: 200_000, ttfbMs: undefined }));
    const lines = m.text().split('\n');
    const labels = 'provider="ollama",model="qwen2.5-coder:7b"';
    const bucket = (le: string) => lines.find((l) => l.startsWith(`lynkr_request_duration_seconds_bucket{le="${le}",${labels}}`));
    expect(lines).toContain('# HELP lynkr_request_duration_seconds Time from arrival to the last byte.');
    expect(lines).toContain('# TYPE lynkr_request_duration_seconds histogram');
    expect(lines).toContain('# TYPE lynkr_requests_total counter');
    expect(bucket('0.001')).toMatch(/ 0$/);
    expect(bucket('0.005')).toMatch(/ 1$/);
    expect(bucket('0.5')).toMatch(/ 1$/);
    expect(bucket('1')).toMatch(/ 2$/);
    expect(bucket('120')).toMatch(/ 2$/);
    expect(bucket('+Inf')).toMatch(/ 3$/);
    expect(lines).toContain(`lynkr_request_duration_seconds_sum{${labels}} 200.703`);
    expect(lines).toContain(`lynkr_request_duration_seconds_count{${labels}} 3`);
    // No request had a first byte: no ttfb series, only its HELP and TYPE.
    expect(lines.some((l) => l.startsWith('lynkr_ttfb_seconds_'))).toBe(false);
    expect(lines).toContain('# TYPE lynkr_ttfb_seconds histogram');
    expect(m.text().endsWith('\n')).toBe(true);
  });

  it('escapes backslashes, double quotes and line feeds in label values', () => {
    const m = createMetrics();
    m.record(record({ provider: 'my"lab', model: 'C:\\models\\a\nb' }));
    expect(m.text()).toContain('lynkr_requests_total{provider="my\\"lab",model="C:\\\\models\\\\a\\nb",status="200",cache="miss"} 1');
  });

  it('a record without a provider (rejected before routing) is counted under "none"', async () => {
    const m = createMetrics();
    m.record(record({ provider: undefined, model: undefined, status: 400 }));
    expect(m.text()).toContain('lynkr_request_errors_total{provider="none",model="none",status="400"} 1');
  });
});
