import type { ServerResponse } from 'node:http';
import type { GatewayError } from '../core/errors.js';
import type { RouteMeta } from '../pipeline/pipeline.js';

/** Header values must be printable ASCII; provider messages may not be. */
const safe = (v: string): string => v.replace(/[^\x20-\x7e]/g, '?').slice(0, 1024);

/** A success's route, or what was known of it when the call failed (FailedRoute: no cache status, maybe no provider). */
export type RouteHeaderSource = Omit<RouteMeta, 'provider' | 'model' | 'cache'> & Partial<Pick<RouteMeta, 'provider' | 'model' | 'cache'>>;

export function setRouteHeaders(res: ServerResponse, meta: RouteHeaderSource): void {
  if (meta.provider) res.setHeader('x-lynkr-provider', safe(meta.provider));
  if (meta.model) res.setHeader('x-lynkr-model', safe(meta.model));
  if (meta.alias) res.setHeader('x-lynkr-alias', safe(meta.alias));
  if (meta.mappedFrom) res.setHeader('x-lynkr-mapped-from', safe(meta.mappedFrom));
  if (meta.route) res.setHeader('x-lynkr-route', safe(meta.route));
  if (meta.fallbackFrom.length) res.setHeader('x-lynkr-fallback-from', safe(meta.fallbackFrom.join(', ')));
  if (meta.dropped?.length) res.setHeader('x-lynkr-dropped', safe(meta.dropped.join(', ')));
  if (meta.cache) res.setHeader('x-lynkr-cache', meta.cache);
  if (meta.similarity !== undefined) res.setHeader('x-lynkr-cache-similarity', meta.similarity.toFixed(4));
}

/** Writes a JSON body with the right status; sets Retry-After for rate limits and overload. */
export function sendJson(res: ServerResponse, status: number, body: unknown, err?: GatewayError): void {
  if (err?.retryAfterMs !== undefined) res.setHeader('retry-after', String(Math.max(1, Math.ceil(err.retryAfterMs / 1000))));
  sendJsonText(res, status, JSON.stringify(body));
}

export function sendJsonText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
