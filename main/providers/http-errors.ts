// How upstream failures become GatewayErrors: transport errors (undici, node net), HTTP error statuses with the
// upstream's own message, bytes we cannot understand, and bodies over their caps. Messages name the provider and
// never carry a secret.
import { GatewayError, isAbortError } from '../core/errors.js';

/** The call's whole-call deadline passed before it finished (the abort reason of its signal). */
export class DeadlineExceeded extends Error {
  constructor(readonly ms: number) {
    super(`deadline of ${ms} ms exceeded`);
    this.name = 'TimeoutError';
  }
}

/** A response body went over its byte cap; the call was closed there. */
export class BodyTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`response body over ${limit} bytes`);
    this.name = 'BodyTooLarge';
  }
}

/** The per-phase timeouts named in timeout messages (a subset of http.ts's HttpTimeouts). */
export interface PhaseTimeouts {
  connectTimeoutMs: number;
  firstByteTimeoutMs: number;
  idleChunkTimeoutMs: number;
}

/** A URL fit for messages: no credentials, no query string, no trailing slash. */
export function displayUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`.replace(/\/+$/, '');
  } catch {
    return '(invalid URL)';
  }
}

const CONNECT_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'EPIPE',
  'ECONNABORTED',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_DESTROYED',
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
]);

/** Who failed, for messages: `openai (https://api.openai.com/v1)`. */
export interface UpstreamIdentity {
  provider: string;
  endpoint: string;
  /** Strings that must never appear in a message (API keys). */
  secrets?: readonly string[];
}

export function redact(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const s of secrets) if (s.length >= 4) out = out.split(s).join('[redacted]');
  // Upstreams echo (partially masked) keys in 401 messages; strip anything key-shaped.
  return out.replace(/\b(?:(?:sk|rk|pk|gsk|xai)[-_][A-Za-z0-9_*.-]{6,}|AIza[0-9A-Za-z_-]{20,})/g, '[redacted]');
}

