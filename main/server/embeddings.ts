import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { GatewayError } from '../core/errors.js';
import type { Router } from '../core/ports.js';
import { attemptTargets, type Failure } from '../pipeline/attempts.js';
import type { Settings } from '../settings/schema.js';
import { readJsonBody } from './body.js';
import { newRequestId } from './chat-handler.js';
import { sendJson } from './headers.js';
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

export function embeddingsHandler(deps: { router: Router; settings: () => Settings }) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const requestId = newRequestId();
    res.setHeader('x-request-id', requestId);
    try {
      const body = validateBody(embeddingsSchema, await readJsonBody(req, deps.settings().server.bodyLimitBytes));
      const input = typeof body.input === 'string' ? [body.input] : body.input;
      const plan = deps.router.plan({ model: body.model ?? '', messages: [], stream: false });
      plan.targets = plan.targets.filter((t) => t.provider.embed);
      if (!plan.targets.length) {
        throw new GatewayError({ kind: 'invalid_request', status: 400, param: 'model', message: `no provider for model "${body.model}" can create embeddings` });
      }
      const signal = AbortSignal.timeout(deps.settings().server.upstreamTimeoutMs);
      const failures: Failure[] = [];
      const { value, target } = await attemptTargets(
        deps.router,
        plan,
        signal,
        (t) => t.provider.embed!({ upstreamModel: t.upstreamModel, input, dimensions: body.dimensions }, { signal, requestId }),
        failures,
      );
      res.setHeader('x-lynkr-provider', target.provider.id);
      res.setHeader('x-lynkr-model', target.upstreamModel);
      const base64 = body.encoding_format === 'base64';
      sendJson(res, 200, {
        object: 'list',
        data: value.vectors.map((v, index) => ({ object: 'embedding', index, embedding: base64 ? toBase64(v) : v })),
        model: value.model,
        usage: { prompt_tokens: value.usage?.inputTokens ?? 0, total_tokens: value.usage?.inputTokens ?? 0 },
      });
    } catch (e) {
      const err = publicError(e);
      if (!res.headersSent) sendJson(res, err.status, openAIErrorBody(err), err);
    }
  };
}
