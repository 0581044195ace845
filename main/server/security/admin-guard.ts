// The admin API: loopback peers with the admin token only, never CORS, never from a browser on another
// site. Even when /v1 listens on the docker bridge or the LAN, nothing there reaches /admin.
import { GatewayError } from '../../core/errors.js';
import { isLoopback } from './bind-policy.js';
import { hostnameOf } from './host-check.js';
import { safeEqual } from './keys.js';
import { isCrossSite } from './origin.js';
import { type Middleware, type PeerOf, sendError, socketPeer } from './render.js';

export interface AdminGuardOptions {
  /** The current admin token (a getter so a new token applies at once). */
  token: () => string | undefined;
  peerOf?: PeerOf;
}

// Docker Desktop delivers container traffic from loopback; those requests name host.docker.internal, so
// /admin answers only to the names of this machine's loopback.
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '::1']);

function forbidden(code: string, message: string): GatewayError {
  return new GatewayError({ kind: 'permission', status: 403, code, message });
}

export function adminGuard(opts: AdminGuardOptions): Middleware {
  const peerOf = opts.peerOf ?? socketPeer;
  return (req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    let err: GatewayError | undefined;
    const host = hostnameOf(req.headers.host);
    if (!isLoopback(peerOf(req))) err = forbidden('admin_loopback_only', 'The admin API only answers loopback clients');
    else if (host === undefined || !LOOPBACK_HOSTS.has(host)) err = forbidden('host_not_allowed', 'The admin API only answers to localhost');
    else if (isCrossSite(req)) err = forbidden('cross_site', 'Cross-site requests to the admin API are refused');
    else {
      const expected = opts.token();
      const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
      if (expected === undefined || !m || !safeEqual(m[1], expected)) {
        err = new GatewayError({ kind: 'auth', status: 401, code: 'invalid_admin_token', message: 'Missing or invalid admin token' });
        res.setHeader('WWW-Authenticate', 'Bearer realm="lynkr-admin"');
      }
    }
    if (!err) return next();
    sendError(req, res, err);
  };
}
