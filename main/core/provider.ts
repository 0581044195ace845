import type {
  ChatResponse,
  ClientFormat,
  EmbedRequest,
  EmbedResult,
  ModelInfo,
  ProviderRequest,
  StreamPart,
} from './types.js';

export type Locality = 'local' | 'cloud';

/** What `Provider.fit` returns. */
export interface FittedRequest {
  request: ProviderRequest;
  /** What was dropped or changed for this model, in short names; empty when nothing was. */
  dropped: string[];
}

/** Per-call context handed to adapters by the pipeline. */
export interface CallContext {
  /** Aborts when the client disconnects or a deadline passes; adapters must pass it to the upstream request. */
  signal: AbortSignal;
  requestId: string;
}

/**
 * A provider adapter: one instance per configured provider (e.g. two OpenAI-compatible servers are two
 * instances). Adapters throw `GatewayError` with `provider` set to `id`; they never log secrets.
 */
export interface Provider {
  readonly id: string;
  /** One of the kinds listed in providers/kinds/ (their union is `ProviderKind` there; core does not import providers). */
  readonly kind: string;
  readonly locality: Locality;
  /** The inbound format this upstream speaks natively, if any: a client of that format is passed through. */
  readonly nativeFormat?: ClientFormat;
  /** Human-readable endpoint for error messages (no credentials, no query string). */
  readonly endpoint: string;

  /**
   * Fits a request to what the target model can take (capabilities, context window, output limit) before it is
   * sent. Returns the request to send and what was dropped or changed, named for `x-lynkr-dropped` and the request
   * log (e.g. `think`, `max_tokens>16384`). Throws a GatewayError (e.g. context_length_exceeded) when it can't fit.
   */
  fit?(req: ProviderRequest, ctx: CallContext): Promise<FittedRequest>;
  chat(req: ProviderRequest, ctx: CallContext): Promise<ChatResponse>;
  /**
   * Lazily starts the upstream request on the first `next()`. Errors before the first part are thrown from
   * that `next()` (so the pipeline can fall back); later errors are thrown mid-iteration.
   */
  stream(req: ProviderRequest, ctx: CallContext): AsyncIterable<StreamPart>;
  listModels(ctx: CallContext): Promise<ModelInfo[]>;
  embed?(req: EmbedRequest, ctx: CallContext): Promise<EmbedResult>;
  /** Releases pooled connections. */
  close?(): Promise<void>;
}
