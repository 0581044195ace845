// The price table behind the request log's cost column and the cache's "saved" figure.
import { describe, expect, it } from 'vitest';
import { estimateCostUsd } from '../../main/cache/pricing.js';

const M = 1_000_000;

describe('estimateCostUsd', () => {
  it('prices by the longest listed prefix first, ignoring case and any provider prefix', () => {
    expect(estimateCostUsd('gpt-4o-mini', false, M, 0)).toBeCloseTo(0.15, 9);
    expect(estimateCostUsd('openai/GPT-4o-2024-08-06', false, M, M)).toBeCloseTo(2.5 + 10, 9);
    // OpenRouter-style names carry slashes of their own: the last segment is the model.
    expect(estimateCostUsd('openrouter/anthropic/claude-opus-4', false, 0, M)).toBeCloseTo(75, 9);
  });

  it('local models cost nothing; unknown cloud models get the middling default', () => {
    expect(estimateCostUsd('gpt-4o', true, M, M)).toBe(0);
    expect(estimateCostUsd('some-new-model', false, M, M)).toBeCloseTo(1 + 4, 9);
  });
});
