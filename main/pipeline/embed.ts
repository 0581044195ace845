// The embeddings stage: plan (targets that can embed, all serving one model: another model's vectors are in
// another space, so the plan holds no different model to fall back to) → attempts with fallback, each under the
// provider's concurrency limit and the client's abort → one request-log row, whatever the outcome. The answer's
// `model` is what the target that answered reports. Knows no wire format.
import { GatewayError, toGatewayError } from '../core/errors.js';
import type { RoutePlan, RouteTarget, Router } from '../core/ports.js';
import type { EmbedRequest, EmbedResult } from '../core/types.js';
import { formatRouteHeader } from '../routing/route-header.js';
import { attemptTargets, noteRoute, type FailedRoute, type Failure } from './attempts.js';
import type { InboundCall, Limiter, LoggedCall, RecordedOutcome, RouteMeta } from './pipeline.js';

/** What the edge made of the body: a valid request, or why it refused it (a refusal gets its row here too). */
export type EmbedInput =
  | { valid: true; model: string; input: string[]; dimensions?: number }
  | { valid: false; model: string; error: GatewayError };

export interface EmbedCall extends Pick<InboundCall, 'requestId' | 'clientAbort' | 'receivedAt' | 'startedAt' | 'userAgent'> {
  /** `model` is the client's name ('' when it named none: the default embedding model). */
  body: EmbedInput;
}

export type EmbedOutcome =
  | { ok: true; meta: RouteMeta; result: EmbedResult }
  /** `route`: what was known of the route, for the error response's headers. */
  | { ok: false; error: GatewayError; route: FailedRoute };

export interface EmbedStageDeps {
  router: Router;
  limiter?: Limiter;
  /** The pipeline's request-log path. */
  record(call: LoggedCall, plan: RoutePlan | undefined, meta: RouteMeta | undefined, outcome: RecordedOutcome): void;
}

const noop = (): void => {};

/**
 * Runs one embeddings call. The signal is the client's alone, as for chat: the HTTP layer bounds each upstream call
 * (server.upstreamTimeoutMs, a 504 naming the provider) and the limiter its queue wait, while a deadline joined in
 * here would reach the HTTP layer as an aborted signal, which it reads as the client leaving (499).
 */
export async function runEmbed(deps: EmbedStageDeps, call: EmbedCall): Promise<EmbedOutcome> {
  const { body, requestId, receivedAt, startedAt, userAgent } = call;
  const request = { model: body.model.slice(0, 256), messages: [], stream: false };
  const logged: LoggedCall = { format: 'embeddings', request, requestId, receivedAt, startedAt, userAgent };
  if (!body.valid) return failed(deps, logged, undefined, body.error, []);
  let plan: RoutePlan;
  try {
    plan = deps.router.planEmbedding(body.model);
  } catch (e) {
    return failed(deps, logged, undefined, toGatewayError(e), []);
  }
  const signal = call.clientAbort.signal;
  const attempt = await attemptTargets(deps.router, plan, signal, async (target) => {
    const release = (await deps.limiter?.acquire(target.provider.id, signal)) ?? noop;
    try {
      return await embedOn(target, { upstreamModel: target.upstreamModel, input: body.input, dimensions: body.dimensions }, signal, requestId);
    } finally {
      release();
    }
  });
  if (!attempt.ok) return failed(deps, logged, plan, attempt.error, attempt.failures);
  const { value, target, failures } = attempt;
  const meta: RouteMeta = {
    provider: target.provider.id,
    model: target.upstreamModel,
    alias: plan.alias,
    mappedFrom: plan.mappedFrom,
    route: formatRouteHeader(plan),
    cache: 'off',
    fallbackFrom: failures.map((f) => `${f.target} (${f.reason})`),
  };
  const usage = value.usage && { inputTokens: value.usage.inputTokens, outputTokens: 0 };
  deps.record(logged, plan, meta, { status: 200, usage, ttfbMs: performance.now() - startedAt });
  return { ok: true, meta, result: value };
}

function embedOn(target: RouteTarget, req: EmbedRequest, signal: AbortSignal, requestId: string): Promise<EmbedResult> {
  const { provider } = target;
  // planEmbedding() keeps only providers that embed; this is the type's word for it.
  if (!provider.embed) throw new GatewayError({ kind: 'invalid_request', status: 400, param: 'model', provider: provider.id, message: `${provider.id} cannot create embeddings` });
  return provider.embed(req, { signal, requestId });
}

function failed(deps: EmbedStageDeps, call: LoggedCall, plan: RoutePlan | undefined, error: GatewayError, failures: Failure[]): EmbedOutcome {
  const route = noteRoute(error, plan, failures);
  // The row names the provider that failed, when one did (not after every target failed).
  const { provider, model } = route;
  const meta: RouteMeta | undefined = provider && model ? { ...route, provider, model, cache: 'off' } : undefined;
  deps.record(call, plan, meta, { status: error.status, error: error.message, fallbackFrom: route.fallbackFrom });
  return { ok: false, error, route };
}
