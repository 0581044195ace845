// Fits a request to what the Anthropic Messages API takes before it is sent (Provider.fit), naming what changed
// for `x-lynkr-dropped`. The rules, as the API states them:
//   - `max_tokens` at most the model's output limit: 400 "max_tokens: 32000 > 8192, which is the maximum allowed
//     number of output tokens for <model>" (quoted in anthropics/claude-code#24451, chathub-dev/chathub#1222);
//   - `thinking.budget_tokens` "Must be ≥1024 and less than `max_tokens`" (@anthropic-ai/sdk ThinkingConfigEnabled);
//   - with thinking, no `temperature` other than 1, no `top_k`, `top_p` only from 0.95, no forced tool use
//     (docs.anthropic.com/en/docs/build-with-claude/extended-thinking, "Feature compatibility").
// A client's own Anthropic body (req.native) is the client's business except for the output limit, which depends on
// the model we routed to, not the one the client asked for.
import type { FittedRequest } from '../core/provider.js';
import type { ProviderRequest } from '../core/types.js';
import { clampName } from './openai-fit.js';

export const MIN_THINKING_BUDGET = 1024;

/**
 * The limit stated in Anthropic's 400 "max_tokens: 32000 > 8192, which is the maximum allowed number of output
 * tokens for claude-3-5-haiku-20241022".
 */
export function statedAnthropicOutputLimit(message: string): number | undefined {
  const n = /max_tokens: \d+ > (\d+), which is the maximum allowed number of output tokens/.exec(message)?.[1];
  return n === undefined ? undefined : Number(n);
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
  let out = req;
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
