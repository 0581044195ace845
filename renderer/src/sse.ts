// Server-sent events over fetch: EventSource cannot send an Authorization header, so we read the body stream.
import { createParser } from 'eventsource-parser';
import { adminFetch, errorText } from './api.js';

export interface SseHandlers<T> {
  onData(data: T): void;
  /** Connection state for the UI: live, or retrying with the reason. */
  onState?(state: { live: boolean; error?: string }): void;
}

export interface ReadOptions<T> {
  signal: AbortSignal;
  onData(data: T): void;
  /** POST this JSON body instead of a GET. */
  body?: unknown;
  onOpen?(): void;
}

/** Reads `data:` JSON events from `path` until the stream ends or `signal` aborts. */
export async function readSse<T>(path: string, { signal, onData, body, onOpen }: ReadOptions<T>): Promise<void> {
  const res = await adminFetch(path, {
    method: body === undefined ? 'GET' : 'POST',
    body: body === undefined ? undefined : JSON.stringify(body),
    headers: { Accept: 'text/event-stream' },
    signal,
  });
  if (!res.body) throw new Error('The gateway sent no event stream.');
  onOpen?.();
  const parser = createParser({
    onEvent(event) {
      if (!event.data) return;
      try {
        onData(JSON.parse(event.data) as T);
      } catch {
        /* a non-JSON keep-alive or comment: ignore */
      }
    },
  });
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    parser.feed(value);
  }
}

/** Keeps an SSE subscription open, reconnecting with backoff; returns the stop function. */
export function subscribeSse<T>(path: string, handlers: SseHandlers<T>): () => void {
  const ctrl = new AbortController();
  void (async () => {
    let delay = 500;
    while (!ctrl.signal.aborted) {
      try {
        await readSse<T>(path, {
          signal: ctrl.signal,
          onOpen: () => {
            delay = 500;
            handlers.onState?.({ live: true });
          },
          onData: handlers.onData,
        });
        handlers.onState?.({ live: false, error: 'The live feed closed; reconnecting…' });
      } catch (err) {
        if (ctrl.signal.aborted) return;
        handlers.onState?.({ live: false, error: errorText(err) });
      }
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 10_000);
    }
  })();
  return () => ctrl.abort();
}
