// Ollama's chat and embeddings over the shared bounded HTTP layer (http.ts): /api/chat answers are read with the
// body cap, its NDJSON streams line by line with the line cap (ndjson.ts), each line parsed once. The `ollama` npm
// package is left to management (main/ollama/: pulls, running models); here only its wire types are used.
import type { ChatResponse as OllamaChatResponse, EmbedResponse, ListResponse } from 'ollama';
import { GatewayError } from '../core/errors.js';
import type { CallContext, FittedRequest, Locality, Provider } from '../core/provider.js';
import type { ChatResponse, EmbedRequest, EmbedResult, ModelInfo, ProviderRequest, StreamPart } from '../core/types.js';
import { PartSequencer } from '../core/stream-parts.js';
import { HttpUpstream, protocolError, transportError, type HttpTimeouts, type SendOptions, type UpstreamIdentity } from './http.js';
import { canonicalModel, modelKind, OllamaFactsCache } from './ollama-capabilities.js';
import { withStartHint } from '../ollama/not-running.js';
import { NdjsonReader } from './ndjson.js';
import { fitToModel } from './ollama-fit.js';
import { createdOf, finishOf, fromOllamaChatResponse, newId, toOllamaChatRequest } from './ollama-wire.js';
import { applyTextToolCalls, holdBackTextToolCalls } from './text-tool-calls.js';

export interface OllamaProviderOptions {
  id: string;
  /** Normalised base URL, e.g. http://localhost:11434. */
  baseUrl: string;
  locality: Locality;
  timeouts: HttpTimeouts;
  keepAlive?: string;
  headers?: Record<string, string>;
  /** Default true for Ollama. */
  parseTextToolCalls?: boolean;
}

/** An `{"error": "..."}` in a 200 answer or mid-stream (Ollama's way of failing once it has started). */
function reportedError(who: UpstreamIdentity, body: unknown): GatewayError | undefined {
  const error = body && typeof body === 'object' ? (body as { error?: unknown }).error : undefined;
  if (typeof error !== 'string') return undefined;
  return new GatewayError({ kind: 'upstream_http', status: 502, provider: who.provider, message: `${who.provider} reported an error: ${error}` });
}

/** One /api/chat stream line at a time into stream parts. */
class OllamaStreamDecoder {
  private readonly id = newId('chatcmpl-');
  private readonly seq = new PartSequencer();
  private started = false;
  private madeCalls = false;
  done = false;

  constructor(private readonly who: UpstreamIdentity) {}

  decode(line: unknown): StreamPart[] {
    const reported = reportedError(this.who, line);
    if (reported) throw reported;
    if (!line || typeof line !== 'object') throw protocolError(this.who, `sent an unexpected NDJSON line: ${JSON.stringify(line).slice(0, 80)}`);
    const part = line as OllamaChatResponse;
    const parts: StreamPart[] = [];
    if (!this.started) {
      this.started = true;
      parts.push({ type: 'response-start', id: this.id, model: part.model, created: createdOf(part) });
    }
    const m = part.message;
    if (m?.thinking) parts.push(...this.seq.reasoning(m.thinking));
    if (m?.content) parts.push(...this.seq.text(m.content));
    // Ollama sends each tool call whole, in one line.
    for (const c of m?.tool_calls ?? []) {
      const id = newId('call_');
      this.madeCalls = true;
      parts.push(...this.seq.toolCallStart(id, c.function.name), ...this.seq.toolCallDelta(id, JSON.stringify(c.function.arguments ?? {})), ...this.seq.toolCallEnd(id));
    }
    if (part.done) {
      this.done = true;
      parts.push(...this.seq.usage({ inputTokens: part.prompt_eval_count ?? 0, outputTokens: part.eval_count ?? 0 }));
      parts.push(...this.seq.finish(finishOf(part.done_reason, this.madeCalls)));
    }
    return parts;
  }
}

/** /api/show reads a manifest and the model's metadata: quick, unless Ollama is in trouble. */
const SHOW_TIMEOUT_MS = 5_000;

export class OllamaProvider implements Provider {
  readonly id: string;
  readonly kind = 'ollama' as const;
  readonly locality: Locality;
  readonly endpoint: string;
  private readonly http: HttpUpstream;
  private readonly parseText: boolean;
  /** What each model can do, from /api/show. */
  private readonly facts: OllamaFactsCache;
  /** The largest num_ctx sent per model: a smaller one would reload the model for nothing. */
  private readonly numCtxInUse = new Map<string, number>();

  constructor(private readonly opts: OllamaProviderOptions) {
    this.id = opts.id;
    this.locality = opts.locality;
    this.http = new HttpUpstream({ provider: opts.id, baseUrl: opts.baseUrl, timeouts: opts.timeouts, headers: opts.headers });
    this.endpoint = this.http.endpoint;
    this.parseText = opts.parseTextToolCalls ?? true;
    this.facts = new OllamaFactsCache((model) => this.show(model));
  }

  /** /api/show under its own short deadline, never a client's signal: one lookup serves every request for the model. */
  private show(model: string): Promise<unknown> {
    const deadlineMs = Math.min(this.http.timeouts.upstreamTimeoutMs, SHOW_TIMEOUT_MS);
    return this.json({ method: 'POST', path: '/api/show', body: { model }, signal: new AbortController().signal, deadlineMs });
  }

