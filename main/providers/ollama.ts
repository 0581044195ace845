// Ollama through the `ollama` npm client. The client is given a fetch bound to our undici pool and to the call's
// signal (so a client disconnect aborts the upstream, and HTTP errors never reach the library), plus a guard that
// turns invalid or truncated NDJSON into upstream_protocol errors instead of the library's console warnings.
import { Ollama } from 'ollama';
import { GatewayError } from '../core/errors.js';
import type { CallContext, FittedRequest, Locality, Provider } from '../core/provider.js';
import type { ChatResponse, EmbedRequest, EmbedResult, ModelInfo, ProviderRequest, StreamChunk, StreamEvent } from '../core/types.js';
import { HttpUpstream, parseJsonBody, protocolError, transportError, withDeadline, type HttpTimeouts, type UpstreamIdentity } from './http.js';
import { canonicalModel, modelKind, OllamaFactsCache } from './ollama-capabilities.js';
import { withStartHint } from '../ollama/not-running.js';
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

/** Checks each NDJSON line as it passes (bytes go through untouched); a bad or truncated line errors the stream. */
function ndjsonGuard(who: UpstreamIdentity): TransformStream<Uint8Array, Uint8Array> {
  const decoder = new TextDecoder();
  let partial = '';
  const check = (line: string): void => {
    if (line.trim() === '') return;
    try {
      JSON.parse(line);
    } catch (err) {
      throw protocolError(who, `sent an invalid NDJSON line: ${line.slice(0, 80)}`, err);
    }
  };
  return new TransformStream({
    transform(chunk, controller) {
      const lines = (partial + decoder.decode(chunk, { stream: true })).split('\n');
      partial = lines.pop() ?? '';
      for (const l of lines) check(l);
      controller.enqueue(chunk);
    },
    flush() {
      if (partial.trim() === '') return;
      try {
        JSON.parse(partial);
      } catch (err) {
        throw protocolError(who, 'ended the stream in the middle of an NDJSON line', err);
      }
    },
  });
}

