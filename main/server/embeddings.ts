import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { GatewayError, toGatewayError } from '../core/errors.js';
import type { RoutePlan, Router } from '../core/ports.js';
import { attemptTargets, noteRoute, type Failure } from '../pipeline/attempts.js';
import type { Pipeline, RouteMeta } from '../pipeline/pipeline.js';
import { formatRouteHeader } from '../routing/route-header.js';
import type { Settings } from '../settings/schema.js';
import { readJsonBody } from './body.js';
import { clientLabel, newRequestId, loggedCall } from './chat-handler.js';
import { sendJson, setRouteHeaders } from './headers.js';
import { openAIErrorBody } from './openai-chat/render.js';
import { publicError } from './public-error.js';
import { validateBody } from './validation.js';

const embeddingsSchema = z.looseObject({
  model: z.string().max(512).optional(),
  input: z.union([z.string(), z.array(z.string()).min(1).max(2048)]),
  dimensions: z.number().int().positive().max(16_384).optional(),
  encoding_format: z.enum(['float', 'base64']).optional(),
  user: z.string().optional(),
});

/** OpenAI SDKs ask for base64 by default: little-endian float32 bytes. */
const toBase64 = (v: number[]): string => Buffer.from(new Float32Array(v).buffer).toString('base64');

export interface EmbeddingsDeps {
  router: Router;
  pipeline: Pipeline;
  settings: () => Settings;
}

/**
 * The embedding model for a request that names none: never the default chat model. Ollama's embedding model
 * (`ollama.embeddingsModel`, OLLAMA_EMBEDDINGS_MODEL, which the README documents for /v1/embeddings) when the ollama
 * provider is on; else the semantic cache's OpenAI embedder, when one is configured.
 */
export function defaultEmbeddingModel(s: Settings): string | undefined {
  if (s.providers.some((p) => p.id === 'ollama' && p.kind === 'ollama' && p.enabled)) return `ollama/${s.ollama.embeddingsModel}`;
  const { embedder, embedderProvider, embedderModel } = s.cache.semantic;
  return embedder === 'openai' && embedderProvider && embedderModel ? `${embedderProvider}/${embedderModel}` : undefined;
}

export function embeddingsHandler(deps: EmbeddingsDeps) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const receivedAt = Date.now();
    const startedAt = performance.now();
    const requestId = newRequestId();
    res.setHeader('x-request-id', requestId);
    let json: unknown;
    const logged = () => loggedCall('embeddings', json, { requestId, receivedAt, startedAt, userAgent: clientLabel(req) });
    let plan: RoutePlan | undefined;
    let failures: Failure[] = [];
    try {
      json = await readJsonBody(req, deps.settings().server.bodyLimitBytes);
      const body = validateBody(embeddingsSchema, json);
      const input = typeof body.input === 'string' ? [body.input] : body.input;
      const model = body.model?.trim() || defaultEmbeddingModel(deps.settings());
      if (!model) {
        throw new GatewayError({ kind: 'invalid_request', status: 400, param: 'model', message: 'model is required: no embedding model is configured (OLLAMA_EMBEDDINGS_MODEL needs the ollama provider)' });
      }
      plan = deps.router.plan({ model, messages: [], stream: false });
      plan.targets = plan.targets.filter((t) => t.provider.embed);
      if (!plan.targets.length) {
        throw new GatewayError({ kind: 'invalid_request', status: 400, param: 'model', message: `no provider for model "${model}" can create embeddings` });
      }
      const signal = AbortSignal.timeout(deps.settings().server.upstreamTimeoutMs);
      const attempt = await attemptTargets(deps.router, plan, signal, (t) =>
        t.provider.embed!({ upstreamModel: t.upstreamModel, input, dimensions: body.dimensions }, { signal, requestId }),
      );
      failures = attempt.failures;
      if (!attempt.ok) throw attempt.error;
      const { value, target } = attempt;
      const meta: RouteMeta = {
        provider: target.provider.id,
        model: target.upstreamModel,
        alias: plan.alias,
        mappedFrom: plan.mappedFrom,
        route: formatRouteHeader(plan),
        cache: 'off',
        fallbackFrom: failures.map((f) => `${f.target} (${f.reason})`),
      };
      setRouteHeaders(res, meta);
      const base64 = body.encoding_format === 'base64';
      sendJson(res, 200, {
        object: 'list',
        data: value.vectors.map((v, index) => ({ object: 'embedding', index, embedding: base64 ? toBase64(v) : v })),
        model: value.model,
        usage: { prompt_tokens: value.usage?.inputTokens ?? 0, total_tokens: value.usage?.inputTokens ?? 0 },
      });
      const usage = value.usage && { inputTokens: value.usage.inputTokens, outputTokens: 0 };
      deps.pipeline.recordOutside(logged(), { status: 200, usage }, plan, meta);
    } catch (e) {
      const raw = toGatewayError(e);
      const route = noteRoute(raw, plan, failures);
      deps.pipeline.recordOutside(logged(), { status: raw.status, error: raw.message, fallbackFrom: route.fallbackFrom }, plan);
      const err = publicError(raw);
      if (res.headersSent) return;
      setRouteHeaders(res, route);
      sendJson(res, err.status, openAIErrorBody(err), err);
    }
  };
}
