// Fits a request to what an OpenAI-compatible target takes, before it is sent (Provider.fit), and names what
// was dropped or changed for `x-lynkr-dropped`. The same rules apply to the internal request and to a client's
// own OpenAI body passed through (req.native).
import type { FittedRequest } from '../core/provider.js';
import type { OpenAIChatDialect } from './kinds/definition.js';
import type { ProviderRequest } from '../core/types.js';
import { isKnownOpenAIModel, isReasoningModel } from './openai-models.js';
import { carryEffort, optionsIn, withOptions, type EffortLevel } from '../core/provider-options.js';

/** What one target (provider kind + model) takes on the wire. */
export interface OpenAIWireRules {
  maxTokensField: 'max_tokens' | 'max_completion_tokens';
  /** A reasoning model: `max_tokens` is refused there, `max_completion_tokens` replaces it. */
  reasoningModel: boolean;
  /** Whether `reasoning_effort` (and `verbosity`, which the same models take) may be sent. */
  reasoningEffort: boolean;
  /** Whether `top_k` may be sent (the kind's `openAIChat.takesTopK`). */
  topK: boolean;
  /** The model's output-token limit, where known (table or learned from a refusal). */
  outputLimit?: number;
  /** The only fields the server takes, where it refuses others (the kind's `openAIChat.onlyFields`). */
  onlyFields?: ReadonlySet<string>;
  /** Where the seed goes, when not `seed`. */
  seedField?: 'random_seed';
  /** The server sends stream usage unasked and refuses `stream_options`. */
  streamUsageUnasked?: boolean;
  /** The roles the server takes and their fields, where it refuses others. */
  messageFields?: Readonly<Record<string, ReadonlySet<string>>>;
}

/** What a target of a kind with this dialect (its definition's `openAIChat`) takes for this model. */
export function wireRules(dialect: OpenAIChatDialect, model: string, outputLimit: number | undefined): OpenAIWireRules {
  const reasoningModel = isReasoningModel(model);
  return {
    // OpenAI's reasoning models refuse max_tokens wherever they are hosted (node_modules/openai chat completions.d.ts:
    // max_tokens "is not compatible with o-series models").
    maxTokensField: reasoningModel ? 'max_completion_tokens' : (dialect.maxTokensField ?? 'max_tokens'),
    reasoningModel,
    // Where the server refuses the effort on non-reasoning models (openai.ts says why), an unknown model may be one.
    // Other servers (vLLM, llama.cpp, Gemini's endpoint) take it or ignore it, so only OpenAI's known
    // non-reasoning models lose it there.
    reasoningEffort: reasoningModel || (!dialect.refusesEffortOnNonReasoningModels && !isKnownOpenAIModel(model)),
    topK: dialect.takesTopK ?? false,
    outputLimit,
    onlyFields: dialect.onlyFields,
    seedField: dialect.seedField === 'random_seed' ? 'random_seed' : undefined,
    streamUsageUnasked: dialect.streamUsageUnasked,
    messageFields: dialect.messageFields,
  };
}

/** The short name of a clamped output budget, e.g. `max_tokens>16384`. */
export const clampName = (limit: number): string => `max_tokens>${limit}`;

/**
 * The levels an effort asked in another format (Anthropic's `output_config.effort`: low…max) becomes here: low,
 * medium or high, the ones OpenAI's reasoning models have in common (o-series and gpt-5 alike). OpenAI lists xhigh
 * and max too, but "Not all reasoning models support every value" (node_modules/openai resources/shared.d.ts,
 * ReasoningEffort), so those become high, as before issue 20's rebuild.
 * A client's own `reasoning_effort` is sent as it asked.
 */
const CARRIED_EFFORT_LEVELS: readonly EffortLevel[] = ['low', 'medium', 'high'];

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
  const carried = carryEffort(out, 'openai.reasoning_effort', rules.reasoningEffort ? CARRIED_EFFORT_LEVELS : []);
  out = carried.request;
  carried.dropped.forEach(drop);
  const options = optionsIn(out, 'openai');
  const fittedOptions = fitOpenAIOptions(options, rules, !!req.tools?.length, drop);
  if (fittedOptions !== options) out = withOptions(out, 'openai', fittedOptions);
  if (req.topK !== undefined && !rules.topK) {
    edit().topK = undefined;
    drop('top_k');
  }
  if (rules.onlyFields) {
    const only = rules.onlyFields;
    for (const [field, wireName] of INTERNAL_WIRE_NAMES) {
      if (out[field] !== undefined && !only.has(wireName)) {
        edit()[field] = undefined;
        drop(wireName);
      }
    }
    const kept = onlyServerFields(optionsIn(out, 'openai'), only, drop);
    if (kept !== optionsIn(out, 'openai')) out = withOptions(out, 'openai', kept);
  }
  if (req.native?.format === 'openai-chat') {
    const refused = rules.messageFields && messageFieldsRefused(req.native.body.messages, rules.messageFields);
    if (refused) {
      // Rebuilt from the internal request instead, which has only what every server takes.
      edit().native = undefined;
      refused.forEach(drop);
    } else {
      const body = fitNativeBody(req.native.body, rules, drop);
      if (body !== req.native.body) edit().native = { format: req.native.format, body, headers: req.native.headers };
    }
  }
  return { request: out, dropped };
}

