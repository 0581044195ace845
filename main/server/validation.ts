import type { z } from 'zod';
import { GatewayError } from '../core/errors.js';

/** Validates `body` with `schema`, or throws a 400 naming the first bad field (shared by every inbound format). */
export function validateBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new GatewayError({ kind: 'invalid_request', status: 400, message: 'request body must be a JSON object' });
  }
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const param = issue.path.map(String).join('.') || undefined;
  const missing = issue.code === 'invalid_type' && /received undefined/.test(issue.message);
  const message = param ? `${param}: ${missing ? 'required field is missing' : issue.message}` : issue.message;
  throw new GatewayError({ kind: 'invalid_request', status: 400, message, param });
}
