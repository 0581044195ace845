// The HTTP layer every HTTP-speaking adapter shares: one keep-alive undici Pool per upstream, per-phase
// timeouts, a whole-call deadline for non-streaming calls, and the mapping of every failure to a GatewayError.
// undici sets TCP_NODELAY on its sockets (lib/core/connect.js: socket.setNoDelay(true)).
import { Pool, fetch as undiciFetch, type Dispatcher } from 'undici';
import type { AbortLike } from '../core/client-abort.js';
import { GatewayError, isAbortError } from '../core/errors.js';
import { bufferedRequest, DeadlineExceeded, streamingRequest, type BufferedResponse, type StreamingResponse } from './dispatch.js';

export interface HttpTimeouts {
  connectTimeoutMs: number;
  /** Until the response headers arrive. */
  firstByteTimeoutMs: number;
  /** Max silence between body chunks. */
  idleChunkTimeoutMs: number;
  /** Whole-call deadline of non-streaming calls. */
  upstreamTimeoutMs: number;
}

export const defaultTimeouts: HttpTimeouts = {
  connectTimeoutMs: 5_000,
  firstByteTimeoutMs: 60_000,
  idleChunkTimeoutMs: 60_000,
  upstreamTimeoutMs: 120_000,
};

/** Picks the timeouts out of `settings.server`. */
export function timeoutsFrom(server: HttpTimeouts): HttpTimeouts {
  const { connectTimeoutMs, firstByteTimeoutMs, idleChunkTimeoutMs, upstreamTimeoutMs } = server;
  return { connectTimeoutMs, firstByteTimeoutMs, idleChunkTimeoutMs, upstreamTimeoutMs };
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

const MAX_ERROR_BODY = 64 * 1024;
const JSON_CONTENT = { 'content-type': 'application/json' } as const;
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
  why: { deadlineMs?: number; clientAborted?: boolean; timeouts?: HttpTimeouts } = {},
): GatewayError {
  const at = `${who.provider} (${who.endpoint})`;
  const base = { provider: who.provider, cause: err };
  // The deadline or the client's abort explain whatever error the aborted call produced.
  if (why.deadlineMs !== undefined) {
    return new GatewayError({ ...base, kind: 'upstream_timeout', status: 504, message: `${at} did not answer within ${why.deadlineMs} ms` });
  }
  if (why.clientAborted) return new GatewayError({ ...base, kind: 'aborted', status: 499, message: 'client closed request' });
  if (err instanceof GatewayError) return err;
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

/** Joins a client signal with a deadline; `fired()` says whether the deadline (not the client) aborted. */
export function withDeadline(signal: AbortLike, ms: number): { signal: AbortSignal; fired(): boolean; clear(): void } {
  const ac = new AbortController();
  let fired = false;
  const onAbort = (): void => ac.abort(signal.reason);
  if (signal.aborted) ac.abort(signal.reason);
  else signal.addEventListener('abort', onAbort, { once: true });
  const timer = setTimeout(() => {
    fired = true;
    ac.abort(new DOMException('deadline exceeded', 'TimeoutError'));
  }, ms);
  timer.unref?.();
  return {
    signal: ac.signal,
    fired: () => fired,
    clear: () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    },
  };
}

export interface UpstreamOptions {
  provider: string;
  /** Base URL; paths passed to calls are appended to its path. */
  baseUrl: string;
  timeouts: HttpTimeouts;
  /** Sent with every request (auth, provider-specific headers). */
  headers?: Record<string, string>;
  secrets?: readonly string[];
  /** Appended to every path (e.g. Azure's `api-version=...`), without the `?`. */
  query?: string;
}

export interface SendOptions {
  method: 'GET' | 'POST';
  /** Relative to the base URL path, starting with '/'. */
  path: string;
  body?: unknown;
  signal: AbortLike;
  headers?: Record<string, string>;
}

/** One upstream origin: a keep-alive pool plus the identity used in error messages. */
export class HttpUpstream implements UpstreamIdentity {
  readonly provider: string;
  readonly endpoint: string;
  readonly secrets: readonly string[];
  readonly timeouts: HttpTimeouts;
  private readonly pool: Pool;
  /** The same pool, with the per-phase timeouts stretched to the whole-call deadline (fetchWith's non-streaming calls). */
  private readonly wholeCall: Dispatcher;
  private readonly basePath: string;
  private readonly origin: string;
  private readonly headers: Record<string, string>;
  private readonly query: string;

