import { responseParts } from '../core/stream-parts.js';
import type { ChatResponse, StreamPart } from '../core/types.js';

/** A cached answer as a well-formed stream, sliced like a live one so clients cannot tell the difference. */
export async function* replayAsParts(res: ChatResponse, requestId: string): AsyncIterable<StreamPart> {
  yield* responseParts(res, { id: `chatcmpl-${requestId}`, created: Math.floor(Date.now() / 1000), textSlice: 64 });
}
