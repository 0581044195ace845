// The one HTTP layer every HTTP-speaking adapter shares (Bedrock alone goes through the AWS SDK): one keep-alive
// undici Pool per upstream, and every call bounded — connect, first-byte, idle and whole-call timeouts, a cap on
// non-streamed bodies, error bodies read only up to ERROR_BODY_BYTES, and no compressed bodies (see
// ACCEPT_IDENTITY). Streams are pulled with backpressure and never collected; the per-event and per-line caps
// of streams are applied by their readers (sse.ts, ndjson.ts) with the same `maxEventBytes`.
// undici sets TCP_NODELAY on its sockets (lib/core/connect.js: socket.setNoDelay(true)).
import { Pool, type Dispatcher } from 'undici';
import { bufferedRequest, streamingRequest, type BufferedResponse, type StreamingResponse } from './dispatch.js';
import { displayUrl, httpError, parseJsonBody, protocolError, transportError, type UpstreamIdentity } from './http-errors.js';

export {
  displayUrl,
  httpError,
  parseJsonBody,
  parseRetryAfter,
  protocolError,
  redact,
  tooLarge,
  transportError,
  upstreamMessage,
  type UpstreamIdentity,
} from './http-errors.js';

/** The bounds of every upstream call: timeouts, and byte caps (the `server.*` settings of the same names). */
export interface HttpTimeouts {
  connectTimeoutMs: number;
  /** Until the response headers arrive. */
  firstByteTimeoutMs: number;
  /** Max silence between body chunks. */
  idleChunkTimeoutMs: number;
  /** Whole-call deadline of non-streaming calls. */
  upstreamTimeoutMs: number;
  /** Whole-call deadline of streams (a stream that trickles a byte a minute still ends). */
  streamTimeoutMs: number;
  /** Cap on a non-streamed body. */
  maxResponseBytes: number;
  /** Cap on one SSE event or one NDJSON line of a stream. */
  maxEventBytes: number;
}

export const defaultTimeouts: HttpTimeouts = {
  connectTimeoutMs: 5_000,
  firstByteTimeoutMs: 60_000,
  idleChunkTimeoutMs: 60_000,
  upstreamTimeoutMs: 120_000,
  streamTimeoutMs: 1_800_000,
  maxResponseBytes: 64 * 1024 * 1024,
  maxEventBytes: 16 * 1024 * 1024,
};

/** Picks the call bounds out of `settings.server`. */
export function timeoutsFrom(server: HttpTimeouts): HttpTimeouts {
  const { connectTimeoutMs, firstByteTimeoutMs, idleChunkTimeoutMs, upstreamTimeoutMs, streamTimeoutMs, maxResponseBytes, maxEventBytes } = server;
  return { connectTimeoutMs, firstByteTimeoutMs, idleChunkTimeoutMs, upstreamTimeoutMs, streamTimeoutMs, maxResponseBytes, maxEventBytes };
}

/** Error bodies are read only for their message. */
const ERROR_BODY_BYTES = 64 * 1024;
const JSON_CONTENT = { 'content-type': 'application/json' } as const;
/**
 * Bodies come uncompressed. Without Accept-Encoding "any content coding is considered acceptable" (RFC 9110
 * §12.5.3), so we say `identity`; an upstream that compresses anyway is refused (checkEncoding) rather than
 * inflated: that leaves no inflate step to bound, and LLM answers are small or streamed token by token.
 */
const ACCEPT_IDENTITY = { 'accept-encoding': 'identity' } as const;

/** Joins a client signal with a deadline; `fired()` says whether the deadline (not the client) aborted. */
export function withDeadline(signal: AbortSignal, ms: number): { signal: AbortSignal; fired(): boolean; clear(): void } {
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
  signal: AbortSignal;
  headers?: Record<string, string>;
  /** Replaces the whole-call deadline (upstreamTimeoutMs for json(), streamTimeoutMs for send()). */
  deadlineMs?: number;
}

/** One upstream origin: a keep-alive pool plus the identity used in error messages. */
export class HttpUpstream implements UpstreamIdentity {
  readonly provider: string;
  readonly endpoint: string;
  readonly secrets: readonly string[];
  readonly timeouts: HttpTimeouts;
  private readonly pool: Pool;
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
    this.headers = { ...ACCEPT_IDENTITY, ...opts.headers };
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
  }

  /** `phaseTimeoutMs` replaces the per-phase timeouts (json(): the whole-call deadline governs). */
  private dispatchOptions(o: SendOptions, phaseTimeoutMs?: number): Dispatcher.DispatchOptions {
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

  /** A compressed body (sent although ACCEPT_IDENTITY asked for none) is refused, not inflated. */
  private checkEncoding(headers: BufferedResponse['headers']): void {
    const encoding = String(headers['content-encoding'] ?? 'identity').trim().toLowerCase();
    if (encoding !== 'identity' && encoding !== '') {
      throw protocolError(this, `sent a ${encoding}-encoded body although it was asked for an uncompressed one (accept-encoding: identity)`);
    }
  }

  /**
   * Sends a streaming request; resolves with a 2xx response (body unread), throws a GatewayError for anything
   * else. The body is bounded by the idle and whole-call (streamTimeoutMs) timeouts; the reader caps each event.
   */
  async send(o: SendOptions): Promise<StreamingResponse> {
    let res: StreamingResponse;
    try {
      res = await streamingRequest(this.pool, this.dispatchOptions(o), o.signal, o.deadlineMs ?? this.timeouts.streamTimeoutMs);
    } catch (err) {
      throw transportError(err, this, { clientAborted: o.signal.aborted, timeouts: this.timeouts });
    }
    if (res.statusCode >= 400) {
      const text = await res.body.text(ERROR_BODY_BYTES).catch(() => '');
      throw httpError(this, res.statusCode, text, res.headers);
    }
    try {
      this.checkEncoding(res.headers);
    } catch (err) {
      res.body.destroy();
      throw err;
    }
    return res;
  }

  /** The rest of a streamed response read whole (an upstream that answered a stream request with JSON), capped. */
  async readWhole(res: StreamingResponse, signal: AbortSignal): Promise<string> {
    try {
      return await res.body.text(this.timeouts.maxResponseBytes, 'fail');
    } catch (err) {
      throw transportError(err, this, { clientAborted: signal.aborted, timeouts: this.timeouts });
    }
  }

  /**
   * A non-streaming JSON call under the whole-call deadline, its body capped at maxResponseBytes.
   * Invalid/empty/HTML bodies → upstream_protocol.
   */
  async json<T>(o: SendOptions): Promise<T> {
    const deadlineMs = o.deadlineMs ?? this.timeouts.upstreamTimeoutMs;
    let res: BufferedResponse;
    try {
      // A non-streaming answer sends its headers only when it is complete, so the first-byte timeout must not
      // cut it short: the per-phase timeouts are stretched to the whole-call deadline.
      res = await bufferedRequest(this.pool, this.dispatchOptions(o, deadlineMs), {
        signal: o.signal,
        deadlineMs,
        errorBodyLimit: ERROR_BODY_BYTES,
        maxBodyBytes: this.timeouts.maxResponseBytes,
      });
    } catch (err) {
      throw transportError(err, this, { clientAborted: o.signal.aborted, timeouts: this.timeouts });
    }
    if (res.statusCode >= 400) throw httpError(this, res.statusCode, res.body.toString('utf8'), res.headers);
    this.checkEncoding(res.headers);
    return parseJsonBody<T>(this, res.body.toString('utf8'), String(res.headers['content-type'] ?? ''));
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
