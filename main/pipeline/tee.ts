// The tee of a stream: every part goes on to the client as it arrives, while the answer is assembled for the cache
// writer and the request log. Nothing is held back, and the client never waits for SQLite.
import { toGatewayError } from '../core/errors.js';
import type { ChatResponse, StreamPart, Usage } from '../core/types.js';
import { ResponseAssembler } from './assemble.js';

/** How a stream ended, for the request log; `answer` only when it finished cleanly (never a partial answer). */
export interface StreamEnd {
  status: number;
  error?: string;
  usage?: Usage;
  answer?: ChatResponse;
}

/**
 * Yields `first` and the rest of the upstream's parts. An upstream failure after the start becomes one final
 * `error` part (the client's encoder turns it into its format's error event). `ended` is told once how it went:
 * on a clean end, on a failure, and when the client went away (the consumer stopped iterating).
 */
export async function* tee(first: StreamPart, rest: AsyncIterator<StreamPart>, provider: string, ended: (end: StreamEnd) => void): AsyncGenerator<StreamPart> {
  const assembler = new ResponseAssembler();
  let end: StreamEnd | undefined;
  try {
    assembler.add(first);
    yield first;
    for (let next = await rest.next(); !next.done; next = await rest.next()) {
      assembler.add(next.value);
      yield next.value;
    }
    const answer = assembler.result();
    if (answer && answer.finishReason !== 'error') end = { status: 200, usage: answer.usage, answer };
    else if (assembler.finished) end = { status: 200, usage: assembler.usage };
    else end = { status: 502, error: 'stream ended without a finish event', usage: assembler.usage };
  } catch (e) {
    const error = toGatewayError(e, provider);
    end = { status: error.kind === 'aborted' ? 499 : error.status, error: error.message, usage: assembler.usage };
    yield { type: 'error', error };
  } finally {
    void rest.return?.();
    ended(end ?? { status: 499, error: 'client closed the stream', usage: assembler.usage });
  }
}
