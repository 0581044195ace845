// The one internal request/response/stream shape. Inbound formats (server/<format>/) translate into it;
// provider adapters (providers/<name>.ts) translate out of it. Nothing here knows any wire format.
import type { GatewayError } from './errors.js';

/** The wire formats clients speak to us. Providers may declare one as their native format. */
export type ClientFormat = 'openai-chat' | 'anthropic-messages' | 'openai-responses';

export type Role = 'system' | 'user' | 'assistant' | 'tool';

export type ContentPart =
  | { type: 'text'; text: string }
  /** An image: either inline base64 `data` with its `mediaType`, or a remote/data `url`. */
  | { type: 'image'; mediaType?: string; data?: string; url?: string }
  /** A document (PDF or text), inline base64. Providers that cannot take it reject with a 400. */
  | { type: 'document'; mediaType: string; data: string; title?: string };

export interface ToolCall {
  id: string;
  name: string;
  /** JSON text of the arguments, exactly as the model produced it. */
  arguments: string;
}

export interface Message {
  role: Role;
  content: ContentPart[];
  /** Assistant turns: the calls the model made. */
  toolCalls?: ToolCall[];
  /** Tool turns: the call this message answers. */
  toolCallId?: string;
  /** Tool turns: the tool result reported an error (Anthropic `is_error`). */
  isError?: boolean;
  /** Assistant turns: reasoning text the model produced, where the upstream exposes it. */
  reasoning?: string;
}

export interface ToolDef {
  name: string;
  description?: string;
  /** JSON Schema of the arguments. */
  parameters: Record<string, unknown>;
  /**
   * A free-form tool (the Responses API's `custom` type): upstreams see a function whose one string argument is
   * `input`, and the client gets its calls back as that text.
   */
  freeform?: boolean;
}

export type ToolChoice = 'auto' | 'none' | 'required' | { name: string };

export type ResponseFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | { type: 'json_schema'; name: string; schema: Record<string, unknown>; strict?: boolean };

export interface ChatRequest {
  /** The model name as the client sent it (an alias, `provider/model`, a bare model or a mapped name). */
  model: string;
  /** System prompt(s), joined. Kept apart from messages because half the providers want it apart. */
  system?: string;
  messages: Message[];
  tools?: ToolDef[];
  toolChoice?: ToolChoice;
  responseFormat?: ResponseFormat;
  temperature?: number;
  topP?: number;
  maxTokens?: number;
  stop?: string[];
  seed?: number;
  user?: string;
  stream: boolean;
  /** OpenAI `stream_options.include_usage`: emit a final usage chunk. Usage is recorded either way. */
  includeUsage?: boolean;
  /** Anthropic-style extended thinking budget, where the client asked for it. Every kind translates it. */
  thinkingBudget?: number;
  /** Sampling knobs beyond temperature/top_p that most kinds take (Ollama in `options`). */
  topK?: number;
  frequencyPenalty?: number;
  presencePenalty?: number;
  /**
   * What only some upstreams understand, namespaced by who understands it (the Vercel AI SDK's `providerOptions`):
   * `openai` holds OpenAI chat wire fields (`reasoning_effort`, `logit_bias`…), `anthropic` Messages fields
   * (`output_config`, `container`…), `ollama` /api/chat fields (`options: { min_p }`, `keep_alive`). An adapter
   * merges the namespaces its kind reads into the body it builds; the pipeline names the others as dropped
   * (core/provider-options.ts).
   */
  providerOptions?: Record<string, Record<string, unknown>>;
}

/**
 * The client's validated original body, for same-format pass-through: the adapter sends `body` (with the model
 * replaced) instead of rebuilding it from the internal request.
 */
export interface NativeBody {
  format: ClientFormat;
  body: Record<string, unknown>;
  /** Client headers that belong to the body's meaning (e.g. `anthropic-beta`), for a same-format upstream. */
  headers?: Record<string, string>;
}

/** What a provider adapter receives: the internal request with the concrete upstream model resolved. */
export interface ProviderRequest extends ChatRequest {
  /** Concrete model name at the upstream (no provider prefix). */
  upstreamModel: string;
  /**
   * Set only when the pipeline chose pass-through: the target speaks the client's format (`nativeFormat`). Then the
   * adapter sends this body, and its stream follows each frame's parts with the frame itself (`raw-frame`). A
   * fit() that removes it declines pass-through.
   */
  native?: NativeBody;
}

export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'error';

export interface Usage {
  inputTokens: number;
  outputTokens: number;
  /** Input tokens served from the upstream's own prompt cache, where reported. */
  cachedInputTokens?: number;
}

export interface ChatResponse {
  id: string;
  /** The model the upstream reports having used. */
  model: string;
  text: string;
  reasoning?: string;
  toolCalls: ToolCall[];
  finishReason: FinishReason;
  /** The stop sequence that ended the answer, where the upstream says which (Anthropic does). */
  stopSequence?: string;
  usage?: Usage;
  /** Unix seconds. */
  created: number;
}

/**
 * One part of a streamed answer: one flat union, after the Vercel AI SDK's stream parts. Text, reasoning and tool
 * calls are blocks keyed by `id`: a start, deltas, an end. Text and reasoning blocks follow each other (one open at
 * a time); tool calls may interleave (OpenAI streams parallel calls' argument chunks interleaved) and end at the
 * latest just before `finish`. `usage` may come before or after `finish` (OpenAI-wire upstreams send it last).
 * `error` ends a stream that failed after it started. `raw-frame` appears only when the pipeline chose pass-through
 * (the client and the upstream speak the same format): the upstream's own frame, after the parts decoded from it.
 */
export type StreamPart =
  | { type: 'response-start'; id: string; model: string; created: number }
  | { type: 'text-start'; id: string }
  | { type: 'text-delta'; id: string; delta: string }
  | { type: 'text-end'; id: string }
  | { type: 'reasoning-start'; id: string }
  | { type: 'reasoning-delta'; id: string; delta: string }
  | { type: 'reasoning-end'; id: string }
  | { type: 'tool-call-start'; id: string; name: string }
  | { type: 'tool-call-delta'; id: string; argumentsDelta: string }
  | { type: 'tool-call-end'; id: string }
  | { type: 'usage'; usage: Usage }
  | { type: 'finish'; reason: FinishReason; stopSequence?: string }
  | { type: 'error'; error: GatewayError }
  | { type: 'raw-frame'; data: string };

export interface ModelInfo {
  id: string;
  /** Where known (Ollama reports it). */
  sizeBytes?: number;
  family?: string;
  /** 'embedding' for models that only embed (never listed or routed as chat models); chat when unknown. */
  kind?: 'chat' | 'embedding';
  /** What the model can do, where the provider says (Ollama's /api/show: "completion", "tools", "thinking"…). */
  capabilities?: string[];
}

export interface EmbedRequest {
  upstreamModel: string;
  input: string[];
  dimensions?: number;
}

export interface EmbedResult {
  model: string;
  vectors: number[][];
  usage?: { inputTokens: number };
}
