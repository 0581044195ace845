import { GatewayError, toGatewayError } from '../core/errors.js';
import type { CacheContext, CacheLookup, CacheStatus, RequestRecord, RequestSink, ResponseCache, RoutePlan, RouteTarget, Router } from '../core/ports.js';
import type { CallContext, FittedRequest } from '../core/provider.js';
import { keepReadOptions } from '../core/provider-options.js';
import { optionsReadBy } from '../providers/kinds/index.js';
import type { ChatRequest, ChatResponse, ClientFormat, NativeBody, ProviderRequest, StreamPart } from '../core/types.js';
import type { Settings } from '../settings/schema.js';
import { formatRouteHeader } from '../routing/route-header.js';
import { attemptTargets, noteRoute, type Failure } from './attempts.js';
import { runEmbed, type EmbedCall, type EmbedOutcome } from './embed.js';
import { requestRecord } from './record.js';
import { replayAsParts } from './replay.js';
import { tee, type StreamEnd } from './tee.js';

export interface Limiter {
  /** Resolves with a release function, or rejects with a 429 `overloaded` GatewayError. */
  acquire(providerId: string, signal: AbortSignal): Promise<() => void>;
}

export interface PipelineDeps {
  router: Router;
  sink: RequestSink;
  settings: () => Settings;
  cache?: ResponseCache;
  limiter?: Limiter;
}

export interface InboundCall {
  format: ClientFormat;
  request: ChatRequest;
  native: NativeBody;
  requestId: string;
  /** Aborted when the client goes away; it is the abort signal of every upstream call for this request. */
  clientAbort: AbortController;
  /** Epoch ms at arrival. */
  receivedAt: number;
  /** performance.now() at arrival. */
  startedAt: number;
  cacheControl?: string;
  /** Cache scope: '' (global) or a user id / key hash. */
  scope: string;
  userAgent?: string;
}

export interface RouteMeta {
  provider: string;
  model: string;
  alias?: string;
  mappedFrom?: string;
  route?: string;
  cache: CacheStatus | 'off';
  similarity?: number;
  fallbackFrom: string[];
  /** What the target could not take and was dropped or changed (Provider.fit), for `x-lynkr-dropped`. */
  dropped?: string[];
}

/** What a request-log row needs of a call (also of one refused at the edge, which never reaches handle()). */
export type LoggedCall = Pick<InboundCall, 'request' | 'requestId' | 'receivedAt' | 'startedAt' | 'userAgent'> & { format: RequestRecord['clientFormat'] };

/** The outcome part of a request-log row. */
export interface RecordedOutcome {
  status: number;
  error?: string;
  usage?: ChatResponse['usage'];
  ttfbMs?: number;
  fallbackFrom?: string[];
}

export type Outcome =
  | { kind: 'response'; meta: RouteMeta; response: ChatResponse }
  /** `passThrough`: the parts carry the upstream's own frames (`raw-frame`), in the client's format. */
  | { kind: 'stream'; meta: RouteMeta; passThrough: boolean; parts: AsyncIterable<StreamPart> };

/** A stream whose first part has arrived: the point where the pipeline commits to its target. */
interface Started {
  first: StreamPart;
  rest: AsyncIterator<StreamPart>;
}

/** What one target gave, with what its fit dropped; `release` frees its concurrency slot (a stream holds it). */
interface Sent<T> {
  value: T;
  dropped: string[];
  passThrough: boolean;
  release: () => void;
}

const noop = (): void => {};

/** What the cache stage found: a hit to serve, or how to store the answer once there is one. */
interface CacheStep {
  status: CacheStatus | 'off';
  hit?: { response: ChatResponse; similarity?: number };
  /** Stores an answer off the client's path (never on it: the answer leaves first). */
  store(target: RouteTarget, answer: ChatResponse): void;
}

/** plan → cache → attempts with fallback → tee (streams) → record. Knows no wire format. */
export class Pipeline {
  constructor(private readonly deps: PipelineDeps) {}

  async handle(call: InboundCall): Promise<Outcome> {
    const plan = this.plan(call);
    const cache = await this.cacheStep(call, plan);
    if (cache.hit) return this.serveHit(call, plan, cache.status, cache.hit);
    return call.request.stream ? this.stream(call, plan, cache) : this.answer(call, plan, cache);
  }

  private plan(call: InboundCall): RoutePlan {
    try {
      return this.deps.router.plan(call.request);
    } catch (e) {
      throw this.failed(call, undefined, toGatewayError(e), []);
    }
  }

