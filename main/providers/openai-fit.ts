// Fits a request to what an OpenAI-compatible target takes, before it is sent (Provider.fit), and names what
// was dropped or changed for `x-lynkr-dropped`. The same rules apply to the internal request and to a client's
// own OpenAI body passed through (req.native).
import type { FittedRequest, ProviderKind } from '../core/provider.js';
import type { ProviderRequest } from '../core/types.js';
import { isKnownOpenAIModel, isReasoningModel } from './openai-models.js';

type ExtraSamplingField = 'topK' | 'minP' | 'repeatPenalty';

/** What one target (provider kind + model) takes on the wire. */
export interface OpenAIWireRules {
  maxTokensField: 'max_tokens' | 'max_completion_tokens';
  /** A reasoning model: `max_tokens` is refused there, `max_completion_tokens` replaces it. */
  reasoningModel: boolean;
  /** Whether `reasoning_effort` may be sent. */
  reasoningEffort: boolean;
  /** Sampling knobs beyond OpenAI's that this server takes, with their wire names. */
  extraSampling: ReadonlyArray<readonly [ExtraSamplingField, string]>;
  /** The model's output-token limit, where known (table or learned from a refusal). */
  outputLimit?: number;
}

const SAMPLING_WIRE_NAMES: ReadonlyArray<readonly [ExtraSamplingField, string]> = [
  ['topK', 'top_k'],
  ['minP', 'min_p'],
  ['repeatPenalty', 'repeat_penalty'],
];

/**
 * llama.cpp's server takes `top_k`, `min_p` and `repeat_penalty` on /v1/chat/completions as on /completion
 * (ggml-org/llama.cpp tools/server/README.md, "POST /completion" options). LM Studio's "Supported payload
 * parameters" list `top_k` and `repeat_penalty`, not `min_p` (lmstudio.ai/docs/developer/openai-compat/chat-completions).
 */
function extraSamplingFor(kind: ProviderKind): OpenAIWireRules['extraSampling'] {
  if (kind === 'llamacpp') return SAMPLING_WIRE_NAMES;
  if (kind === 'lmstudio') return SAMPLING_WIRE_NAMES.filter(([f]) => f !== 'minP');
  return [];
}

/** OpenAI's own API (and Azure's copy of it): an unknown model may be one that refuses reasoning_effort. */
const openAIHosted = (kind: ProviderKind): boolean => kind === 'openai' || kind === 'azure-openai';

export function wireRules(kind: ProviderKind, model: string, outputLimit: number | undefined): OpenAIWireRules {
  const reasoningModel = isReasoningModel(model);
  return {
    // OpenAI takes max_completion_tokens on every model; other servers know max_tokens, except for OpenAI's
    // reasoning models wherever they are hosted.
    maxTokensField: kind === 'openai' || reasoningModel ? 'max_completion_tokens' : 'max_tokens',
    reasoningModel,
    // OpenAI answers reasoning_effort on other models with 400 "Unrecognized request argument supplied:
    // reasoning_effort" (seen for gpt-4o-mini, davidmigloz/langchain_dart#712). Other servers (vLLM, llama.cpp,
    // Gemini's endpoint) take it or ignore it, so only OpenAI's known non-reasoning models lose it there.
    reasoningEffort: reasoningModel || (!openAIHosted(kind) && !isKnownOpenAIModel(model)),
    extraSampling: extraSamplingFor(kind),
    outputLimit,
  };
}

/** The short name of a clamped output budget, e.g. `max_tokens>16384`. */
export const clampName = (limit: number): string => `max_tokens>${limit}`;

/** The request this target can take, and what was dropped or changed. */
export function fitOpenAIRequest(req: ProviderRequest, rules: OpenAIWireRules): FittedRequest {
  const dropped: string[] = [];
  const drop = (name: string): void => {
    if (!dropped.includes(name)) dropped.push(name);
  };
  let out = req;
  const edit = (): ProviderRequest => (out === req ? (out = { ...req }) : out);
  const limit = rules.outputLimit;
  if (limit !== undefined && req.maxTokens !== undefined && req.maxTokens > limit) {
    edit().maxTokens = limit;
    drop(clampName(limit));
  }
  if (req.reasoningEffort !== undefined && !rules.reasoningEffort) {
    edit().reasoningEffort = undefined;
    drop('reasoning_effort');
  }
  // OpenAI: 400 "Invalid value for 'parallel_tool_calls': 'parallel_tool_calls' is only allowed when 'tools' are
  // specified." (quoted in Upsonic/Upsonic#323 and router-for-me/CLIProxyAPI#3903).
  if (req.parallelToolCalls !== undefined && !req.tools?.length) {
    edit().parallelToolCalls = undefined;
    drop('parallel_tool_calls');
  }
  for (const [field, wireName] of SAMPLING_WIRE_NAMES) {
    if (req[field] !== undefined && !rules.extraSampling.some(([f]) => f === field)) {
      edit()[field] = undefined;
      drop(wireName);
    }
  }
  if (req.native?.format === 'openai-chat') {
    const body = fitNativeBody(req.native.body, rules, drop);
    if (body !== req.native.body) edit().native = { format: req.native.format, body, headers: req.native.headers };
  }
  return { request: out, dropped };
}

/** The same rules on a client's own OpenAI chat body (copied only when something changes). */
function fitNativeBody(body: Record<string, unknown>, rules: OpenAIWireRules, drop: (name: string) => void): Record<string, unknown> {
  let out = body;
  const edit = (): Record<string, unknown> => (out === body ? (out = { ...body }) : out);
  const limit = rules.outputLimit;
  for (const field of ['max_tokens', 'max_completion_tokens'] as const) {
    const v = body[field];
    if (limit !== undefined && typeof v === 'number' && v > limit) {
      edit()[field] = limit;
      drop(clampName(limit));
    }
  }
  // A rename, not a loss: reasoning models refuse max_tokens and take the same budget as max_completion_tokens.
  if (rules.reasoningModel && out.max_tokens != null) {
    const o = edit();
    o.max_completion_tokens ??= o.max_tokens;
    o.max_tokens = undefined;
  }
  if (body.reasoning_effort != null && !rules.reasoningEffort) {
    edit().reasoning_effort = undefined;
    drop('reasoning_effort');
  }
  if (body.parallel_tool_calls != null && !(Array.isArray(body.tools) && body.tools.length > 0)) {
    edit().parallel_tool_calls = undefined;
    drop('parallel_tool_calls');
  }
  return out;
}
