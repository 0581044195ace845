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
    const text = await m.text();
    expect(text).toContain('lynkr_requests_total{provider="ollama",model="qwen2.5-coder:7b",status="200",cache="miss"} 1');
    expect(text).toContain('lynkr_requests_total{provider="ollama",model="qwen2.5-coder:7b",status="200",cache="hit-exact"} 1');
    expect(text).toContain('lynkr_request_errors_total{provider="openai",model="gpt-4o-mini",status="502"} 1');
    expect(text).toContain('lynkr_fallbacks_total{provider="openai",model="gpt-4o-mini"} 1');
    expect(text).toContain('lynkr_request_duration_seconds_count{provider="ollama",model="qwen2.5-coder:7b"} 2');
    expect(text).toContain('lynkr_request_duration_seconds_bucket{le="0.025",provider="ollama",model="qwen2.5-coder:7b"} 2');
    expect(text).toContain('lynkr_ttfb_seconds_count{provider="ollama",model="qwen2.5-coder:7b"} 1');
    expect(text).toContain('lynkr_tokens_total{provider="ollama",model="qwen2.5-coder:7b",direction="input"} 16');
    expect(text).toContain('lynkr_tokens_total{provider="ollama",model="qwen2.5-coder:7b",direction="cached_input"} 3');
    expect(m.contentType).toMatch(/^text\/plain/);
  });

  it('two instances do not share counts (no global registry)', async () => {
    const a = createMetrics();
    const b = createMetrics();
    a.record(record());
    expect(await b.text()).not.toMatch(/lynkr_requests_total\{/);
  });

  it('a record without a provider (rejected before routing) is counted under "none"', async () => {
    const m = createMetrics();
    m.record(record({ provider: undefined, model: undefined, status: 400 }));
    expect(await m.text()).toContain('lynkr_request_errors_total{provider="none",model="none",status="400"} 1');
  });
});
