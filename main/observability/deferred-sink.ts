// Bookkeeping after the answer: records are passed on in a setImmediate, i.e. after the response has been
// written, so the request log and metrics never sit between the upstream's answer and the client.
import type { RequestRecord, RequestSink } from '../core/ports.js';

export function deferredSink(inner: RequestSink): RequestSink {
  let queue: RequestRecord[] = [];
  const drain = (): void => {
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
      if (queue.push(r) === 1) setImmediate(drain);
    },
  };
}
