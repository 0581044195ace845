import type { ChatResponse, StreamChunk, StreamEvent } from '../core/types.js';

const TEXT_SLICE = 64;

/** A cached answer as a well-formed stream, sliced like a live one so clients cannot tell the difference. */
export function replayAsChunks(res: ChatResponse, requestId: string): StreamChunk[] {
  const events: StreamEvent[] = [{ type: 'start', id: `chatcmpl-${requestId}`, model: res.model, created: Math.floor(Date.now() / 1000) }];
  if (res.reasoning) events.push({ type: 'reasoning', delta: res.reasoning });
  for (let i = 0; i < res.text.length; i += TEXT_SLICE) events.push({ type: 'text', delta: res.text.slice(i, i + TEXT_SLICE) });
  res.toolCalls.forEach((c, index) => {
    events.push({ type: 'tool_call_start', index, id: c.id, name: c.name });
    events.push({ type: 'tool_call_delta', index, argumentsDelta: c.arguments });
  });
  if (res.usage) events.push({ type: 'usage', usage: res.usage });
  events.push({ type: 'finish', reason: res.finishReason, ...(res.stopSequence ? { stopSequence: res.stopSequence } : {}) });
  return events.map((e) => ({ events: [e] }));
}

export async function* fromArray<T>(items: T[]): AsyncIterable<T> {
  yield* items;
}
