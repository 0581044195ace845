import { GatewayError, toGatewayError } from '../core/errors.js';
import { scrub } from '../observability/secrets.js';

/** The error as a client may see it: every registered secret and key-shaped string removed from the message. */
export function publicError(e: unknown): GatewayError {
  const err = toGatewayError(e);
  const message = scrub(err.message);
  if (message === err.message) return err;
  return new GatewayError({ kind: err.kind, status: err.status, message, provider: err.provider, code: err.code, param: err.param, upstreamStatus: err.upstreamStatus, retryAfterMs: err.retryAfterMs });
}
