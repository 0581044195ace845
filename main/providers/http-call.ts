// One bounded call through undici's public API: `request()` on a keep-alive Pool, the client's AbortSignal,
// a whole-call deadline, and a body read into memory only up to a cap. HttpUpstream (http.ts) builds on these.
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import type { Dispatcher, Pool } from 'undici';
import { BodyTooLarge, DeadlineExceeded } from './http-errors.js';

/**
 * Joins a client signal with a deadline, for clients that take only a signal (Bedrock's AWS SDK): the joined
 * signal aborts with the client's reason, or with DeadlineExceeded when `ms` pass first (`fired()` says which).
 * `clear()` once the call is over.
 */
export function withDeadline(signal: AbortSignal, ms: number): { signal: AbortSignal; fired(): boolean; clear(): void } {
  const ac = new AbortController();
  let fired = false;
  const onAbort = (): void => ac.abort(signal.reason);
  if (signal.aborted) ac.abort(signal.reason);
  else signal.addEventListener('abort', onAbort, { once: true });
  const timer = setTimeout(() => {
    fired = true;
    ac.abort(new DeadlineExceeded(ms));
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

/**
 * A response body read as it arrives: undici's response body (a Node Readable). One consumer; leaving a
 * `for await` over it early, or `destroy()`, closes the upstream connection unless the body already ended.
 */
export interface UpstreamBody extends AsyncIterable<Buffer>, Pick<Readable, 'destroy' | 'on' | 'once'> {}

export interface StreamingResponse {
  statusCode: number;
  headers: IncomingHttpHeaders;
  body: UpstreamBody;
}

const ignore = (): void => {};

/**
 * One call through undici's public `request()` (node_modules/undici/types/dispatcher.d.ts, RequestOptions),
 * resolving at the response headers, with the client's `signal` (in `opts`) and a whole-call deadline:
 * - undici aborts the call on the signal once the call has a socket, and mid-body destroys the body with the
 *   signal's reason (lib/api/api-request.js); a call still waiting for its connection is rejected here at once;
 * - the deadline rejects a call still waiting for its headers, and later destroys the body with DeadlineExceeded.
 * The body's Readable holds at most its 64 KiB highWaterMark before undici stops reading the socket.
 */
export function boundedRequest(pool: Pool, opts: Dispatcher.RequestOptions & { signal: AbortSignal }, deadlineMs: number): Promise<Dispatcher.ResponseData> {
  const signal = opts.signal;
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise((resolve, reject) => {
    let body: UpstreamBody | undefined;
    let waiting = true;
    const settle = (): boolean => {
      if (!waiting) return false;
      waiting = false;
      signal.removeEventListener('abort', onAbort);
      return true;
    };
    const fail = (err: Error): void => {
      if (settle()) {
        clearTimeout(timer);
        reject(err);
      }
    };
    const onAbort = (): void => fail(signal.reason as Error);
    const timer = setTimeout(() => {
      if (body) body.destroy(new DeadlineExceeded(deadlineMs));
      else fail(new DeadlineExceeded(deadlineMs));
    }, deadlineMs);
    timer.unref();
    signal.addEventListener('abort', onAbort, { once: true });
    pool.request(opts).then((res) => {
      // Errors reach readers through their iteration; this listener only keeps a destroy() of a body nobody
      // iterates (a refused encoding, an answer that came after the deadline) from being an uncaught 'error'.
      res.body.on('error', ignore);
      if (!settle()) return void res.body.destroy();
      res.body.once('close', () => clearTimeout(timer));
      body = res.body;
      resolve(res);
    }, fail);
  });
}

/**
 * Reads a body into memory up to `limit` bytes. Past it the call is closed, and either the head is kept
 * ('truncate', for error messages) or BodyTooLarge is thrown ('fail'; a declared content-length over the limit
 * fails before a byte is read). Destroying undici's body closes its connection.
 */
export function readCapped(res: StreamingResponse, limit: number, overLimit: 'truncate' | 'fail'): Promise<Buffer> {
  const body = res.body;
  if (overLimit === 'fail' && Number(res.headers['content-length']) > limit) {
    body.destroy();
    return Promise.reject(new BodyTooLarge(limit));
  }
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    const whole = (): Buffer => (parts.length === 1 ? parts[0] : Buffer.concat(parts, size));
    body.on('data', (chunk: Buffer) => {
      if (size + chunk.length <= limit) {
        parts.push(chunk);
        size += chunk.length;
      } else if (overLimit === 'fail') {
        body.destroy(new BodyTooLarge(limit));
      } else {
        parts.push(chunk.subarray(0, limit - size));
        size = limit;
        resolve(whole());
        body.destroy();
      }
    });
    body.once('end', () => resolve(whole()));
    body.once('error', reject);
  });
}