  constructor(opts: UpstreamOptions) {
    const url = new URL(opts.baseUrl);
    this.provider = opts.provider;
    this.endpoint = displayUrl(opts.baseUrl);
    this.secrets = opts.secrets ?? [];
    this.timeouts = opts.timeouts;
    this.origin = url.origin;
    this.basePath = url.pathname.replace(/\/+$/, '');
    const query = [url.search.slice(1), opts.query].filter(Boolean).join('&');
    this.query = query ? `?${query}` : '';
    this.headers = { ...opts.headers };
    if (url.username) {
      this.headers.authorization ??= `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}`;
    }
    this.pool = new Pool(this.origin, {
      connect: { timeout: opts.timeouts.connectTimeoutMs },
      headersTimeout: opts.timeouts.firstByteTimeoutMs,
      bodyTimeout: opts.timeouts.idleChunkTimeoutMs,
      // Idle sockets are kept 4 s unless the server's Keep-Alive hint allows longer: reusing a socket the server
      // has just closed fails a POST, and servers without a hint (llama.cpp, some proxies) close after ~5 s.
      keepAliveTimeout: 4_000,
      keepAliveMaxTimeout: 600_000,
    });
    // As in json(): for a non-streaming answer the whole-call deadline governs, not the first-byte timeout.
    const t = opts.timeouts.upstreamTimeoutMs;
    this.wholeCall = this.pool.compose((dispatch) => (o, handler) => dispatch(Object.assign({}, o, { headersTimeout: t, bodyTimeout: t }), handler));
  }

  /** `phaseTimeoutMs` replaces the per-phase timeouts (json(): the whole-call deadline governs). */
  private dispatchOptions(o: SendOptions, phaseTimeoutMs?: number): Dispatcher.DispatchOptions {
    // Object.assign, not spreads: fields added after a spread take V8's slow path on Node 20 (see pipeline.ts).
    const headers = Object.assign({}, this.headers, o.body !== undefined ? JSON_CONTENT : undefined, o.headers);
    return {
      origin: this.origin,
      path: this.basePath + o.path + this.query,
      method: o.method,
      headers,
      body: o.body === undefined ? undefined : typeof o.body === 'string' ? o.body : JSON.stringify(o.body),
      headersTimeout: phaseTimeoutMs,
      bodyTimeout: phaseTimeoutMs,
    };
  }

  /** Sends a request; resolves with a 2xx response (body unread), throws a GatewayError for anything else. */
  async send(o: SendOptions): Promise<StreamingResponse> {
    let res: StreamingResponse;
    try {
      res = await streamingRequest(this.pool, this.dispatchOptions(o), o.signal);
    } catch (err) {
      throw transportError(err, this, { clientAborted: o.signal.aborted, timeouts: this.timeouts });
    }
    if (res.statusCode >= 400) {
      const text = await res.body.text(MAX_ERROR_BODY).catch(() => '');
      throw httpError(this, res.statusCode, text, res.headers);
    }
    return res;
  }

  /** A non-streaming JSON call under the whole-call deadline. Invalid/empty/HTML bodies → upstream_protocol. */
  async json<T>(o: SendOptions): Promise<T> {
    const deadlineMs = this.timeouts.upstreamTimeoutMs;
    let res: BufferedResponse;
    try {
      // A non-streaming answer sends its headers only when it is complete, so the first-byte timeout must not
      // cut it short: the per-phase timeouts are stretched to the whole-call deadline.
      res = await bufferedRequest(this.pool, this.dispatchOptions(o, deadlineMs), {
        signal: o.signal,
        deadlineMs,
        errorBodyLimit: MAX_ERROR_BODY,
      });
    } catch (err) {
      throw transportError(err, this, {
        deadlineMs: err instanceof DeadlineExceeded ? deadlineMs : undefined,
        clientAborted: o.signal.aborted,
        timeouts: this.timeouts,
      });
    }
    if (res.statusCode >= 400) throw httpError(this, res.statusCode, res.body.toString('utf8', 0, MAX_ERROR_BODY), res.headers);
    return parseJsonBody<T>(this, res.body.toString('utf8'), String(res.headers['content-type'] ?? ''));
  }

  /**
   * A fetch bound to this pool (for client libraries such as `ollama`): HTTP errors are thrown as GatewayError
   * (so the library never sees them), transport errors are mapped, and `signal` aborts the call. `wholeCall`:
   * a non-streaming call, whose deadline the caller enforces through `signal`.
   */
  fetchWith(signal: AbortSignal, wholeCall = false): typeof fetch {
    const dispatcher = wholeCall ? this.wholeCall : this.pool;
    const f = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      const signals = init?.signal ? AbortSignal.any([signal, init.signal]) : signal;
      let res: Awaited<ReturnType<typeof undiciFetch>>;
      try {
        res = await undiciFetch(url, {
          method: init?.method,
          headers: Object.assign({}, this.headers, init?.headers as Record<string, string> | undefined),
          body: init?.body as string | undefined,
          signal: signals,
          dispatcher,
        });
      } catch (err) {
        throw transportError(err, this, { clientAborted: signal.aborted, timeouts: this.timeouts });
      }
      if (res.status >= 400) {
        const text = await res.text().catch(() => '');
        throw httpError(this, res.status, text, Object.fromEntries(res.headers));
      }
      return res as unknown as Response;
    };
    return f as typeof fetch;
  }

  close(): Promise<void> {
    return this.pool.close();
  }
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