  async fit(req: ProviderRequest): Promise<FittedRequest> {
    const facts = await this.facts.get(req.upstreamModel);
    const key = canonicalModel(req.upstreamModel);
    const fitted = fitToModel(req, facts, this.id, this.numCtxInUse.get(key));
    const numCtx = fitted.request.ollamaNumCtx;
    if (numCtx !== undefined && numCtx > (this.numCtxInUse.get(key) ?? 0)) this.numCtxInUse.set(key, numCtx);
    return fitted;
  }

  /** Any failure as a GatewayError: a refused connection says how to start Ollama; a refused model is looked up again. */
  private failure(err: unknown, signal: CallContext['signal'], model?: string): GatewayError {
    const e = withStartHint(transportError(err, this.http, { clientAborted: signal.aborted, timeouts: this.http.timeouts }), this.endpoint);
    // Ollama refused what the cached capabilities allowed (the model was re-pulled or replaced): look again next time.
    if (model !== undefined && e.upstreamStatus === 400 && /does not support/.test(e.message)) this.facts.forget(model);
    return e;
  }

  /** A non-streaming call (whole-call deadline, body cap); an `error` field in a 200 answer is a failure too. */
  private async json<T>(o: SendOptions, model?: string): Promise<T> {
    let body: T;
    try {
      body = await this.http.json<T>(o);
    } catch (err) {
      throw this.failure(err, o.signal, model);
    }
    const reported = reportedError(this.http, body);
    if (reported) throw reported;
    return body;
  }

  private useTextToolCalls(req: ProviderRequest): boolean {
    return this.parseText && (req.tools?.length ?? 0) > 0 && req.toolChoice !== 'none';
  }

  async chat(req: ProviderRequest, ctx: CallContext): Promise<ChatResponse> {
    const body = { stream: false, ...toOllamaChatRequest(req, this.http, this.opts.keepAlive) };
    const r = await this.json<OllamaChatResponse>({ method: 'POST', path: '/api/chat', body, signal: ctx.signal }, req.upstreamModel);
    const res = fromOllamaChatResponse(r, this.http);
    return this.useTextToolCalls(req) ? applyTextToolCalls(res, req.tools ?? []) : res;
  }

  stream(req: ProviderRequest, ctx: CallContext): AsyncIterable<StreamPart> {
    const parts = this.streamParts(req, ctx);
    return this.useTextToolCalls(req) ? holdBackTextToolCalls(parts, req.tools ?? []) : parts;
  }

  /**
   * /api/chat's NDJSON stream into stream parts, one generator from the upstream's bytes to the pipeline. After the
   * `done` line the body is read to its end (it ends right after), so the keep-alive connection is reused; a
   * consumer that stops early closes it.
   */
  private async *streamParts(req: ProviderRequest, ctx: CallContext): AsyncGenerator<StreamPart> {
    const body = { stream: true, ...toOllamaChatRequest(req, this.http, this.opts.keepAlive) };
    let res;
    try {
      res = await this.http.send({ method: 'POST', path: '/api/chat', body, signal: ctx.signal });
    } catch (err) {
      throw this.failure(err, ctx.signal, req.upstreamModel);
    }
    const lines = new NdjsonReader(this.http, this.http.timeouts.maxEventBytes);
    const decoder = new OllamaStreamDecoder(this.http);
    let ended = false;
    try {
      for await (const bytes of res.body) {
        for (const line of lines.push(bytes)) if (!decoder.done) yield* decoder.decode(line);
      }
      for (const line of lines.end()) if (!decoder.done) yield* decoder.decode(line);
      ended = true;
    } catch (err) {
      throw this.failure(err, ctx.signal, req.upstreamModel);
    } finally {
      if (!ended) res.body.destroy();
    }
    if (!decoder.done) throw protocolError(this.http, 'ended the stream before it was done');
  }

  async listModels(ctx: CallContext): Promise<ModelInfo[]> {
    const r = await this.json<ListResponse>({ method: 'GET', path: '/api/tags', signal: ctx.signal });
    if (!Array.isArray(r?.models)) throw protocolError(this.http, 'returned /api/tags without `models`');
    // /api/tags has no capabilities; /api/show has (cached, and a failed lookup falls back on the family).
    return Promise.all(
      r.models.map(async (m) => {
        const family = m.details?.family;
        const facts = await this.facts.get(m.name);
        const capabilities = facts.capabilities && [...facts.capabilities];
        return { id: m.name, sizeBytes: m.size, family, kind: modelKind(m.name, facts, family), ...(capabilities ? { capabilities } : {}) };
      }),
    );
  }

  async embed(req: EmbedRequest, ctx: CallContext): Promise<EmbedResult> {
    const body = {
      model: req.upstreamModel,
      input: req.input,
      ...(req.dimensions ? { dimensions: req.dimensions } : {}),
      ...(this.opts.keepAlive !== undefined ? { keep_alive: this.opts.keepAlive } : {}),
    };
    const r = await this.json<EmbedResponse>({ method: 'POST', path: '/api/embed', body, signal: ctx.signal });
    if (!Array.isArray(r?.embeddings)) throw protocolError(this.http, 'returned /api/embed without `embeddings`');
    return { model: r.model ?? req.upstreamModel, vectors: r.embeddings, usage: { inputTokens: r.prompt_eval_count ?? 0 } };
  }

  close(): Promise<void> {
    return this.http.close();
  }
}
