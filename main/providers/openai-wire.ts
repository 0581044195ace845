// The OpenAI chat-completions wire: the internal request as an OpenAI body (or the client's own body passed
// through), and OpenAI's answers as internal responses. Shared by every adapter that speaks it (openai-compatible,
// azure-openai, gemini). What a target can take is decided before this, in openai-fit.ts.
import { GatewayError } from '../core/errors.js';
import type { ChatResponse, ContentPart, FinishReason, Message, ProviderRequest, ToolCall, Usage } from '../core/types.js';
import { protocolError, redact, type UpstreamIdentity } from './http.js';
import { fitOpenAIOptions, type OpenAIWireRules } from './openai-fit.js';
import { mergeOptions, optionsIn } from '../core/provider-options.js';

// ---------------------------------------------------------------------------------------------------------
// Wire shapes (the parts we read or write)

export interface OpenAIToolCallWire {
  index?: number;
  id?: string;
  type?: 'function';
  function?: { name?: string; arguments?: string };
}

export interface OpenAIUsageWire {
  prompt_tokens?: number;
  completion_tokens?: number;
  prompt_tokens_details?: { cached_tokens?: number } | null;
}

export interface OpenAIMessageWire {
  role?: string;
  content?: string | null | Array<{ type: string; text?: string }>;
  reasoning_content?: string | null;
  reasoning?: string | null;
  tool_calls?: OpenAIToolCallWire[] | null;
}

export interface OpenAIChatResponseWire {
  id?: string;
  model?: string;
  created?: number;
  choices?: Array<{ message?: OpenAIMessageWire; finish_reason?: string | null }>;
  usage?: OpenAIUsageWire | null;
  error?: { message?: string; code?: string | number };
}

export interface OpenAIChunkWire {
  id?: string;
  model?: string;
  created?: number;
  choices?: Array<{ index?: number; delta?: OpenAIMessageWire; finish_reason?: string | null }>;
  usage?: OpenAIUsageWire | null;
  error?: { message?: string; code?: string | number };
}

/** Fields of the OpenAI chat API that we forward when passing a client's body through. */
export const openAIChatFields: ReadonlySet<string> = new Set([
  'model', 'messages', 'frequency_penalty', 'presence_penalty', 'logit_bias', 'logprobs', 'top_logprobs',
  'max_tokens', 'max_completion_tokens', 'response_format', 'seed', 'stop', 'stream', 'stream_options',
  'temperature', 'top_p', 'tools', 'tool_choice', 'parallel_tool_calls', 'user', 'reasoning_effort',
  'modalities', 'audio', 'prediction', 'service_tier', 'store', 'metadata', 'verbosity', 'web_search_options',
]);

/** The same, with OpenRouter's extensions of the chat API. */
export const openRouterFields: ReadonlySet<string> = new Set([...openAIChatFields, 'reasoning', 'provider', 'transforms', 'models', 'route', 'usage']);

// ---------------------------------------------------------------------------------------------------------
// Internal → OpenAI

function partToWire(p: ContentPart): Record<string, unknown> {
  switch (p.type) {
    case 'text':
      return { type: 'text', text: p.text };
    case 'image':
      return { type: 'image_url', image_url: { url: p.url ?? `data:${p.mediaType ?? 'image/png'};base64,${p.data ?? ''}` } };
    case 'document':
      return { type: 'file', file: { filename: p.title ?? 'document', file_data: `data:${p.mediaType};base64,${p.data}` } };
  }
}

const textOf = (parts: ContentPart[]): string => parts.map((p) => (p.type === 'text' ? p.text : '')).join('');

