// The gateway key. Loopback clients may go without it (unless the user asks); everyone else must present it
// as `Authorization: Bearer <key>` (OpenAI clients) or `x-api-key: <key>` (Anthropic clients).
import type { IncomingMessage } from 'node:http';
import { GatewayError } from '../../core/errors.js';
import { isLoopback } from './bind-policy.js';
import { safeEqual } from './keys.js';
import { type Middleware, type PeerOf, sendError, socketPeer } from './render.js';

export interface InboundAuthOptions {
  /** The current key (a getter so rotation applies at once). */
  key: () => string | undefined;
  requireKeyOnLoopback?: boolean | (() => boolean);
  peerOf?: PeerOf;
}

/** The keys a client presented, from `Authorization: Bearer` or `x-api-key`. */
export function presentedKeys(req: IncomingMessage): string[] {
  const keys: string[] = [];
  const auth = req.headers.authorization;
  if (auth) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(auth);
    if (m) keys.push(m[1]);
  }
  const xApiKey = req.headers['x-api-key'];
  if (typeof xApiKey === 'string' && xApiKey !== '') keys.push(xApiKey.trim());
  return keys;
}

export function inboundAuth(opts: InboundAuthOptions): Middleware {
  const peerOf = opts.peerOf ?? socketPeer;
  return (req, res, next) => {
    const strict = typeof opts.requireKeyOnLoopback === 'function' ? opts.requireKeyOnLoopback() : opts.requireKeyOnLoopback === true;
    const needed = strict || !isLoopback(peerOf(req));
    if (!needed) return next();
    const expected = opts.key();
    // Check every presented key (a client may send both headers) without short-circuiting on the first.
    const ok = expected !== undefined && presentedKeys(req).reduce((acc, k) => safeEqual(k, expected) || acc, false);
    if (ok) return next();
    const err = new GatewayError({
      kind: 'auth',
      status: 401,
      code: 'invalid_api_key',
      message:
        expected === undefined
          ? 'This gateway has no key configured, so it only serves loopback clients'
          : 'Missing or invalid gateway key: send it as "Authorization: Bearer <key>" or "x-api-key: <key>"',
    });
    if (expected !== undefined) res.setHeader('WWW-Authenticate', 'Bearer realm="lynkr"');
    sendError(req, res, err);
  };
}
