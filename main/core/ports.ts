// What the pipeline needs from routing, cache and observability. Each concern implements its port in its own
// folder; the pipeline depends only on these shapes, so the concerns never call each other.
import type { GatewayError } from './errors.js';
import type { Locality, Provider } from './provider.js';
import type { ChatRequest, ChatResponse, ClientFormat, NativeBody } from './types.js';

export interface RouteTarget {
  provider: Provider;
  upstreamModel: string;
  /** `provider/model`. */
  label: string;
}

export type Tier = 'SIMPLE' | 'MEDIUM' | 'COMPLEX' | 'REASONING';

export interface RoutePlan {
  /** The alias the request resolved to, if any. */
  alias?: string;
  /** The client's name when a model map rewrote it (e.g. `claude-3-5-haiku-latest` → `chat-fast`). */
  mappedFrom?: string;
  tier?: Tier;
  /** Human-readable reasons for the tier, for `x-lynkr-route`. */
  reasons?: string[];
  /** In order of preference, already filtered by mode. Never empty (plan() throws instead). */
  targets: RouteTarget[];
}

export interface Router {
  /** Throws GatewayError: 404 model_not_found (listing models) or 503 when the mode leaves no target. */
  plan(req: ChatRequest): RoutePlan;
  /** The same for an embeddings call ('' → the default embedding model): only targets that can embed; 400 for a chat model. */
  planEmbedding(model: string): RoutePlan;
  /** False while the provider's breaker is open: skip it without trying. */
  admit(target: RouteTarget): boolean;
  /** Delay before retrying the same target after `error`, or null to move on to the next target. */
  retryDelayMs(target: RouteTarget, error: GatewayError, attempt: number): number | null;
  recordSuccess(target: RouteTarget): void;
  recordFailure(target: RouteTarget, error: GatewayError): void;
}

export type CacheStatus = 'hit-exact' | 'hit-semantic' | 'miss' | `bypass:${string}`;

export interface CacheContext {
  plan: RoutePlan;
  /** '' for global scope, else the user id or a hash of the inbound key. */
  scope: string;
  /** Cache-Control: no-cache. */
  noRead: boolean;
  /** Cache-Control: no-store. */
  noStore: boolean;
  /**
   * The client's own body, for fields passed through to a same-format upstream that the internal request doesn't
   * carry (`logit_bias`, Anthropic `thinking`…): they change the answer, so they are part of the exact key.
   */
  native?: NativeBody;
}

export interface CacheLookup {
  status: CacheStatus;
  response?: ChatResponse;
  similarity?: number;
  /** Opaque state the cache wants back in store() (e.g. the computed key or embedding). */
  token?: unknown;
}

export interface ResponseCache {
  lookup(req: ChatRequest, ctx: CacheContext): Promise<CacheLookup>;
  /** Only complete, successful responses are passed here. Must never throw. */
  store(req: ChatRequest, ctx: CacheContext, lookup: CacheLookup, response: ChatResponse, answeredBy: RouteTarget): void;
}

export interface RequestRecord {
  id: string;
  /** Epoch ms at arrival. */
  time: number;
  clientFormat: ClientFormat | 'embeddings';
  requestedModel: string;
  alias?: string;
  mappedFrom?: string;
  provider?: string;
  model?: string;
  locality?: Locality;
  status: number;
  stream: boolean;
  latencyMs: number;
  ttfbMs?: number;
  inputTokens?: number;
  outputTokens?: number;
  cachedInputTokens?: number;
  cache: CacheStatus | 'off';
  /** `label: reason` of each target that failed before the one that answered. */
  fallbackFrom: string[];
  /** What the target could not take and was dropped or changed (e.g. `think`). */
  dropped?: string[];
  tier?: Tier;
  /** Short error description (never secrets). */
  error?: string;
  userAgent?: string;
  /** The app that sent it, from the User-Agent or `X-Lynkr-Client` (`Claude Code`, `LibreChat`…; observability/client-app.ts). */
  client?: string;
  /** Estimated USD for the tokens (list prices, cache/pricing.ts): 0 for local models and cache hits. */
  costUsd?: number;
  /** Only when the user turned prompt storage on. */
  prompt?: string;
}

/** Receives one record per finished request (request log, metrics, live traffic). Must never throw. */
export interface RequestSink {
  record(r: RequestRecord): void;
}