/**
 * Undefined when every message of a client's own body has a role and fields the server takes; else the fields it
 * doesn't take (`messages[].name`), empty when only a role differs (the rebuilt request maps `developer` to system).
 */
function messageFieldsRefused(messages: unknown, fields: Readonly<Record<string, ReadonlySet<string>>>): string[] | undefined {
  if (!Array.isArray(messages)) return undefined;
  let refused: string[] | undefined;
  for (const m of messages as Array<Record<string, unknown>>) {
    const allowed = fields[String(m?.role)];
    if (!allowed) refused ??= [];
    for (const k of Object.keys(m ?? {})) {
      if (!allowed || allowed.has(k) || m[k] == null) continue;
      refused ??= [];
      if (!refused.includes(`messages[].${k}`)) refused.push(`messages[].${k}`);
    }
  }
  return refused;
}

/**
 * The internal request's optional fields and their wire names, for servers that refuse fields they lack. The seed is
 * renamed (seedField) and the output budget has its own rule (maxTokensField), so neither is here.
 */
const INTERNAL_WIRE_NAMES: ReadonlyArray<readonly ['temperature' | 'topP' | 'frequencyPenalty' | 'presencePenalty' | 'stop' | 'user' | 'responseFormat' | 'toolChoice', string]> = [
  ['temperature', 'temperature'],
  ['topP', 'top_p'],
  ['frequencyPenalty', 'frequency_penalty'],
  ['presencePenalty', 'presence_penalty'],
  ['stop', 'stop'],
  ['user', 'user'],
  ['responseFormat', 'response_format'],
  ['toolChoice', 'tool_choice'],
];

/** Stream flags are set by the wire builder under the server's rules (streamUsageUnasked), and are never named. */
const STREAM_FIELDS = new Set(['stream', 'stream_options']);

/** `fields` without those the server does not define, each named (copied only when one goes). */
function onlyServerFields<T extends Readonly<Record<string, unknown>>>(fields: T, only: ReadonlySet<string>, drop: (name: string) => void): T {
  let out = fields;
  for (const k of Object.keys(fields)) {
    if (fields[k] === undefined || only.has(k) || STREAM_FIELDS.has(k)) continue;
    if (out === fields) out = { ...fields };
    (out as Record<string, unknown>)[k] = undefined;
    drop(k);
  }
  return out;
}

/**
 * OpenAI's rules on its fields that the internal request does not model, in the `openai` options or a client's own
 * body (copied only when something changes). The wire builder applies them too, so no body breaks them unfitted.
 */
export function fitOpenAIOptions<T extends Readonly<Record<string, unknown>>>(fields: T, rules: OpenAIWireRules, hasTools: boolean, drop: (name: string) => void = () => {}): T {
  let out = fields;
  const edit = (): Record<string, unknown> => (out === fields ? (out = { ...fields }) : out);
  if (fields.reasoning_effort != null && !rules.reasoningEffort) {
    edit().reasoning_effort = undefined;
    drop('reasoning_effort');
  }
  // OpenAI: 400 "Invalid value for 'parallel_tool_calls': 'parallel_tool_calls' is only allowed when 'tools' are
  // specified." (quoted in Upsonic/Upsonic#323 and router-for-me/CLIProxyAPI#3903).
  if (fields.parallel_tool_calls != null && !hasTools) {
    edit().parallel_tool_calls = undefined;
    drop('parallel_tool_calls');
  }
  // gpt-4o: 400 "Unsupported value: 'verbosity' does not support 'low' with this model. Supported values are:
  // 'medium'." (google-deepmind/concordia#164); GPT-5's reasoning models take it.
  if (fields.verbosity != null && !rules.reasoningEffort) {
    edit().verbosity = undefined;
    drop('verbosity');
  }
  return out;
}

/** The same rules on a client's own OpenAI chat body, with its output budget fitted too. */
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
  if (rules.seedField && out.seed != null) {
    const o = edit();
    o[rules.seedField] ??= o.seed;
    o.seed = undefined;
  }
  out = fitOpenAIOptions(out, rules, Array.isArray(body.tools) && body.tools.length > 0, drop);
  return rules.onlyFields ? onlyServerFields(out, rules.onlyFields, drop) : out;
}