/** Maps what the ollama library throws (its own plain Errors included) to a GatewayError. */
function ollamaError(err: unknown, who: UpstreamIdentity, why: Parameters<typeof transportError>[2]): GatewayError {
  if (!(err instanceof GatewayError) && err instanceof Error && !why?.clientAborted && why?.deadlineMs === undefined) {
    if (/Did not receive done/i.test(err.message)) return protocolError(who, 'ended the stream before it was done', err);
    if (err instanceof SyntaxError) return protocolError(who, 'returned invalid JSON', err);
    if (err.name === 'Error' && !(err as { code?: unknown }).code && !err.cause) {
      // An `{"error": "..."}` line mid-stream.
      return new GatewayError({ kind: 'upstream_http', status: 502, provider: who.provider, message: `${who.provider} reported an error: ${err.message}`, cause: err });
    }
  }
  return withStartHint(transportError(err, who, why), who.endpoint);
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
    const ms = Math.min(this.http.timeouts.upstreamTimeoutMs, SHOW_TIMEOUT_MS);
    return this.once({ signal: new AbortController().signal, requestId: 'ollama-show' }, (c) => c.show({ model }), ms);
  }

  async fit(req: ProviderRequest): Promise<FittedRequest> {
    const facts = await this.facts.get(req.upstreamModel);
    const key = canonicalModel(req.upstreamModel);
    const fitted = fitToModel(req, facts, this.id, this.numCtxInUse.get(key));
    const numCtx = fitted.request.ollamaNumCtx;
    if (numCtx !== undefined && numCtx > (this.numCtxInUse.get(key) ?? 0)) this.numCtxInUse.set(key, numCtx);
    return fitted;
  }

  /** Ollama refused what the cached capabilities allowed (the model was re-pulled or replaced): look again next time. */
  private noteRefusal(err: GatewayError, model: string): GatewayError {
    if (err.upstreamStatus === 400 && /does not support/.test(err.message)) this.facts.forget(model);
    return err;
  }

  /** A client whose every request carries `signal`, and whose response bodies are checked. */
  private client(signal: AbortSignal, wholeCall: boolean): Ollama {
    const base = this.http.fetchWith(signal, wholeCall);
    const who = this.http;
    const guarded = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
      const res = await base(input, init);
      const type = res.headers.get('content-type') ?? '';
      if (type.includes('ndjson') && res.body) {
        return new Response(res.body.pipeThrough(ndjsonGuard(who)), { status: res.status, headers: res.headers });
      }
      const text = await res.text();
      parseJsonBody(who, text, type); // throws on empty / HTML / invalid
      return new Response(text, { status: res.status, headers: { 'content-type': 'application/json' } });
    };
    // The endpoint carries no credentials (fetch refuses URLs with them); HttpUpstream sends them as a header.
    return new Ollama({ host: this.endpoint, fetch: guarded as typeof fetch });
  }

  /** A non-streaming call under the whole-call deadline (or a shorter one). */
  private async once<T>(ctx: CallContext, call: (client: Ollama) => Promise<T>, deadlineMs = this.http.timeouts.upstreamTimeoutMs): Promise<T> {
    const d = withDeadline(ctx.signal, deadlineMs);
    try {
      return await call(this.client(d.signal, true));
    } catch (err) {
      throw ollamaError(err, this.http, {
        deadlineMs: d.fired() ? deadlineMs : undefined,
        clientAborted: ctx.signal.aborted,
        timeouts: this.http.timeouts,
      });
    } finally {
      d.clear();
    }
  }

  private useTextToolCalls(req: ProviderRequest): boolean {
    return this.parseText && (req.tools?.length ?? 0) > 0 && req.toolChoice !== 'none';
  }

  async chat(req: ProviderRequest, ctx: CallContext): Promise<ChatResponse> {
    const body = toOllamaChatRequest(req, this.http, this.opts.keepAlive);
    // `stream` first: fields after a spread take V8's slow path on Node 20 (the body has no `stream` of its own).
    const r = await this.once(ctx, (c) => c.chat({ stream: false, ...body })).catch((err: GatewayError) => {
      throw this.noteRefusal(err, req.upstreamModel);
    });
    const res = fromOllamaChatResponse(r, this.http);
    return this.useTextToolCalls(req) ? applyTextToolCalls(res, req.tools ?? []) : res;
  }

  stream(req: ProviderRequest, ctx: CallContext): AsyncIterable<StreamChunk> {
    const chunks = this.streamChunks(req, ctx);
    return this.useTextToolCalls(req) ? holdBackTextToolCalls(chunks, req.tools ?? []) : chunks;
  }

  private async *streamChunks(req: ProviderRequest, ctx: CallContext): AsyncGenerator<StreamChunk> {
    const body = toOllamaChatRequest(req, this.http, this.opts.keepAlive);
    // Our own controller too, so that a consumer that stops early closes the upstream connection.
    const local = new AbortController();
    const onAbort = (): void => local.abort(ctx.signal.reason);
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    let finished = false;
    try {
      const it = await this.client(local.signal, false).chat({ stream: true, ...body });
      let started = false;
      let toolIndex = 0;
      const id = newId('chatcmpl-');
      for await (const part of it) {
        const events: StreamEvent[] = [];
        if (!started) {
          started = true;
          events.push({ type: 'start', id, model: part.model, created: createdOf(part) });
        }
        const m = part.message;
        if (m?.thinking) events.push({ type: 'reasoning', delta: m.thinking });
        if (m?.content) events.push({ type: 'text', delta: m.content });
        for (const c of m?.tool_calls ?? []) {
          const index = toolIndex++;
          events.push({ type: 'tool_call_start', index, id: newId('call_'), name: c.function.name });
          events.push({ type: 'tool_call_delta', index, argumentsDelta: JSON.stringify(c.function.arguments ?? {}) });
        }
        if (part.done) {
          finished = true;
          events.push({ type: 'usage', usage: { inputTokens: part.prompt_eval_count ?? 0, outputTokens: part.eval_count ?? 0 } });
          events.push({ type: 'finish', reason: finishOf(part.done_reason, toolIndex > 0) });
        }
        if (events.length) yield { events };
        if (finished) return;
      }
    } catch (err) {
      throw this.noteRefusal(ollamaError(err, this.http, { clientAborted: ctx.signal.aborted, timeouts: this.http.timeouts }), req.upstreamModel);
    } finally {
      ctx.signal.removeEventListener('abort', onAbort);
      if (!finished) local.abort();
    }
  }

  async listModels(ctx: CallContext): Promise<ModelInfo[]> {
    const r = await this.once(ctx, (c) => c.list());
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
    const r = await this.once(ctx, (c) =>
      c.embed({
        model: req.upstreamModel,
        input: req.input,
        ...(req.dimensions ? { dimensions: req.dimensions } : {}),
        ...(this.opts.keepAlive !== undefined ? { keep_alive: this.opts.keepAlive } : {}),
      }),
    );
    if (!Array.isArray(r?.embeddings)) throw protocolError(this.http, 'returned /api/embed without `embeddings`');
    return { model: r.model ?? req.upstreamModel, vectors: r.embeddings, usage: { inputTokens: r.prompt_eval_count ?? 0 } };
  }

  close(): Promise<void> {
    return this.http.close();
  }
}
