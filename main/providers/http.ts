// The one HTTP layer every HTTP-speaking adapter shares (Bedrock alone goes through the AWS SDK): one keep-alive
// undici Pool per upstream, called through undici's public `request()`, and every call bounded — connect,
// first-byte, idle and whole-call timeouts, a cap on non-streamed bodies, error bodies read only up to
// ERROR_BODY_BYTES, and no compressed bodies (see ACCEPT_IDENTITY). A streamed body is undici's response body, a
// Node Readable: adapters iterate it chunk by chunk, and while they are busy undici stops reading the socket
// (backpressure). The per-event and per-line caps of streams are applied by their readers (sse.ts, ndjson.ts)
// with the same `maxEventBytes`.
// undici sets TCP_NODELAY on its sockets (lib/core/connect.js: socket.setNoDelay(true)).
import { Pool, type Dispatcher } from 'undici';
import type { GatewayError } from '../core/errors.js';
import { boundedRequest, readCapped, type StreamingResponse } from './http-call.js';
import { displayUrl, httpError, parseJsonBody, protocolError, transportError, type UpstreamIdentity } from './http-errors.js';

export { withDeadline, type StreamingResponse, type UpstreamBody } from './http-call.js';

export {
  BodyTooLarge,
  DeadlineExceeded,
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

  /** `phaseTimeoutMs` replaces the per-phase timeouts. */
  private request(o: SendOptions, deadlineMs: number, phaseTimeoutMs?: number): Promise<Dispatcher.ResponseData> {
    const headers = Object.assign({}, this.headers, o.body !== undefined ? JSON_CONTENT : undefined, o.headers);
    return boundedRequest(
      this.pool,
      {
        origin: this.origin,
        path: this.basePath + o.path + this.query,
        method: o.method,
        headers,
        body: o.body === undefined ? undefined : typeof o.body === 'string' ? o.body : JSON.stringify(o.body),
        headersTimeout: phaseTimeoutMs,
        bodyTimeout: phaseTimeoutMs,
        signal: o.signal,
      },
      deadlineMs,
    );
  }

  private failure(err: unknown, signal: AbortSignal): GatewayError {
    return transportError(err, this, { clientAborted: signal.aborted, timeouts: this.timeouts });
  }

  /** An error status, with the head of its body for the message (the rest is not read). */
  private async statusError(res: StreamingResponse): Promise<GatewayError> {
    const text = await readCapped(res, ERROR_BODY_BYTES, 'truncate').then((b) => b.toString('utf8'), () => '');
    return httpError(this, res.statusCode, text, res.headers);
  }

  /** A compressed body (sent although ACCEPT_IDENTITY asked for none) is refused, not inflated. */
  private checkEncoding(res: StreamingResponse): void {
    const encoding = String(res.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
    if (encoding !== 'identity' && encoding !== '') {
      res.body.destroy();
      throw protocolError(this, `sent a ${encoding}-encoded body although it was asked for an uncompressed one (accept-encoding: identity)`);
    }
  }

  /**
   * Sends a streaming request; resolves with a 2xx response (body unread), throws a GatewayError for anything
   * else. The body is bounded by the idle and whole-call (streamTimeoutMs) timeouts; the reader caps each event.
   */
  async send(o: SendOptions): Promise<StreamingResponse> {
    let res: Dispatcher.ResponseData;
    try {
      res = await this.request(o, o.deadlineMs ?? this.timeouts.streamTimeoutMs);
    } catch (err) {
      throw this.failure(err, o.signal);
    }
    if (res.statusCode >= 400) throw await this.statusError(res);
    this.checkEncoding(res);
    return res;
  }

  /** The rest of a streamed response read whole (an upstream that answered a stream request with JSON), capped. */
  async readWhole(res: StreamingResponse, signal: AbortSignal): Promise<string> {
    try {
      return (await readCapped(res, this.timeouts.maxResponseBytes, 'fail')).toString('utf8');
    } catch (err) {
      throw this.failure(err, signal);
    }
  }

  /**
   * A non-streaming JSON call under the whole-call deadline, its body capped at maxResponseBytes.
   * Invalid/empty/HTML bodies → upstream_protocol.
   */
  async json<T>(o: SendOptions): Promise<T> {
    const deadlineMs = o.deadlineMs ?? this.timeouts.upstreamTimeoutMs;
    let res: StreamingResponse;
    let body: Buffer;
    try {
      // A non-streaming answer sends its headers only when it is complete, so the first-byte timeout must not
      // cut it short: the per-phase timeouts are stretched to the whole-call deadline.
      res = await this.request(o, deadlineMs, deadlineMs);
      if (res.statusCode >= 400) throw await this.statusError(res);
      this.checkEncoding(res);
      body = await readCapped(res, this.timeouts.maxResponseBytes, 'fail');
    } catch (err) {
      // The phase timeouts were the deadline: their messages name it.
      throw transportError(err, this, { clientAborted: o.signal.aborted, timeouts: { ...this.timeouts, firstByteTimeoutMs: deadlineMs, idleChunkTimeoutMs: deadlineMs } });
    }
    return parseJsonBody<T>(this, body.toString('utf8'), String(res.headers['content-type'] ?? ''));
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
