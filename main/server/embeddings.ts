// POST /v1/embeddings: OpenAI's wire format at the edge (zod, base64 vectors, the error envelope); the call itself
// (routing to embedding models, the limiter, the request log) is the pipeline's embed stage (pipeline/embed.ts).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { GatewayError, toGatewayError } from '../core/errors.js';
import type { EmbedInput } from '../pipeline/embed.js';
import type { Pipeline } from '../pipeline/pipeline.js';
import type { Settings } from '../settings/schema.js';
import { readJsonBody } from './body.js';
import { clientLabel, newRequestId } from './chat-handler.js';
import { sendJson, setRouteHeaders } from './headers.js';
import { openAIErrorBody } from './openai-chat/render.js';
import { publicError } from './public-error.js';
import { validateBody } from './validation.js';

/** OpenAI's EmbeddingCreateParams (node_modules/openai/resources/embeddings.d.ts); token-array inputs are not taken. */
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
  pipeline: Pipeline;
  settings: () => Settings;
}

/** The body's model name as sent, for the request log even when the body is refused. */
function modelOf(json: unknown): string {
  const model = json !== null && typeof json === 'object' ? (json as { model?: unknown }).model : undefined;
  return typeof model === 'string' ? model.trim() : '';
}

/** Reads and validates the body; a refusal is returned, not thrown, so that the embed stage logs it like any outcome. */
async function readInput(req: IncomingMessage, limitBytes: number): Promise<{ input: EmbedInput; encoding?: 'float' | 'base64' }> {
  let json: unknown;
  try {
    json = await readJsonBody(req, limitBytes);
    const body = validateBody(embeddingsSchema, json);
    const input = typeof body.input === 'string' ? [body.input] : body.input;
    return { input: { valid: true, model: modelOf(json), input, dimensions: body.dimensions }, encoding: body.encoding_format };
  } catch (e) {
    return { input: { valid: false, model: modelOf(json), error: toGatewayError(e) } };
  }
}

export function embeddingsHandler(deps: EmbeddingsDeps) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const receivedAt = Date.now();
    const startedAt = performance.now();
    const requestId = newRequestId();
    res.setHeader('x-request-id', requestId);
    const clientAbort = new AbortController();
    // The client going away aborts the upstream call (as for chat: chat-handler.ts).
    res.on('close', () => {
      if (!res.writableFinished) clientAbort.abort(new GatewayError({ kind: 'aborted', status: 499, message: 'client closed request' }));
    });
    const { input, encoding } = await readInput(req, deps.settings().server.bodyLimitBytes);
    const outcome = await deps.pipeline.embed({ body: input, requestId, clientAbort, receivedAt, startedAt, userAgent: clientLabel(req) });
    if (res.headersSent || res.destroyed) return;
    if (!outcome.ok) {
      const err = publicError(outcome.error);
      setRouteHeaders(res, outcome.route);
      sendJson(res, err.status, openAIErrorBody(err), err);
      return;
    }
    const { meta, result } = outcome;
    setRouteHeaders(res, meta);
    const base64 = encoding === 'base64';
    sendJson(res, 200, {
      object: 'list',
      data: result.vectors.map((v, index) => ({ object: 'embedding', index, embedding: base64 ? toBase64(v) : v })),
      model: result.model,
      usage: { prompt_tokens: result.usage?.inputTokens ?? 0, total_tokens: result.usage?.inputTokens ?? 0 },
    });
  };
}
