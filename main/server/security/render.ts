// How the guards, the router's 404 and its error handler answer: in the envelope of the inbound format whose routes
// the request is on. The router (server/app.ts) binds that format's renderer to the request before any guard runs;
// a request on no format's routes (/health, /v1/models, /admin) is answered in OpenAI's envelope.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GatewayError } from '../../core/errors.js';
import type { InboundFormat } from '../format.js';
import { retryAfterSeconds } from '../limits/retry-after.js';
import { openaiChatFormat } from '../openai-chat/index.js';

export type ErrorRenderer = InboundFormat['renderError'];

/**
 * Middleware on Node's own request and response. The gateway's router is an express Router, which does not give them
 * express's helpers (server/app.ts says why), so guards must not rely on them.
 */
export type Middleware = (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void;

/** The peer address the security checks trust. Injectable for tests; never X-Forwarded-For. */
export type PeerOf = (req: IncomingMessage) => string | undefined;
export const socketPeer: PeerOf = (req) => req.socket.remoteAddress;

const boundRenderer = Symbol('errorRenderer');
type Bound = IncomingMessage & { [boundRenderer]?: ErrorRenderer };

/** From now on, errors on this request are answered with `render`. */
export function bindErrorRenderer(req: IncomingMessage, render: ErrorRenderer): void {
  (req as Bound)[boundRenderer] = render;
}

/** The renderer bound to this request, else OpenAI's envelope. */
export function errorRendererOf(req: IncomingMessage): ErrorRenderer {
  return (req as Bound)[boundRenderer] ?? openaiChatFormat.renderError;
}

export function sendError(req: IncomingMessage, res: ServerResponse, err: GatewayError): void {
  const { status, body } = errorRendererOf(req)(err);
  if (err.retryAfterMs !== undefined) res.setHeader('Retry-After', String(retryAfterSeconds(err.retryAfterMs)));
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) }).end(text);
}
