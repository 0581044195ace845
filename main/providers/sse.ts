// Server-sent events over an upstream body (eventsource-parser), as an async iterator. Used by every adapter
// whose upstream streams SSE (OpenAI family, Anthropic, Gemini's OpenAI endpoint).
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { protocolError, type UpstreamIdentity } from './http.js';

export type { EventSourceMessage } from 'eventsource-parser';

/**
 * Yields each SSE event as it arrives. Parser errors become upstream_protocol errors thrown mid-iteration;
 * transport errors from `body` propagate unchanged (the caller maps them). Stopping the iteration early
 * destroys the body (through the async iterator's return()), which closes the upstream connection.
 */
export async function* sseEvents(body: AsyncIterable<Uint8Array | string>, who: UpstreamIdentity): AsyncGenerator<EventSourceMessage> {
  const queue: EventSourceMessage[] = [];
  let failure: Error | undefined;
  const parser = createParser({
    onEvent: (e) => queue.push(e),
    onError: (e) => {
      failure ??= protocolError(who, `sent a broken event stream: ${e.message}`, e);
    },
  });
  const decoder = new TextDecoder();
  for await (const chunk of body) {
    parser.feed(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
    if (failure) throw failure;
    // Index loop + reset: cheaper than shift() per event on hot streams.
    for (let i = 0; i < queue.length; i++) yield queue[i];
    queue.length = 0;
  }
}

/** Parses an SSE `data` payload as JSON; a broken frame is an upstream_protocol error. */
export function sseJson<T>(data: string, who: UpstreamIdentity): T {
  try {
    return JSON.parse(data) as T;
  } catch (err) {
    throw protocolError(who, `sent an event that is not valid JSON: ${data.slice(0, 80)}`, err);
  }
}