function errCode(err: unknown): string | undefined {
  let e: unknown = err;
  for (let depth = 0; e && depth < 4; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code !== 'UND_ERR') return code;
    const errors = (e as { errors?: unknown[] }).errors; // AggregateError from happy eyeballs
    if (Array.isArray(errors) && errors.length) e = errors[0];
    else e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Maps a thrown transport error (undici, node net, fetch) to a GatewayError. */
export function transportError(
  err: unknown,
  who: UpstreamIdentity,
  why: { deadlineMs?: number; clientAborted?: boolean; timeouts?: PhaseTimeouts } = {},
): GatewayError {
  const at = `${who.provider} (${who.endpoint})`;
  const base = { provider: who.provider, cause: err };
  // The deadline or the client's abort explain whatever error the aborted call produced.
  if (why.deadlineMs !== undefined) {
    return new GatewayError({ ...base, kind: 'upstream_timeout', status: 504, message: `${at} did not answer within ${why.deadlineMs} ms` });
  }
  if (why.clientAborted) return new GatewayError({ ...base, kind: 'aborted', status: 499, message: 'client closed request' });
  if (err instanceof GatewayError) return err;
  if (err instanceof DeadlineExceeded) {
    return new GatewayError({ ...base, kind: 'upstream_timeout', status: 504, message: `${at} did not finish within ${err.ms} ms` });
  }
  if (err instanceof BodyTooLarge) return tooLarge(who, 'a response body', err.limit, 'maxResponseBytes', err);
  const code = errCode(err);
  const t = why.timeouts;
  switch (code) {
    case 'UND_ERR_CONNECT_TIMEOUT':
    case 'ETIMEDOUT':
      return new GatewayError({ ...base, kind: 'upstream_timeout', status: 504, message: `${at} could not be reached: connect timed out${t ? ` after ${t.connectTimeoutMs} ms` : ''}` });
    case 'UND_ERR_HEADERS_TIMEOUT':
      return new GatewayError({ ...base, kind: 'upstream_timeout', status: 504, message: `${at} sent no response within ${t?.firstByteTimeoutMs ?? '?'} ms` });
    case 'UND_ERR_BODY_TIMEOUT':
      return new GatewayError({ ...base, kind: 'upstream_timeout', status: 504, message: `${at} went silent for ${t?.idleChunkTimeoutMs ?? '?'} ms mid-response` });
  }
  if (code && CONNECT_CODES.has(code)) {
    const what =
      code === 'ECONNREFUSED' ? 'refused the connection'
      : code === 'ENOTFOUND' || code === 'EAI_AGAIN' ? 'could not be resolved (DNS)'
      : code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'EHOSTDOWN' ? 'is unreachable'
      : 'closed the connection';
    return new GatewayError({ ...base, kind: 'upstream_connect', status: 502, message: `${at} ${what} (${code})` });
  }
  if (isAbortError(err)) return new GatewayError({ ...base, kind: 'aborted', status: 499, message: 'client closed request' });
  const msg = err instanceof Error ? err.message : String(err);
  return new GatewayError({ ...base, kind: 'upstream_connect', status: 502, message: `${at} failed: ${redact(msg, who.secrets)}` });
}

const round = (n: number): number => Math.round(n * 10) / 10;
const sizeText = (bytes: number): string =>
  bytes >= 1024 * 1024 ? `${round(bytes / 1024 / 1024)} MB` : bytes >= 1024 ? `${round(bytes / 1024)} KB` : `${bytes} bytes`;

/** A body, event or line over its cap: the call was cut there (502, upstream_protocol). `setting`: the server.* knob. */
export function tooLarge(who: UpstreamIdentity, what: string, limit: number, setting: string, cause?: unknown): GatewayError {
  return protocolError(who, `sent ${what} over the ${sizeText(limit)} limit (server.${setting}); the call was cut there`, cause);
}

export function protocolError(who: UpstreamIdentity, what: string, cause?: unknown): GatewayError {
  return new GatewayError({
    kind: 'upstream_protocol',
    status: 502,
    provider: who.provider,
    message: `${who.provider} (${who.endpoint}) ${redact(what, who.secrets)}`,
    cause,
  });
}

/** Retry-After (seconds or HTTP date) or OpenAI's retry-after-ms, in ms. */
export function parseRetryAfter(headers: Record<string, string | string[] | undefined>, now = Date.now()): number | undefined {
  const one = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);
  const ms = Number(one(headers['retry-after-ms']));
  if (Number.isFinite(ms) && ms >= 0 && one(headers['retry-after-ms']) !== undefined) return Math.round(ms);
  const v = one(headers['retry-after'])?.trim();
  if (!v) return undefined;
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const date = Date.parse(v);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** The upstream's own message from an OpenAI / Anthropic / Ollama error body, or a trimmed text/HTML summary. */
export function upstreamMessage(bodyText: string): { message: string; code?: string; param?: string } {
  const text = bodyText.trim();
  if (text === '') return { message: '(empty body)' };
  try {
    const j = JSON.parse(text) as Record<string, unknown>;
    const e = Array.isArray(j) ? (j[0] as Record<string, unknown>)?.error : j.error; // Gemini wraps in an array
    if (typeof e === 'string') return { message: e };
    if (e && typeof e === 'object') {
      const o = e as Record<string, unknown>;
      const message = typeof o.message === 'string' ? o.message : JSON.stringify(o).slice(0, 500);
      const code = typeof o.code === 'string' ? o.code : typeof o.type === 'string' ? o.type : undefined;
      return { message, code, param: typeof o.param === 'string' ? o.param : undefined };
    }
    if (typeof j.message === 'string') return { message: j.message };
    if (typeof j.detail === 'string') return { message: j.detail };
    return { message: text.slice(0, 500) };
  } catch {
    if (/^<(!doctype|html)/i.test(text)) {
      const title = /<title>([^<]*)<\/title>/i.exec(text)?.[1] ?? /<h1>([^<]*)<\/h1>/i.exec(text)?.[1];
      return { message: `an HTML page${title ? ` ("${title.trim()}")` : ''}` };
    }
    return { message: text.slice(0, 500) };
  }
}

/** Maps an upstream HTTP error status + body to a GatewayError. */
export function httpError(
  who: UpstreamIdentity,
  status: number,
  bodyText: string,
  headers: Record<string, string | string[] | undefined> = {},
): GatewayError {
  const up = upstreamMessage(bodyText);
  const kind =
    status === 429 ? 'rate_limited'
    : status === 401 ? 'auth'
    : status === 403 ? 'permission'
    : status === 400 || status === 422 ? 'invalid_request'
    : status === 413 ? 'too_large'
    : 'upstream_http';
  return new GatewayError({
    kind,
    status,
    provider: who.provider,
    upstreamStatus: status,
    code: up.code,
    param: up.param,
    retryAfterMs: parseRetryAfter(headers),
    message: `${who.provider} returned HTTP ${status}: ${redact(up.message, who.secrets)}`,
  });
}

export function parseJsonBody<T>(who: UpstreamIdentity, text: string, contentType = ''): T {
  if (text.trim() === '') throw protocolError(who, 'returned an empty body');
  if (/text\/html/i.test(contentType) || /^\s*<(!doctype|html)/i.test(text)) {
    throw protocolError(who, `returned ${upstreamMessage(text).message} instead of JSON — is the base URL right?`);
  }
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    throw protocolError(who, 'returned invalid JSON', err);
  }
}
