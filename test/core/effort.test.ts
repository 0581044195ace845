// The pieces behind "effort crosses formats" (the gateway-level proof is test/providers/effort-crosses.e2e.test.ts):
// which Claude models take which effort levels, by the names they go by on each platform, the nearest level a
// target gives, and what keepReadOptions keeps of an Anthropic `output_config` for a kind that translates the effort.
import { describe, expect, it } from 'vitest';
import { EFFORT_OPTIONS, keepReadOptions, nearestEffort } from '../../main/core/provider-options.js';
import type { ProviderRequest } from '../../main/core/types.js';
import { claudeEffortLevels } from '../../main/providers/anthropic-fit.js';

describe('claudeEffortLevels', () => {
  it.each([
    ['claude-haiku-4-5-20251001', []],
    ['claude-3-5-haiku-latest', []],
    ['claude-3-7-sonnet-20250219', []],
    ['claude-opus-4-20250514', []],
    ['claude-opus-4-1-20250805', []],
    ['claude-sonnet-4-5', []],
    ['claude-opus-4-5-20251101', ['low', 'medium', 'high']],
    ['claude-opus-4-6', ['low', 'medium', 'high', 'max']],
    ['anthropic/claude-sonnet-4.6', ['low', 'medium', 'high', 'max']],
    ['us.anthropic.claude-opus-4-7-v1:0', ['low', 'medium', 'high', 'xhigh', 'max']],
    ['claude-sonnet-5', ['low', 'medium', 'high', 'xhigh', 'max']],
    ['claude-haiku-5-5', ['low', 'medium', 'high', 'xhigh', 'max']],
    ['glm-4.6', ['low', 'medium', 'high', 'xhigh', 'max']],
  ])('%s', (model, levels) => {
    expect(claudeEffortLevels(model)).toEqual(levels);
  });
});

describe('nearestEffort', () => {
  const claude = ['low', 'medium', 'high', 'max'] as const;
  it('the same level, else the highest below, else the lowest; none only where taken', () => {
    expect(nearestEffort('medium', claude)).toBe('medium');
    expect(nearestEffort('xhigh', claude)).toBe('high');
    expect(nearestEffort('minimal', claude)).toBe('low');
    expect(nearestEffort('none', claude)).toBeUndefined();
    expect(nearestEffort('none', ['none', 'low', 'medium', 'high'])).toBe('none');
    expect(nearestEffort('minimal', ['none', 'low', 'high'])).toBe('low');
    expect(nearestEffort('high', [])).toBeUndefined();
  });
});

describe('keepReadOptions and a group of Anthropic options', () => {
  const req: ProviderRequest = {
    model: 'm',
    upstreamModel: 'm',
    messages: [],
    stream: false,
    providerOptions: { anthropic: { output_config: { effort: 'high', task_budget: { type: 'tokens', total: 9000 } }, container: 'c1' } },
  };
  it('keeps the effort for a kind that translates it, and names every other member on its own', () => {
    const read = keepReadOptions(req, { namespaces: ['openai'], translates: EFFORT_OPTIONS });
    expect(read.request.providerOptions).toEqual({ anthropic: { output_config: { effort: 'high' } } });
    expect(read.dropped).toEqual(['anthropic.output_config.task_budget', 'anthropic.container']);
  });
  it('names the effort too for a kind that translates nothing', () => {
    const read = keepReadOptions(req, { namespaces: [] });
    expect(read.request.providerOptions).toBeUndefined();
    expect(read.dropped).toEqual(['anthropic.output_config.effort', 'anthropic.output_config.task_budget', 'anthropic.container']);
  });
});