function messageToWire(m: Message): Record<string, unknown> {
  switch (m.role) {
    case 'tool':
      return { role: 'tool', tool_call_id: m.toolCallId ?? '', content: textOf(m.content) };
    case 'assistant': {
      const text = textOf(m.content);
      const out: Record<string, unknown> = { role: 'assistant', content: text === '' && m.toolCalls?.length ? null : text };
      if (m.toolCalls?.length) {
        out.tool_calls = m.toolCalls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } }));
      }
      return out;
    }
    case 'system':
      // A system message in the middle of a conversation (Claude Code's mid-conversation-system) stays where it
      // is. OpenAI takes text only there (openai-node: ChatCompletionSystemMessageParam.content).
      return { role: 'system', content: textOf(m.content) };
    default: {
      const simple = m.content.every((p) => p.type === 'text');
      return { role: m.role, content: simple ? textOf(m.content) : m.content.map(partToWire) };
    }
  }
}

/**
 * The messages on the wire. A `tool` message carries text only: openai-node's ChatCompletionToolMessageParam
 * takes `string | ChatCompletionContentPartText[]`, and OpenAI answers an image there with 400 "Image URLs are
 * only allowed for messages with role 'user', but this message with role 'tool' contains an image URL.". So the
 * images and documents of a run of tool messages follow it in one `user` message (the run must stay unbroken
 * after the assistant's tool_calls).
 */
function messagesToWire(req: ProviderRequest): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  if (req.system) out.push({ role: 'system', content: req.system });
  let held: Array<Record<string, unknown>> = [];
  const flush = (): void => {
    if (held.length) out.push({ role: 'user', content: held });
    held = [];
  };
  for (const m of req.messages) {
    if (m.role !== 'tool') flush();
    const wire = messageToWire(m);
    if (m.role === 'tool') {
      const attached = m.content.filter((p) => p.type !== 'text');
      if (attached.length) {
        if (wire.content === '') wire.content = `(${attached.length === 1 ? 'attachment' : 'attachments'} in the next message)`;
        for (const p of attached) held.push(partToWire(p));
      }
    }
    out.push(wire);
  }
  flush();
  return out;
}

/** Builds an OpenAI chat-completions body from the internal (already fitted) request. */
export function toOpenAIChatBody(req: ProviderRequest, stream: boolean, rules: OpenAIWireRules): Record<string, unknown> {
  const body: Record<string, unknown> = { model: req.upstreamModel, messages: messagesToWire(req) };
  const tools = req.tools?.length ? req.tools : undefined;
  if (tools) {
    body.tools = tools.map((t) => ({
      type: 'function',
      function: { name: t.name, ...(t.description ? { description: t.description } : {}), parameters: t.parameters },
    }));
  }
  if (req.toolChoice !== undefined) {
    body.tool_choice = typeof req.toolChoice === 'string' ? req.toolChoice : { type: 'function', function: { name: req.toolChoice.name } };
  }
  const rf = req.responseFormat;
  if (rf) {
    body.response_format =
      rf.type === 'json_schema'
        ? { type: 'json_schema', json_schema: { name: rf.name, schema: rf.schema, ...(rf.strict !== undefined ? { strict: rf.strict } : {}) } }
        : { type: rf.type };
  }
  if (req.temperature !== undefined) body.temperature = req.temperature;
  if (req.topP !== undefined) body.top_p = req.topP;
  if (req.frequencyPenalty !== undefined) body.frequency_penalty = req.frequencyPenalty;
  if (req.presencePenalty !== undefined) body.presence_penalty = req.presencePenalty;
  if (req.topK !== undefined && rules.topK) body.top_k = req.topK;
  if (req.maxTokens !== undefined) body[rules.maxTokensField] = req.maxTokens;
  if (req.stop?.length) body.stop = req.stop;
  if (req.seed !== undefined) body[rules.seedField ?? 'seed'] = req.seed;
  if (req.user !== undefined) body.user = req.user;
  // The `openai` options (reasoning_effort, parallel_tool_calls, logit_bias…), under OpenAI's rules (openai-fit.ts).
  mergeOptions(body, fitOpenAIOptions(optionsIn(req, 'openai'), rules, tools !== undefined));
  setStreamFields(body, stream, undefined, rules.streamUsageUnasked);
  return body;
}