  private async cacheStep(call: InboundCall, plan: RoutePlan): Promise<CacheStep> {
    const ctx = this.cacheContext(call, plan);
    if (!ctx) return { status: 'off', store: noop };
    const lookup = await this.lookup(call.request, ctx);
    return {
      status: lookup.status,
      hit: lookup.response && { response: lookup.response, similarity: lookup.similarity },
      store: (target, answer) => setImmediate(() => this.storeQuietly(call.request, ctx, lookup, answer, target)),
    };
  }

  /** A non-streamed call: the first target that answers gives the response. */
  private async answer(call: InboundCall, plan: RoutePlan, cache: CacheStep): Promise<Outcome> {
    const attempt = await attemptTargets(this.deps.router, plan, call.clientAbort.signal, (t) => this.chat(call, t));
    if (!attempt.ok) throw this.failed(call, plan, attempt.error, attempt.failures);
    const { value: sent, target, failures } = attempt;
    const meta = routeMeta(plan, target, cache.status, sent.dropped, failures);
    cache.store(target, sent.value);
    this.record(call, plan, meta, { status: 200, usage: sent.value.usage, ttfbMs: this.elapsed(call) });
    return { kind: 'response', meta, response: sent.value };
  }

  /** A streamed call: the first target whose stream starts is committed to; its parts are teed to the client. */
  private async stream(call: InboundCall, plan: RoutePlan, cache: CacheStep): Promise<Outcome> {
    const attempt = await attemptTargets(this.deps.router, plan, call.clientAbort.signal, (t) => this.start(call, t));
    if (!attempt.ok) throw this.failed(call, plan, attempt.error, attempt.failures);
    const { value: sent, target, failures } = attempt;
    const meta = routeMeta(plan, target, cache.status, sent.dropped, failures);
    const ttfbMs = this.elapsed(call);
    const ended = (end: StreamEnd): void => {
      sent.release();
      if (end.answer) cache.store(target, end.answer);
      this.record(call, plan, meta, { status: end.status, error: end.error, usage: end.usage, ttfbMs });
    };
    const parts = tee(sent.value.first, sent.value.rest, target.provider.id, ended);
    return { kind: 'stream', meta, passThrough: sent.passThrough, parts };
  }

  /** Records a failed call and returns its error, with the route it ended noted for the response headers. */
  private failed(call: InboundCall, plan: RoutePlan | undefined, err: GatewayError, failures: Failure[]): GatewayError {
    const { fallbackFrom } = noteRoute(err, plan, failures);
    this.record(call, plan, undefined, { status: err.status, error: err.message, fallbackFrom });
    return err;
  }

  private cacheContext(call: InboundCall, plan: RoutePlan): CacheContext | undefined {
    if (!this.deps.cache) return undefined;
    const cc = call.cacheControl?.toLowerCase() ?? '';
    return { plan, scope: call.scope, noRead: cc.includes('no-cache'), noStore: cc.includes('no-store'), native: call.native };
  }

  /** A cache problem never fails a request. */
  private async lookup(req: ChatRequest, ctx: CacheContext): Promise<CacheLookup> {
    try {
      return await this.deps.cache!.lookup(req, ctx);
    } catch {
      return { status: 'bypass:cache-error' };
    }
  }

  /** A cache problem never fails a request. */
  private storeQuietly(...args: Parameters<ResponseCache['store']>): void {
    try {
      this.deps.cache!.store(...args);
    } catch {
      // The answer was delivered; the cache simply misses next time.
    }
  }

  private serveHit(call: InboundCall, plan: RoutePlan, status: CacheStatus | 'off', hit: NonNullable<CacheStep['hit']>): Outcome {
    const meta: RouteMeta = {
      provider: 'cache',
      model: hit.response.model,
      alias: plan.alias,
      mappedFrom: plan.mappedFrom,
      route: formatRouteHeader(plan),
      cache: status,
      similarity: hit.similarity,
      fallbackFrom: [],
    };
    this.record(call, plan, meta, { status: 200, usage: hit.response.usage, ttfbMs: this.elapsed(call) });
    if (call.request.stream) return { kind: 'stream', meta, passThrough: false, parts: replayAsParts(hit.response, call.requestId) };
    return { kind: 'response', meta, response: { ...hit.response, id: `chatcmpl-${call.requestId}` } };
  }

