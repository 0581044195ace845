// Upstream calls through undici's dispatch API. `request()` adds per call a body stream, an AbortSignal bridge and
// (for the deadline) a second AbortController; on a gateway whose whole added latency is a few hundred µs those
// were a visible share. Here: one handler per call, the client's signal wired straight to undici's abort.
// The bounds live here too: a buffered body stops at its cap (BodyTooLarge), an error body at its own, a stream
// holds at most about HIGH_WATER bytes before undici stops reading the socket, and an optional whole-call deadline
// ends any call (DeadlineExceeded).
import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';

interface CallEvents {
  start(statusCode: number, headers: IncomingHttpHeaders): void;
  data(chunk: Buffer): void;
  end(): void;
  /** Transport failure or abort (signal, deadline, destroy); at most once, and never after end(). */
  error(err: Error): void;
}

interface Call {
  abort(reason: Error): void;
  pause(): void;
  resume(): void;
}

const abortReason = (signal: AbortSignal): Error =>
  signal.reason instanceof Error ? signal.reason : new DOMException('This operation was aborted', 'AbortError');

function dispatchCall(dispatcher: Dispatcher, opts: Dispatcher.DispatchOptions, signal: AbortSignal, on: CallEvents): Call {
  let controller: Dispatcher.DispatchController | undefined;
  let pendingAbort: Error | undefined;
  let done = false;
  const finish = (): boolean => {
    if (done) return false;
    done = true;
    signal.removeEventListener('abort', onAbort);
    return true;
  };
  const abort = (reason: Error): void => {
    if (done) return;
    // Still queued in the pool: undici is told the moment it starts the request.
    if (controller) controller.abort(reason);
    else pendingAbort = reason;
    if (finish()) on.error(reason);
  };
  const onAbort = (): void => abort(abortReason(signal));
  if (signal.aborted) {
    queueMicrotask(onAbort);
    return { abort, pause() {}, resume() {} };
  }
  signal.addEventListener('abort', onAbort, { once: true });
  dispatcher.dispatch(opts, {
    onRequestStart(c) {
      controller = c;
      if (pendingAbort) c.abort(pendingAbort);
    },
    onResponseStart(_c, status, headers) {
      // 1xx informational heads are not the response.
      if (!done && status >= 200) on.start(status, headers);
    },
    onResponseData(_c, chunk) {
      if (!done) on.data(chunk);
    },
    onResponseEnd() {
      if (finish()) on.end();
    },
    onResponseError(_c, err) {
      if (finish()) on.error(err);
    },
  });
  return { abort, pause: () => controller?.pause(), resume: () => controller?.resume() };
}

export interface BufferedResponse {
  statusCode: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** The call's whole-call deadline passed before it finished. */
export class DeadlineExceeded extends Error {
  constructor(readonly ms: number) {
    super(`deadline of ${ms} ms exceeded`);
    this.name = 'TimeoutError';
  }
}

/** The response body went over its byte cap; the call was aborted there. */
export class BodyTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`response body over ${limit} bytes`);
    this.name = 'BodyTooLarge';
  }
}

export interface BufferedOptions {
  /** Aborts the call (the client went away); it rejects with the signal's reason. */
  signal: AbortSignal;
  /** Whole-call deadline; it rejects with DeadlineExceeded. */
  deadlineMs: number;
  /** Error bodies (status >= 400) are read up to this many bytes; then the call is closed. */
  errorBodyLimit: number;
  /** A 2xx body over this many bytes aborts the call with BodyTooLarge. */
  maxBodyBytes: number;
}

/** A non-streaming call, body collected in memory up to `maxBodyBytes` (error bodies up to `errorBodyLimit`). */
export function bufferedRequest(dispatcher: Dispatcher, opts: Dispatcher.DispatchOptions, o: BufferedOptions): Promise<BufferedResponse> {
  return new Promise((resolve, reject) => {
    let statusCode = 0;
    let headers: IncomingHttpHeaders = {};
    const parts: Buffer[] = [];
    let size = 0;
    const timer = setTimeout(() => call.abort(new DeadlineExceeded(o.deadlineMs)), o.deadlineMs);
    timer.unref?.();
    const settle = (): void => {
      clearTimeout(timer);
      resolve({ statusCode, headers, body: parts.length === 1 ? parts[0] : Buffer.concat(parts, size) });
    };
    const call = dispatchCall(dispatcher, opts, o.signal, {
      start(status, h) {
        statusCode = status;
        headers = h;
        // A declared length over the cap fails before a byte of the body is read.
        if (status < 400 && Number(h['content-length']) > o.maxBodyBytes) call.abort(new BodyTooLarge(o.maxBodyBytes));
      },
      data(chunk) {
        const limit = statusCode >= 400 ? o.errorBodyLimit : o.maxBodyBytes;
        if (size + chunk.length <= limit) {
          parts.push(chunk);
          size += chunk.length;
          return;
        }
        if (statusCode < 400) return call.abort(new BodyTooLarge(limit));
        // An error body is only read for its message: keep its head, answer with it, close the rest.
        parts.push(chunk.subarray(0, limit - size));
        size = limit;
        settle();
        call.abort(new DOMException('error body cut at its cap', 'AbortError'));
      },
      end: settle,
      error(err) {
        clearTimeout(timer);
        reject(err);
      },
    });
  });
}

