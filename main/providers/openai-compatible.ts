// The OpenAI chat-completions wire: translation to and from the internal shape (exported for every adapter that
// speaks it: azure-openai, gemini), and one adapter for openai, openrouter, lmstudio, llamacpp and any
// OpenAI-compatible base URL.
import { GatewayError } from '../core/errors.js';
import type { CallContext, Locality, Provider, ProviderKind } from '../core/provider.js';
import type {
  ChatResponse,
  ContentPart,
  EmbedRequest,
  EmbedResult,
  FinishReason,
  Message,
  ModelInfo,
  ProviderRequest,
  StreamChunk,
  StreamEvent,
  ToolCall,
  Usage,
} from '../core/types.js';
import type { StreamingResponse } from './dispatch.js';
import type { CommonProviderOptions } from './factories.js';
import { HttpUpstream, protocolError, redact, transportError, type UpstreamIdentity } from './http.js';
import { SseReader, sseJson } from './sse.js';
import { applyTextToolCalls, holdBackTextToolCalls } from './text-tool-calls.js';

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

interface OpenAIMessageWire {
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
const openRouterFields: ReadonlySet<string> = new Set([...openAIChatFields, 'reasoning', 'provider', 'transforms', 'models', 'route', 'usage']);

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
    default: {
      const simple = m.content.every((p) => p.type === 'text');
      return { role: m.role, content: simple ? textOf(m.content) : m.content.map(partToWire) };
    }
  }
}

export interface OpenAIBodyOptions {
  stream: boolean;
  /** OpenAI's own API wants max_completion_tokens (reasoning models reject max_tokens); others take max_tokens. */
  maxTokensField?: 'max_tokens' | 'max_completion_tokens';
}