  /**
   * The request for one target. Pass-through is chosen here: only an upstream that speaks the client's own format
   * gets the client's body (`native`); its fit() may still decline it by removing `native`.
   */
  private providerRequest(call: InboundCall, target: RouteTarget): ProviderRequest {
    const passThrough = target.provider.nativeFormat === call.format;
    // The new fields go before the spread: on Node 20, each field added after one builds a new hidden class (README,
    // "Speed"), about 4 µs a field for a request object.
    return { upstreamModel: target.upstreamModel, native: passThrough ? call.native : undefined, ...call.request };
  }

  /** The request as this target can take it (Provider.fit), with what had to be dropped. */
  private async fitted(call: InboundCall, target: RouteTarget, ctx: CallContext): Promise<FittedRequest> {
    // Options of a namespace this kind does not read are named, not lost silently (a fallback to another kind).
    const { request, dropped } = keepReadOptions(this.providerRequest(call, target), optionsReadBy(target.provider.kind));
    if (!target.provider.fit) return { request, dropped };
    const fit = await target.provider.fit(request, ctx);
    return { request: fit.request, dropped: [...dropped, ...fit.dropped] };
  }

  /**
   * Fits the request to the target and sends it under the target's concurrency limit. A refusal that taught the
   * adapter the model's limit (GatewayError.refit) is fitted again and sent once more.
   */
  private async send<T>(call: InboundCall, target: RouteTarget, transmit: (request: ProviderRequest, ctx: CallContext) => Promise<T>): Promise<Sent<T>> {
    const ctx: CallContext = { signal: call.clientAbort.signal, requestId: call.requestId };
    const release = (await this.deps.limiter?.acquire(target.provider.id, ctx.signal)) ?? noop;
    const fitAndTransmit = async (): Promise<Sent<T>> => {
      const { request, dropped } = await this.fitted(call, target, ctx);
      return { value: await transmit(request, ctx), dropped, passThrough: request.native !== undefined, release };
    };
    try {
      return await fitAndTransmit().catch((e: unknown) => {
        if (e instanceof GatewayError && e.refit) return fitAndTransmit();
        throw e;
      });
    } catch (e) {
      release();
      throw e;
    }
  }

  private async chat(call: InboundCall, target: RouteTarget): Promise<Sent<ChatResponse>> {
    const sent = await this.send(call, target, (request, ctx) => target.provider.chat(request, ctx));
    sent.release();
    return sent;
  }

  /** Starts the upstream stream and waits for its first part, so that a failure before it can fall back. */
  private start(call: InboundCall, target: RouteTarget): Promise<Sent<Started>> {
    return this.send(call, target, async (request, ctx) => {
      const rest = target.provider.stream(request, ctx)[Symbol.asyncIterator]();
      const first = await rest.next();
      if (first.done) {
        throw new GatewayError({ kind: 'upstream_protocol', status: 502, provider: target.provider.id, message: `${target.provider.id} returned an empty stream` });
      }
      return { first: first.value, rest };
    });
  }

  /** An embeddings call: the same routing (to embedding models), limiter and request log (pipeline/embed.ts). */
  embed(call: EmbedCall): Promise<EmbedOutcome> {
    return runEmbed({ router: this.deps.router, limiter: this.deps.limiter, record: (...row) => this.record(...row) }, call);
  }

  private elapsed(call: Pick<InboundCall, 'startedAt'>): number {
    return performance.now() - call.startedAt;
  }

  /** The request-log row of a call that handle() never saw: refused at the edge (bad JSON, 413, invalid body). */
  recordOutside(call: LoggedCall, r: RecordedOutcome, plan?: RoutePlan, meta?: RouteMeta): void {
    this.record(call, plan, meta, r);
  }

  private record(call: LoggedCall, plan: RoutePlan | undefined, meta: RouteMeta | undefined, outcome: RecordedOutcome): void {
    const row = requestRecord(call, plan, meta, outcome, { latencyMs: this.elapsed(call), storePrompt: this.deps.settings().log.storePrompts });
    try {
      this.deps.sink.record(row);
    } catch {
      // The request log never fails a request.
    }
  }
}

function routeMeta(plan: RoutePlan, target: RouteTarget, cache: CacheStatus | 'off', dropped: string[], failures: Failure[]): RouteMeta {
  return {
    provider: target.provider.id,
    model: target.upstreamModel,
    alias: plan.alias,
    mappedFrom: plan.mappedFrom,
    route: formatRouteHeader(plan),
    cache,
    fallbackFrom: failures.map((f) => `${f.target} (${f.reason})`),
    dropped: dropped.length ? dropped : undefined,
  };
}