/** A response body read as it arrives; one consumer. */
export interface UpstreamBody extends AsyncIterable<Buffer> {
  /** Stops reading and closes the upstream connection (unless the body already ended). */
  destroy(err?: Error): void;
  /**
   * The rest of the body as text, up to `limit` bytes: past it the connection is closed and the text is cut
   * (`'truncate'`, for error messages) or BodyTooLarge is thrown (`'fail'`).
   */
  text(limit?: number, overLimit?: 'truncate' | 'fail'): Promise<string>;
}

export interface StreamingResponse {
  statusCode: number;
  headers: IncomingHttpHeaders;
  body: UpstreamBody;
}

/** Bytes queued before undici is asked to stop reading the socket. */
const HIGH_WATER = 64 * 1024;

/**
 * A streaming call: resolves at the response headers; the body is pulled chunk by chunk, with backpressure (at
 * most about HIGH_WATER bytes wait in memory). `deadlineMs`: the whole call, body included, is aborted with
 * DeadlineExceeded after that long.
 */
export function streamingRequest(dispatcher: Dispatcher, opts: Dispatcher.DispatchOptions, signal: AbortSignal, deadlineMs?: number): Promise<StreamingResponse> {
  return new Promise((resolve, reject) => {
    const queue: Buffer[] = [];
    let head = 0;
    let queued = 0;
    let paused = false;
    let ended = false;
    let failure: Error | undefined;
    let wake: (() => void) | undefined;
    let started = false;
    let timer: NodeJS.Timeout | undefined;

    const notify = (): void => {
      const w = wake;
      wake = undefined;
      w?.();
    };
    const call = dispatchCall(dispatcher, opts, signal, {
      start(statusCode, headers) {
        started = true;
        resolve({ statusCode, headers, body });
      },
      data(chunk) {
        queue.push(chunk);
        queued += chunk.length;
        if (!paused && queued > HIGH_WATER) {
          paused = true;
          call.pause();
        }
        notify();
      },
      end() {
        clearTimeout(timer);
        ended = true;
        notify();
      },
      error(err) {
        clearTimeout(timer);
        failure = err;
        if (!started) reject(err);
        notify();
      },
    });
    if (deadlineMs !== undefined) {
      timer = setTimeout(() => call.abort(new DeadlineExceeded(deadlineMs)), deadlineMs);
      timer.unref?.();
    }

    async function next(): Promise<IteratorResult<Buffer>> {
      for (;;) {
        if (head < queue.length) {
          const chunk = queue[head];
          queue[head++] = undefined as unknown as Buffer;
          if (head === queue.length) queue.length = head = 0;
          queued -= chunk.length;
          if (paused && queued <= HIGH_WATER / 2) {
            paused = false;
            call.resume();
          }
          return { value: chunk, done: false };
        }
        if (failure) throw failure;
        if (ended) return { value: undefined, done: true };
        await new Promise<void>((r) => (wake = r));
      }
    }
    const destroy = (err?: Error): void => {
      if (!ended && !failure) call.abort(err ?? new DOMException('The body was not read to the end', 'AbortError'));
    };
    const body: UpstreamBody = {
      [Symbol.asyncIterator]: () => ({
        next,
        async return() {
          destroy();
          return { value: undefined, done: true };
        },
      }),
      destroy,
      async text(limit = Infinity, overLimit = 'truncate') {
        const parts: Buffer[] = [];
        let size = 0;
        for (let r = await next(); !r.done; r = await next()) {
          parts.push(r.value);
          size += r.value.length;
          if (size > limit) {
            destroy();
            if (overLimit === 'fail') throw new BodyTooLarge(limit);
            break;
          }
        }
        const all = Buffer.concat(parts, size);
        return (limit === Infinity ? all : all.subarray(0, limit)).toString('utf8');
      },
    };
  });
}
