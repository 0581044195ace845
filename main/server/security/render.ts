// How the security and limit middleware answer when they refuse a request. The lead passes a format-aware
// renderer (Anthropic clients get Anthropic's envelope); without one we answer in OpenAI's envelope.
import type { Request, Response } from 'express';
import type { GatewayError } from '../../core/errors.js';
import { retryAfterSeconds } from '../limits/retry-after.js';

export type RenderError = (req: Request, err: GatewayError) => { status: number; body: unknown };

/** The peer address the security checks trust. Injectable for tests; never X-Forwarded-For. */
export type PeerOf = (req: Request) => string | undefined;
export const socketPeer: PeerOf = (req) => req.socket.remoteAddress;

const openAiTypes: Partial<Record<GatewayError['kind'], string>> = {
  auth: 'authentication_error',
  permission: 'permission_error',
  overloaded: 'rate_limit_error',
  rate_limited: 'rate_limit_error',
  too_large: 'invalid_request_error',
  invalid_request: 'invalid_request_error',
  not_found: 'invalid_request_error',
};

export const renderOpenAiError: RenderError = (_req, err) => ({
  status: err.status,
  body: {
    error: {
      message: err.message,
      type: openAiTypes[err.kind] ?? 'server_error',
      param: err.param ?? null,
      code: err.code ?? null,
    },
  },
});

export function sendError(req: Request, res: Response, err: GatewayError, render: RenderError = renderOpenAiError): void {
  const { status, body } = render(req, err);
  if (err.retryAfterMs !== undefined) res.setHeader('Retry-After', String(retryAfterSeconds(err.retryAfterMs)));
  // Plain Node calls: the gateway's hot routes run these guards without express (server/app.ts).
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) }).end(text);
}
