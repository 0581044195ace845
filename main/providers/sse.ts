// Server-sent events from an upstream body (eventsource-parser), parsed synchronously chunk by chunk. Used by every
// adapter whose upstream streams SSE (OpenAI family, Anthropic, Gemini's OpenAI endpoint). It is fed the body's
// chunks by the adapter's own loop and returns the events each chunk completed, so one loop reads bytes and
// yields parts. One event (its unfinished line plus the data lines gathered so far) is capped: an endless event
// fails the stream instead of growing in memory.
import { StringDecoder } from 'node:string_decoder';
import { createParser, type EventSourceMessage, type EventSourceParser } from 'eventsource-parser';
import { defaultTimeouts, protocolError, tooLarge, type UpstreamIdentity } from './http.js';

export type { EventSourceMessage } from 'eventsource-parser';

const NONE: readonly EventSourceMessage[] = Object.freeze([]);

export class SseReader {
  private events: EventSourceMessage[] = [];
  private failure: Error | undefined;
  private readonly parser: EventSourceParser;
  /** Made only once a chunk ends inside a UTF-8 sequence; from then on it holds the partial bytes. */
  private decoder: StringDecoder | undefined;

  /** `maxEventBytes`: server.maxEventBytes (counted in characters, which is near enough for a cap). */
  constructor(who: UpstreamIdentity, maxEventBytes = defaultTimeouts.maxEventBytes) {
    this.parser = createParser({
      onEvent: (e) => this.events.push(e),
      onError: (e) => {
        this.failure ??=
          e.type === 'max-buffer-size-exceeded'
            ? tooLarge(who, 'one event', maxEventBytes, 'maxEventBytes', e)
            : protocolError(who, `sent a broken event stream: ${e.message}`, e);
      },
      // eventsource-parser keeps an unfinished line as fragments and checks their length with the event's data.
      maxBufferSize: maxEventBytes,
    });
  }

  /** The events that this chunk completed. A broken stream throws an upstream_protocol error. */
  push(chunk: Buffer | string): readonly EventSourceMessage[] {
    this.parser.feed(typeof chunk === 'string' ? chunk : this.text(chunk));
    if (this.failure) throw this.failure;
    if (this.events.length === 0) return NONE;
    const out = this.events;
    this.events = [];
    return out;
  }

  private text(chunk: Buffer): string {
    // A chunk that ends in ASCII cannot end inside a multi-byte character (SSE chunks end in a newline).
    if (this.decoder === undefined && (chunk.length === 0 || chunk[chunk.length - 1] < 0x80)) return chunk.toString('utf8');
    this.decoder ??= new StringDecoder('utf8');
    return this.decoder.write(chunk);
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
