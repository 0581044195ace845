import type { Request } from 'express';
import type { z } from 'zod';
import { GatewayError } from '../core/errors.js';

/** Admin bodies are JSON (express.json); a schema failure is a 400 naming the field. */
export function parseBody<S extends z.ZodType>(schema: S, req: Request): z.infer<S> {
  const result = schema.safeParse(req.body ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue.path.map(String).join('.');
  throw new GatewayError({ kind: 'invalid_request', status: 400, param: path || undefined, message: path ? `${path}: ${issue.message}` : issue.message });
}