/** Builds an OpenAI chat-completions body from the internal request. */
export function toOpenAIChatBody(req: ProviderRequest, opts: OpenAIBodyOptions): Record<string, unknown> {
  const messages: Array<Record<string, unknown>> = [];
  if (req.system) messages.push({ role: 'system', content: req.system });
  for (const m of req.messages) messages.push(messageToWire(m));
  const body: Record<string, unknown> = { model: req.upstreamModel, messages };
  if (req.tools?.length) {
    body.tools = req.tools.map((t) => ({
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
  if (req.maxTokens !== undefined) body[opts.maxTokensField ?? 'max_tokens'] = req.maxTokens;
  if (req.stop?.length) body.stop = req.stop;
  if (req.seed !== undefined) body.seed = req.seed;
  if (req.user !== undefined) body.user = req.user;
  setStreamFields(body, opts.stream);
  return body;
}

/** The client's own OpenAI body, kept to fields the upstream understands, with our model and stream flags. */
export function passThroughBody(
  client: Record<string, unknown>,
  upstreamModel: string,
  stream: boolean,
  allowed: ReadonlySet<string> = openAIChatFields,
): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  // The client's few fields looked up in the allowed set, not the thirty allowed names looked up in the body.
  for (const k in client) {
    if (allowed.has(k) && client[k] !== undefined && k !== 'stream' && k !== 'stream_options') body[k] = client[k];
  }
  body.model = upstreamModel;
  setStreamFields(body, stream, client.stream_options);
  return body;
}

/** Sets the stream flags on a body that has none (`delete` would leave it a slow dictionary-mode object). */
function setStreamFields(body: Record<string, unknown>, stream: boolean, clientOptions?: unknown): void {
  if (!stream) return;
  body.stream = true;
  // Always ask for usage: the request log records tokens even when the client did not ask.
  body.stream_options = Object.assign({}, clientOptions, { include_usage: true });
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

function contentText(c: OpenAIMessageWire['content']): string {
  if (typeof c === 'string') return c;
  if (Array.isArray(c)) return c.map((p) => p.text ?? '').join('');
  return '';
}

function midStreamError(who: UpstreamIdentity, e: { message?: string; code?: string | number }): GatewayError {
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

/**
 * Turns chat.completion.chunk payloads into internal events, one chunk at a time. Events follow the upstream's
 * order: OpenAI sends `finish_reason` before its usage-only chunk, so for these upstreams `usage` may follow
 * `finish` (every encoder holds usage until the end).
 */
export class OpenAIStreamDecoder {
  private started = false;
  private readonly toolIds = new Map<number, string>();
  finished = false;

  constructor(
    private readonly who: UpstreamIdentity,
    private readonly fallbackModel: string,
  ) {}

  decode(data: string): StreamChunk {
    const d = sseJson<OpenAIChunkWire>(data, this.who);
    if (d === null || typeof d !== 'object') throw protocolError(this.who, `sent an unexpected event: ${data.slice(0, 80)}`);
    if (d.error) throw midStreamError(this.who, d.error);
    const events: StreamEvent[] = [];
    if (!this.started) {
      this.started = true;
      events.push({
        type: 'start',
        id: d.id ?? `chatcmpl-${Date.now().toString(36)}`,
        model: d.model ?? this.fallbackModel,
        created: d.created ?? Math.floor(Date.now() / 1000),
      });
    }
    let finish: FinishReason | undefined;
    const choice = d.choices?.[0];
    if (choice) {
      const delta = choice.delta ?? {};
      const reasoning = delta.reasoning_content ?? delta.reasoning;
      if (reasoning) events.push({ type: 'reasoning', delta: reasoning });
      const text = contentText(delta.content);
      if (text) events.push({ type: 'text', delta: text });
      if (delta.tool_calls) {
        delta.tool_calls.forEach((tc, pos) => {
          const index = tc.index ?? pos;
          if (!this.toolIds.has(index)) {
            const id = tc.id ?? `call_${index}`;
            this.toolIds.set(index, id);
            events.push({ type: 'tool_call_start', index, id, name: tc.function?.name ?? '' });
          }
          const args = tc.function?.arguments;
          if (args) events.push({ type: 'tool_call_delta', index, argumentsDelta: args });
        });
      }
      if (choice.finish_reason) finish = finishReasonFromOpenAI(choice.finish_reason);
    }
    const usage = usageFromOpenAI(d.usage);
    if (usage) events.push({ type: 'usage', usage });
    if (finish) {
      this.finished = true;
      events.push({ type: 'finish', reason: finish });
    }
    return { events, raw: { format: 'openai-chat', data } };
  }
}

/**
 * Starts a stream call and reads its OpenAI-wire SSE body into StreamChunks until `[DONE]`. One generator from the
 * upstream's bytes to the pipeline: every layer of async iteration costs a few µs before the first byte. Ends with
 * an upstream_protocol error when the stream stops before a finish; transport errors are mapped. Leaving the loop
 * early closes the upstream socket.
 */
export async function* openAIChunks(
  send: () => Promise<StreamingResponse>,
  http: HttpUpstream,
  ctx: CallContext,
  fallbackModel: string,
): AsyncGenerator<StreamChunk> {
  const res = await send();
  const type = String(res.headers['content-type'] ?? '');
  if (!type.includes('text/event-stream')) {
    // Some servers ignore `stream` and answer JSON; others answer an HTML page. Both are useless here.
    const text = await res.body.text().catch(() => '');
    if (type.includes('json') && text.trim() !== '') {
      const json = sseJson<OpenAIChatResponseWire>(text, http);
      yield* responseAsChunks(fromOpenAIChatResponse(json, http, fallbackModel));
      return;
    }
    throw protocolError(http, `answered a stream request with ${type || 'no content type'}${text.trim() ? '' : ' and an empty body'}`);
  }
  const decoder = new OpenAIStreamDecoder(http, fallbackModel);
  const sse = new SseReader(http);
  let done = false;
  let ended = false;
  try {
    for await (const bytes of res.body) {
      for (const ev of sse.push(bytes)) {
        // After [DONE], read on to the end of the body rather than break: breaking destroys the body, and with
        // it a keep-alive connection that the next request would have reused.
        if (done) continue;
        if (ev.data === '[DONE]') done = true;
        else yield decoder.decode(ev.data);
      }
    }
    ended = true;
  } catch (err) {
    throw transportError(err, http, { clientAborted: ctx.signal.aborted, timeouts: http.timeouts });
  } finally {
    // A consumer that stopped early: close the upstream connection instead of leaving a body unread.
    if (!ended) res.body.destroy();
  }
  if (decoder.finished) return;
  // `[DONE]` without a finish_reason (seen from some local servers) is still a clean end; silence is not.
  if (done) yield { events: [{ type: 'finish', reason: 'stop' }] };
  else throw protocolError(http, 'ended the stream before it finished');
}

// ---------------------------------------------------------------------------------------------------------
// The adapter

/** The common options (base URL normalised, see defaults.normalizeOpenAIBaseUrl), plus this family's variations. */
export interface OpenAICompatibleOptions extends Omit<CommonProviderOptions, 'headers'> {
  /** Extra headers (user settings); they override ours. */
  headers?: Record<string, string>;
  /** How the key is sent. Default `Authorization: Bearer`. */
  authHeaders?: (apiKey: string) => Record<string, string>;
  /** Appended to every request path (e.g. Azure's `api-version=2024-10-21`). */
  query?: string;
  /** The chat path for a model, relative to the base URL. Default `/chat/completions`. */
  chatPath?: (upstreamModel: string) => string;
  embeddingsPath?: (upstreamModel: string) => string;
  maxTokensField?: 'max_tokens' | 'max_completion_tokens';
  /** Fields kept when passing a client's OpenAI body through. Default: the OpenAI chat API's. */
  passThroughFields?: ReadonlySet<string>;
  /** Turn tool calls written as text into real tool calls (off by default for this family). */
  parseTextToolCalls?: boolean;
}

const OPENROUTER_HEADERS = { 'HTTP-Referer': 'https://github.com/vishalveerareddy123/Lynkr', 'X-Title': 'Lynkr Desktop' };

/** Per-kind options of the OpenAI family (what differs between openai, openrouter, lmstudio, ...). */
export function openAIKindOptions(kind: ProviderKind): Partial<OpenAICompatibleOptions> {
  switch (kind) {
    case 'openai':
      return { maxTokensField: 'max_completion_tokens' };
    case 'openrouter':
      return { headers: OPENROUTER_HEADERS, passThroughFields: openRouterFields };
    default:
      return {};
  }
}

export class OpenAICompatibleProvider implements Provider {
  readonly id: string;
  readonly kind: ProviderKind;
  readonly locality: Locality;
  readonly nativeFormat = 'openai-chat' as const;
  readonly endpoint: string;
  protected readonly http: HttpUpstream;

  constructor(protected readonly opts: OpenAICompatibleOptions) {
    this.id = opts.id;
    this.kind = opts.kind;
    this.locality = opts.locality;
    const auth = opts.apiKey ? (opts.authHeaders ?? ((k: string) => ({ authorization: `Bearer ${k}` })))(opts.apiKey) : {};
    this.http = new HttpUpstream({
      provider: opts.id,
      baseUrl: opts.baseUrl,
      timeouts: opts.timeouts,
      headers: { ...auth, ...opts.headers },
      secrets: opts.apiKey ? [opts.apiKey] : [],
      query: opts.query,
    });
    this.endpoint = this.http.endpoint;
  }

  protected body(req: ProviderRequest, stream: boolean): Record<string, unknown> {
    if (req.native?.format === 'openai-chat') {
      return passThroughBody(req.native.body, req.upstreamModel, stream, this.opts.passThroughFields);
    }
    return toOpenAIChatBody(req, { stream, maxTokensField: this.opts.maxTokensField });
  }

  private chatPath(model: string): string {
    return this.opts.chatPath?.(model) ?? '/chat/completions';
  }

  private textToolCalls(req: ProviderRequest): boolean {
    return this.opts.parseTextToolCalls === true && (req.tools?.length ?? 0) > 0;
  }

  async chat(req: ProviderRequest, ctx: CallContext): Promise<ChatResponse> {
    const json = await this.http.json<OpenAIChatResponseWire>({
      method: 'POST',
      path: this.chatPath(req.upstreamModel),
      body: this.body(req, false),
      signal: ctx.signal,
    });
    const res = fromOpenAIChatResponse(json, this.http, req.upstreamModel);
    return this.textToolCalls(req) ? applyTextToolCalls(res, req.tools ?? []) : res;
  }

  stream(req: ProviderRequest, ctx: CallContext): AsyncIterable<StreamChunk> {
    const send = (): Promise<StreamingResponse> =>
      this.http.send({
        method: 'POST',
        path: this.chatPath(req.upstreamModel),
        body: this.body(req, true),
        signal: ctx.signal,
        headers: { accept: 'text/event-stream' },
      });
    const chunks = openAIChunks(send, this.http, ctx, req.upstreamModel);
    return this.textToolCalls(req) ? holdBackTextToolCalls(chunks, req.tools ?? []) : chunks;
  }

  async listModels(ctx: CallContext): Promise<ModelInfo[]> {
    const json = await this.http.json<{ data?: Array<{ id?: string }> }>({ method: 'GET', path: '/models', signal: ctx.signal });
    if (!Array.isArray(json.data)) throw protocolError(this.http, 'returned a model list without `data`');
    return json.data.filter((m) => typeof m.id === 'string').map((m) => ({ id: m.id as string }));
  }

  async embed(req: EmbedRequest, ctx: CallContext): Promise<EmbedResult> {
    const json = await this.http.json<{
      data?: Array<{ index?: number; embedding?: number[] }>;
      model?: string;
      usage?: { prompt_tokens?: number };
    }>({
      method: 'POST',
      path: this.opts.embeddingsPath?.(req.upstreamModel) ?? '/embeddings',
      body: { model: req.upstreamModel, input: req.input, encoding_format: 'float', ...(req.dimensions ? { dimensions: req.dimensions } : {}) },
      signal: ctx.signal,
    });
    if (!Array.isArray(json.data)) throw protocolError(this.http, 'returned embeddings without `data`');
    const vectors = [...json.data].sort((a, b) => (a.index ?? 0) - (b.index ?? 0)).map((d) => d.embedding ?? []);
    return {
      model: json.model ?? req.upstreamModel,
      vectors,
      ...(json.usage?.prompt_tokens !== undefined ? { usage: { inputTokens: json.usage.prompt_tokens } } : {}),
    };
  }

  close(): Promise<void> {
    return this.http.close();
  }
}

/** A complete response replayed as stream chunks (for upstreams that answer a stream request with JSON). */
export function* responseAsChunks(r: ChatResponse): Generator<StreamChunk> {
  const events: StreamEvent[] = [{ type: 'start', id: r.id, model: r.model, created: r.created }];
  if (r.reasoning) events.push({ type: 'reasoning', delta: r.reasoning });
  if (r.text) events.push({ type: 'text', delta: r.text });
  r.toolCalls.forEach((c, index) => {
    events.push({ type: 'tool_call_start', index, id: c.id, name: c.name });
    if (c.arguments) events.push({ type: 'tool_call_delta', index, argumentsDelta: c.arguments });
  });
  if (r.usage) events.push({ type: 'usage', usage: r.usage });
  events.push({ type: 'finish', reason: r.finishReason });
  yield { events };
}