/** The client's own OpenAI body (already fitted), kept to fields the upstream understands, with our model and stream flags. */
export function passThroughBody(
  client: Record<string, unknown>,
  upstreamModel: string,
  stream: boolean,
  allowed: ReadonlySet<string> = openAIChatFields,
  streamUsageUnasked = false,
): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  // The client's few fields looked up in the allowed set, not the thirty allowed names looked up in the body.
  for (const k in client) {
    if (allowed.has(k) && client[k] !== undefined && k !== 'stream' && k !== 'stream_options') body[k] = client[k];
  }
  body.model = upstreamModel;
  setStreamFields(body, stream, client.stream_options, streamUsageUnasked);
  return body;
}

/** Sets the stream flags on a body that has none (`delete` would leave it a slow dictionary-mode object). */
function setStreamFields(body: Record<string, unknown>, stream: boolean, clientOptions: unknown, usageUnasked = false): void {
  if (!stream) return;
  body.stream = true;
  // Always ask for usage: the request log records tokens even when the client did not ask. A server that sends it
  // unasked (Mistral) refuses the field.
  if (!usageUnasked) body.stream_options = Object.assign({}, clientOptions, { include_usage: true });
}

// ---------------------------------------------------------------------------------------------------------
// OpenAI → internal

export function finishReasonFromOpenAI(reason: string | null | undefined): FinishReason {
  switch (reason) {
    case 'length':
      return 'length';
    case 'tool_calls':
    case 'function_call':
      return 'tool_calls';
    case 'content_filter':
      return 'content_filter';
    case 'error':
      return 'error';
    default:
      return 'stop';
  }
}

export function usageFromOpenAI(u: OpenAIUsageWire | null | undefined): Usage | undefined {
  if (!u || (u.prompt_tokens === undefined && u.completion_tokens === undefined)) return undefined;
  const usage: Usage = { inputTokens: u.prompt_tokens ?? 0, outputTokens: u.completion_tokens ?? 0 };
  const cached = u.prompt_tokens_details?.cached_tokens;
  if (cached) usage.cachedInputTokens = cached;
  return usage;
}

export function contentText(c: OpenAIMessageWire['content']): string {
  if (typeof c === 'string') return c;
  if (Array.isArray(c)) return c.map((p) => p.text ?? '').join('');
  return '';
}

export function midStreamError(who: UpstreamIdentity, e: { message?: string; code?: string | number }): GatewayError {
  const status = typeof e.code === 'number' && e.code >= 400 && e.code < 600 ? e.code : 502;
  return new GatewayError({
    kind: status === 429 ? 'rate_limited' : 'upstream_http',
    status,
    upstreamStatus: status,
    provider: who.provider,
    message: `${who.provider} reported an error: ${redact(e.message ?? 'unknown error', who.secrets)}`,
  });
}

/** Translates a chat-completions response; a body without choices is an upstream_protocol error. */
export function fromOpenAIChatResponse(json: OpenAIChatResponseWire, who: UpstreamIdentity, fallbackModel: string): ChatResponse {
  if (json === null || typeof json !== 'object') throw protocolError(who, 'returned JSON that is not a chat completion');
  if (json.error) throw midStreamError(who, json.error);
  const choice = Array.isArray(json.choices) ? json.choices[0] : undefined;
  if (!choice || typeof choice !== 'object') throw protocolError(who, 'returned a response without choices');
  const msg = choice.message ?? {};
  const toolCalls: ToolCall[] = (msg.tool_calls ?? []).map((c, i) => ({
    id: c.id ?? `call_${i}`,
    name: c.function?.name ?? '',
    arguments: c.function?.arguments ?? '',
  }));
  const reasoning = msg.reasoning_content ?? msg.reasoning ?? undefined;
  return {
    id: json.id ?? `chatcmpl-${Date.now().toString(36)}`,
    model: json.model ?? fallbackModel,
    created: json.created ?? Math.floor(Date.now() / 1000),
    text: contentText(msg.content),
    ...(reasoning ? { reasoning } : {}),
    toolCalls,
    finishReason: toolCalls.length && !choice.finish_reason ? 'tool_calls' : finishReasonFromOpenAI(choice.finish_reason),
    usage: usageFromOpenAI(json.usage),
  };
}
