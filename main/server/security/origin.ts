// Browser origins. /v1: no CORS unless the user allowlists an Origin, and a cross-site browser request
// from anywhere else is refused (so a web page cannot spend the user's cloud credits with a "simple"
// no-preflight POST). The admin API never has CORS (see admin-guard.ts).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { GatewayError } from '../../core/errors.js';
import { type Middleware, sendError } from './render.js';

/** `https://App.example:443/` → `https://app.example`; undefined for wildcards, `null` and non-http(s). */
export function normalizeOrigin(origin: string): string | undefined {
  const s = origin.trim();
  if (s === '' || s === '*' || s.toLowerCase() === 'null' || s.includes('*')) return undefined;
  try {
    const u = new URL(s);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return undefined;
    if (u.username || u.password || (u.pathname !== '/' && u.pathname !== '') || u.search || u.hash) return undefined;
    return u.origin;
  } catch {
    return undefined;
  }
}

/** True when `Origin` is this server itself (http://<Host>). */
export function isSameOrigin(origin: string, hostHeader: string | undefined): boolean {
  if (!hostHeader) return false;
  const o = normalizeOrigin(origin);
  if (!o) return false;
  try {
    return o === new URL(`http://${hostHeader}`).origin;
  } catch {
    return false;
  }
}

/** A browser told us the request comes from another site (or another port of this one). */
export function isCrossSite(req: IncomingMessage): boolean {
  const site = req.headers['sec-fetch-site'];
  if (site === 'cross-site' || site === 'same-site') return true;
  const origin = req.headers.origin;
  return origin !== undefined && !isSameOrigin(origin, req.headers.host);
}

export interface CorsOptions {
  /** Settings' `server.corsOrigins` (or a getter, to follow live settings). Entries that are not exact
   *  http(s) origins (`*`, `null`) are ignored. */
  origins: readonly string[] | (() => readonly string[]);
  /** Preflight cache lifetime in seconds. */
  maxAgeSeconds?: number;
  /** Path prefixes this middleware leaves alone when mounted app-wide (the admin API has its own guard and never CORS). */
  exceptPrefixes?: readonly string[];
}

const ALLOW_METHODS = 'GET, POST, OPTIONS';

function refuse(req: IncomingMessage, res: ServerResponse, message: string): void {
  sendError(req, res, new GatewayError({ kind: 'permission', status: 403, code: 'origin_not_allowed', message }));
}

/** Mount on /v1 before the routes. Handles preflights itself. */
export function v1Cors(opts: CorsOptions): Middleware {
  const originsNow = typeof opts.origins === 'function' ? opts.origins : () => opts.origins as readonly string[];
  let cachedKey: string | undefined;
  let allowed = new Set<string>();
  const maxAge = String(opts.maxAgeSeconds ?? 600);
  const except = opts.exceptPrefixes ?? ['/admin'];
  return (req, res, next) => {
    const url = req.url ?? '';
    if (except.some((p) => url === p || url.startsWith(`${p}/`) || url.startsWith(`${p}?`))) return next();
    const vary = res.getHeader('vary');
    if (!vary) res.setHeader('vary', 'Origin');
    else if (!String(vary).split(/\s*,\s*/).includes('Origin')) res.setHeader('vary', `${String(vary)}, Origin`);
    const list = originsNow();
    const key = list.join('\n');
    if (key !== cachedKey) {
      cachedKey = key;
      allowed = new Set(list.map(normalizeOrigin).filter((o): o is string => o !== undefined));
    }
    const origin = req.headers.origin;
    const normalized = origin === undefined ? undefined : normalizeOrigin(origin);
    const listed = normalized !== undefined && allowed.has(normalized);
    if (listed) {
      // Echo only an allowlisted origin, never an arbitrary one.
      res.setHeader('Access-Control-Allow-Origin', normalized);
      res.setHeader('Access-Control-Expose-Headers', 'x-request-id, x-lynkr-route, x-lynkr-cache, retry-after');
      if (req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined) {
        res.setHeader('Access-Control-Allow-Methods', ALLOW_METHODS);
        const requested = req.headers['access-control-request-headers'];
        // The origin is trusted, so the headers its SDK wants (x-stainless-*, anthropic-*) are fine.
        if (requested) res.setHeader('Access-Control-Allow-Headers', requested);
        res.setHeader('Access-Control-Max-Age', maxAge);
        res.writeHead(204).end();
        return;
      }
      return next();
    }
    if (origin !== undefined && isSameOrigin(origin, req.headers.host)) return next();
    if (origin !== undefined || isCrossSite(req)) {
      return refuse(req, res, 'Cross-origin requests to /v1 are refused; add the origin to server.corsOrigins');
    }
    next();
  };
}
