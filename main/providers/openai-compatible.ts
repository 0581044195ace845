// One adapter for every kind that speaks OpenAI's chat API (openai, openrouter, gemini, groq… each kind's
// differences are in its kinds/ file; azure-openai extends it). The wire mapping is in openai-wire.ts, the stream in openai-stream.ts, what a target takes
// in openai-fit.ts and openai-models.ts.
import { GatewayError } from '../core/errors.js';
import type { CallContext, FittedRequest, Locality, Provider } from '../core/provider.js';
import type { ChatResponse, EmbedRequest, EmbedResult, ModelInfo, ProviderRequest, StreamPart } from '../core/types.js';
import type { StreamingResponse } from './http.js';
import type { CommonProviderOptions, OpenAIChatDialect } from './kinds/definition.js';
import type { ProviderKind } from './kinds/index.js';
import { HttpUpstream, protocolError } from './http.js';
import { fitOpenAIRequest, wireRules, type OpenAIWireRules } from './openai-fit.js';
import { LearnedOutputLimits, statedOutputLimit } from './openai-models.js';
import { openAIStreamParts } from './openai-stream.js';
import { fromOpenAIChatResponse, passThroughBody, toOpenAIChatBody, type OpenAIChatResponseWire } from './openai-wire.js';
import { applyTextToolCalls, holdBackTextToolCalls } from './text-tool-calls.js';

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
  /** Fields kept when passing a client's OpenAI body through. Default: the OpenAI chat API's. */
  passThroughFields?: ReadonlySet<string>;
  /** Turn tool calls written as text into real tool calls (off by default for this family). */
  parseTextToolCalls?: boolean;
  /** How this kind's server differs from the common OpenAI chat case (its definition's `openAIChat`). */
  openAIChat?: OpenAIChatDialect;
}

export class OpenAICompatibleProvider implements Provider {
  readonly id: string;
  readonly kind: ProviderKind;
  readonly locality: Locality;
  readonly nativeFormat = 'openai-chat' as const;
  readonly endpoint: string;
  protected readonly http: HttpUpstream;
  private readonly outputLimits = new LearnedOutputLimits();

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

  /** What this target takes on the wire for the model (openai-fit.ts). */
  rulesFor(model: string): OpenAIWireRules {
    return wireRules(this.opts.openAIChat ?? {}, model, this.outputLimits.get(model));
  }

  async fit(req: ProviderRequest): Promise<FittedRequest> {
    const fitted = fitOpenAIRequest(req, this.rulesFor(req.upstreamModel));
    // Tool calls written as text are rewritten on the way back, so the upstream's frames can't be passed through.
    if (this.textToolCalls(req) && fitted.request.native) fitted.request = { ...fitted.request, native: undefined };
    return fitted;
  }

  protected body(req: ProviderRequest, stream: boolean): Record<string, unknown> {
    const rules = this.rulesFor(req.upstreamModel);
    if (req.native?.format === 'openai-chat') {
      // A server that refuses unknown fields gets its own (fit() already left the others out and named them).
      return passThroughBody(req.native.body, req.upstreamModel, stream, rules.onlyFields ?? this.opts.passThroughFields, rules.streamUsageUnasked);
    }
    return toOpenAIChatBody(req, stream, rules);
  }

  /** An upstream 400 "max_tokens is too large … at most N completion tokens" teaches N (see learnFrom). */
  private learnLimit(err: unknown, model: string): unknown {
    return this.outputLimits.learnFrom(err, model, statedOutputLimit);
  }

  private chatPath(model: string): string {
    return this.opts.chatPath?.(model) ?? '/chat/completions';
  }

  private textToolCalls(req: ProviderRequest): boolean {
    return this.opts.parseTextToolCalls === true && (req.tools?.length ?? 0) > 0;
  }

  async chat(req: ProviderRequest, ctx: CallContext): Promise<ChatResponse> {
    const json = await this.http
      .json<OpenAIChatResponseWire>({ method: 'POST', path: this.chatPath(req.upstreamModel), body: this.body(req, false), signal: ctx.signal })
      .catch((err: unknown) => Promise.reject(this.learnLimit(err, req.upstreamModel)));
    const res = fromOpenAIChatResponse(json, this.http, req.upstreamModel);
    return this.textToolCalls(req) ? applyTextToolCalls(res, req.tools ?? []) : res;
  }

  stream(req: ProviderRequest, ctx: CallContext): AsyncIterable<StreamPart> {
    const send = (): Promise<StreamingResponse> =>
      this.http
        .send({ method: 'POST', path: this.chatPath(req.upstreamModel), body: this.body(req, true), signal: ctx.signal, headers: { accept: 'text/event-stream' } })
        .catch((err: unknown) => Promise.reject(this.learnLimit(err, req.upstreamModel)));
    const parts = openAIStreamParts(send, this.http, ctx, { fallbackModel: req.upstreamModel, passThrough: req.native !== undefined });
    return this.textToolCalls(req) ? holdBackTextToolCalls(parts, req.tools ?? []) : parts;
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
