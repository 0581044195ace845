// Fits a request to what the Anthropic Messages API takes before it is sent (Provider.fit), naming what changed
// for `x-lynkr-dropped`. The rules, as the API states them:
//   - `max_tokens` at most the model's output limit: 400 "max_tokens: 32000 > 8192, which is the maximum allowed
//     number of output tokens for <model>" (quoted in anthropics/claude-code#24451, chathub-dev/chathub#1222);
//   - `thinking.budget_tokens` "Must be ≥1024 and less than `max_tokens`" (@anthropic-ai/sdk ThinkingConfigEnabled);
//   - with thinking, no `temperature` other than 1, no `top_k`, `top_p` only from 0.95, no forced tool use
//     (docs.anthropic.com/en/docs/build-with-claude/extended-thinking, "Feature compatibility");
//   - `output_config.effort` only on the models that take it, at their levels (claudeEffortLevels); with or without
//     thinking ("The effort parameter affects all tokens in the response, including … thinking (when active)",
//     platform.claude.com/docs/en/build-with-claude/effort).
// A client's own Anthropic body (req.native) is the client's business except for the output limit, which depends on
// the model we routed to, not the one the client asked for.
import type { FittedRequest } from '../core/provider.js';
import type { ProviderRequest } from '../core/types.js';
import { clampName } from './openai-fit.js';
import { carryEffort, type EffortLevel } from '../core/provider-options.js';

export const MIN_THINKING_BUDGET = 1024;

/**
 * The limit stated in Anthropic's 400 "max_tokens: 32000 > 8192, which is the maximum allowed number of output
 * tokens for claude-3-5-haiku-20241022".
 */
export function statedAnthropicOutputLimit(message: string): number | undefined {
  const n = /max_tokens: \d+ > (\d+), which is the maximum allowed number of output tokens/.exec(message)?.[1];
  return n === undefined ? undefined : Number(n);
}

const EFFORT_LEVELS_ALL: readonly EffortLevel[] = ['low', 'medium', 'high', 'xhigh', 'max'];

/** From which version (major × 10 + minor) each Claude family takes effort at all, `max`, and `xhigh`. */
const EFFORT_SINCE: Readonly<Record<string, { effort: number; max: number; xhigh: number }>> = {
  opus: { effort: 45, max: 46, xhigh: 47 },
  sonnet: { effort: 46, max: 46, xhigh: 50 },
  haiku: { effort: 50, max: 50, xhigh: 50 },
};

/**
 * The `output_config.effort` levels a model takes, lowest first; none when it refuses the field. Anthropic's effort
 * page (platform.claude.com/docs/en/build-with-claude/effort) lists Opus 4.5 and later, Sonnet 4.6 and later and
 * Haiku 5.5 (and Fable, Mythos); `max` from Opus 4.6 and Sonnet 4.6, `xhigh` from Opus 4.7 and Sonnet 5. Earlier
 * models (Claude 3.x, Opus 4/4.1, Sonnet 4/4.5, Haiku 4.5) answer 400 "This model does not support the effort
 * parameter." (anthropics/claude-code#30010, #30760, #30795). A newer model, or a name not Claude's (an
 * Anthropic-compatible server), is taken to accept every level: its own answer is then the rule.
 */
export function claudeEffortLevels(model: string): readonly EffortLevel[] {
  const named = /claude-(opus|sonnet|haiku)-(\d+)(?:[-.](\d)(?!\d))?/i.exec(model);
  if (!named) return /claude-(\d|instant)/i.test(model) ? [] : EFFORT_LEVELS_ALL;
  const since = EFFORT_SINCE[named[1].toLowerCase()];
  const version = Number(named[2]) * 10 + Number(named[3] ?? 0);
  if (version < since.effort) return [];
  return EFFORT_LEVELS_ALL.filter((l) => (l !== 'max' || version >= since.max) && (l !== 'xhigh' || version >= since.xhigh));
}

export function fitAnthropicRequest(req: ProviderRequest, outputLimit: number | undefined): FittedRequest {
  const dropped: string[] = [];
  const drop = (name: string): void => {
    if (!dropped.includes(name)) dropped.push(name);
  };
  if (req.native?.format === 'anthropic-messages') {
    const body = fitNativeBody(req.native.body, outputLimit, drop);
    return { request: body === req.native.body ? req : { ...req, native: { ...req.native, body } }, dropped };
  }
  // An effort asked in OpenAI's format (reasoning_effort, Responses reasoning.effort) becomes output_config.effort.
  const carried = carryEffort(req, 'anthropic.output_config.effort', claudeEffortLevels(req.upstreamModel));
  carried.dropped.forEach(drop);
  let out = carried.request;
  const edit = (): ProviderRequest => (out === req ? (out = { ...req }) : out);
  if (outputLimit !== undefined && req.maxTokens !== undefined && req.maxTokens > outputLimit) {
    edit().maxTokens = outputLimit;
    drop(clampName(outputLimit));
  }
  const budget = out.thinkingBudget;
  if (budget !== undefined) {
    const forced = out.toolChoice === 'required' || typeof out.toolChoice === 'object';
    const fits = budget >= MIN_THINKING_BUDGET && (out.maxTokens === undefined || budget < out.maxTokens);
    if (!fits || forced) {
      edit().thinkingBudget = undefined;
      drop('thinking');
    } else {
      if (out.temperature !== undefined && out.temperature !== 1) {
        edit().temperature = undefined;
        drop('temperature');
      }
      if (out.topK !== undefined) {
        edit().topK = undefined;
        drop('top_k');
      }
      if (out.topP !== undefined && out.topP < 0.95) {
        edit().topP = undefined;
        drop('top_p');
      }
    }
  }
  return { request: out, dropped };
}

/** The output limit on a client's own body; a thinking budget that no longer fits under it shrinks or goes. */
function fitNativeBody(body: Record<string, unknown>, limit: number | undefined, drop: (name: string) => void): Record<string, unknown> {
  if (limit === undefined || typeof body.max_tokens !== 'number' || body.max_tokens <= limit) return body;
  const out: Record<string, unknown> = { ...body, max_tokens: limit };
  drop(clampName(limit));
  const thinking = body.thinking as { type?: string; budget_tokens?: number } | undefined;
  if (thinking?.type === 'enabled' && typeof thinking.budget_tokens === 'number' && thinking.budget_tokens >= limit) {
    // Half the output for thinking, so that the answer keeps room too.
    const budget = Math.max(MIN_THINKING_BUDGET, Math.floor(limit / 2));
    out.thinking = budget < limit ? { ...thinking, budget_tokens: budget } : undefined;
    drop('thinking');
  }
  return out;
}
