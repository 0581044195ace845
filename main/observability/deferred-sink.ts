// Bookkeeping after the answer, in batches: records wait a few milliseconds and are then passed on together. The
// request log and metrics never sit between the upstream's answer and the client, and they run many records at a
// time instead of once between every two requests. Readers call flush() first, so no finished request is missing.
import type { RequestRecord, RequestSink } from '../core/ports.js';

export const DEFER_MS = 10;

export interface DeferredSink extends RequestSink {
  /** Passes every queued record on now. */
  flush(): void;
}

export function deferredSink(inner: RequestSink, delayMs = DEFER_MS): DeferredSink {
  let queue: RequestRecord[] = [];
  let timer: NodeJS.Timeout | undefined;
  const flush = (): void => {
    clearTimeout(timer);
    timer = undefined;
    const batch = queue;
    queue = [];
    for (const r of batch) {
      try {
        inner.record(r);
      } catch {
        // The request log never fails a request, nor the records queued behind it.
      }
    }
  };
  return {
    record(r) {
      if (queue.push(r) === 1) {
        timer = setTimeout(flush, delayMs);
        timer.unref();
      }
    },
    flush,
  };
}
