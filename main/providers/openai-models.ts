// What OpenAI's own models can take: their output-token limits, and which are reasoning models (they take
// `max_completion_tokens` and `reasoning_effort`, and refuse `max_tokens`). Names not matched here are unknown:
// never clamped, never assumed to reason.
import { GatewayError } from '../core/errors.js';

/**
 * Output-token limits by model name (dated snapshots included).
 * Source: models.dev, providers/openai/models/*.toml `[limit] output` (commit f3fc692, 2026-07), which matches
 * OpenAI's model pages and the numbers its own 400s state ("This model supports at most 16384 completion tokens").
 */
const OUTPUT_LIMITS: ReadonlyArray<readonly [RegExp, number]> = [
  [/^gpt-4o-2024-05-13$/, 4_096], // the first gpt-4o snapshot; later ones take 16,384
  [/^(gpt-4o|gpt-4o-mini|chatgpt-4o-latest)(-\d{4}-\d{2}-\d{2})?$/, 16_384],
  [/^gpt-4\.1(-mini|-nano)?(-\d{4}-\d{2}-\d{2})?$/, 32_768],
  [/^gpt-4-turbo(-\d{4}-\d{2}-\d{2}|-preview)?$/, 4_096],
  [/^gpt-4(-\d{4})?$/, 8_192],
  [/^gpt-3\.5-turbo(-\d{4})?$/, 4_096],
  [/^o(1|3|3-mini|4-mini)(-\d{4}-\d{2}-\d{2})?$/, 100_000],
  [/^gpt-5(\.\d+)?(-mini|-nano)?(-\d{4}-\d{2}-\d{2})?$/, 128_000],
];

/**
 * Reasoning models: the o-series and gpt-5.x (not the `-chat` variants). OpenAI answers `max_tokens` there with
 * "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead."
 * (openai-node's `max_tokens` doc: "not compatible with o-series models"), and takes `reasoning_effort`.
 */
const REASONING = /^(o\d+(-mini|-pro)?|gpt-5(\.\d+)?(-mini|-nano|-pro|-codex(-mini|-max)?)?)(-\d{4}-\d{2}-\d{2})?$/;

/** OpenRouter names OpenAI's models `openai/<name>`; the limits are the same. */
const bareName = (model: string): string => (model.startsWith('openai/') ? model.slice('openai/'.length) : model);

/** The model's known output-token limit, or undefined when the model is unknown. */
export function knownOutputLimit(model: string): number | undefined {
  const name = bareName(model);
  for (const [pattern, limit] of OUTPUT_LIMITS) if (pattern.test(name)) return limit;
  return undefined;
}

export function isReasoningModel(model: string): boolean {
  return REASONING.test(bareName(model));
}

/** Whether the name is one of OpenAI's chat models we know (reasoning or not). */
export function isKnownOpenAIModel(model: string): boolean {
  return knownOutputLimit(model) !== undefined || isReasoningModel(model);
}

/**
 * The limit stated in an upstream's refusal, e.g. OpenAI's 400 "max_tokens is too large: 32000. This model
 * supports at most 16384 completion tokens, whereas you provided 32000." (seen with `param: max_tokens`,
 * `code: invalid_value`; the same text comes back for max_completion_tokens).
 */
export function statedOutputLimit(message: string): number | undefined {
  if (!/max_(completion_)?tokens'? is too large/i.test(message)) return undefined;
  const n = /at most (\d+) completion tokens/i.exec(message)?.[1];
  return n === undefined ? undefined : Number(n);
}

/** Output limits learned from upstream refusals, per model, for one provider (they override the table). */
export class LearnedOutputLimits {
  private readonly limits = new Map<string, number>();

  get(model: string): number | undefined {
    return this.limits.get(model) ?? knownOutputLimit(model);
  }

  /**
   * A 400 that states the model's output limit (`stated` reads it from the message): the limit is learned, so that
   * fit() clamps to it from now on, and the error comes back marked `refit` for the pipeline's one resend.
   * Any other error comes back as it was.
   */
  learnFrom(err: unknown, model: string, stated: (message: string) => number | undefined): unknown {
    const limit = err instanceof GatewayError && err.status === 400 ? stated(err.message) : undefined;
    if (!(err instanceof GatewayError) || limit === undefined || !(limit > 0)) return err;
    this.learn(model, limit);
    const { kind, status, message, provider, code, param, upstreamStatus } = err;
    return new GatewayError({ kind, status, message, provider, code, param, upstreamStatus, refit: true, cause: err });
  }

  learn(model: string, limit: number): void {
    // Bounded: a provider serves a handful of models; a client cycling names must not grow this forever.
    if (this.limits.size >= 256 && !this.limits.has(model)) this.limits.clear();
    this.limits.set(model, limit);
  }
}
