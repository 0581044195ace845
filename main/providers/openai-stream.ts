// The OpenAI chat-completions stream: chat.completion.chunk payloads decoded into internal events, one generator
// from the upstream's bytes to the pipeline, and a complete response replayed as chunks.
import type { CallContext } from '../core/provider.js';
import type { ChatResponse, FinishReason, StreamChunk, StreamEvent } from '../core/types.js';
import type { StreamingResponse } from './http.js';
import { protocolError, transportError, type HttpUpstream, type UpstreamIdentity } from './http.js';
import { SseReader, sseJson } from './sse.js';
import {
  contentText,
  finishReasonFromOpenAI,
  fromOpenAIChatResponse,
  midStreamError,
  usageFromOpenAI,
  type OpenAIChatResponseWire,
  type OpenAIChunkWire,
} from './openai-wire.js';

/**
 * Turns chat.completion.chunk payloads into internal events, one chunk at a time. Events follow the upstream's
 * order: OpenAI sends `finish_reason` before its usage-only chunk, so for these upstreams `usage` may follow
 * `finish` (every encoder holds usage until the end).
 */
export class OpenAIStreamDecoder {
  private started = false;
  private readonly toolIds = new Map<number, string>();
  finished = false;

  constructor(
    private readonly who: UpstreamIdentity,
    private readonly fallbackModel: string,
  ) {}

  decode(data: string): StreamChunk {
    const d = sseJson<OpenAIChunkWire>(data, this.who);
    if (d === null || typeof d !== 'object') throw protocolError(this.who, `sent an unexpected event: ${data.slice(0, 80)}`);
    if (d.error) throw midStreamError(this.who, d.error);
    const events: StreamEvent[] = [];
    if (!this.started) {
      this.started = true;
      events.push({
        type: 'start',
        id: d.id ?? `chatcmpl-${Date.now().toString(36)}`,
        model: d.model ?? this.fallbackModel,
        created: d.created ?? Math.floor(Date.now() / 1000),
      });
    }
    let finish: FinishReason | undefined;
    const choice = d.choices?.[0];
    if (choice) {
      const delta = choice.delta ?? {};
      const reasoning = delta.reasoning_content ?? delta.reasoning;
      if (reasoning) events.push({ type: 'reasoning', delta: reasoning });
      const text = contentText(delta.content);
      if (text) events.push({ type: 'text', delta: text });
      if (delta.tool_calls) {
        delta.tool_calls.forEach((tc, pos) => {
          const index = tc.index ?? pos;
          if (!this.toolIds.has(index)) {
            const id = tc.id ?? `call_${index}`;
            this.toolIds.set(index, id);
            events.push({ type: 'tool_call_start', index, id, name: tc.function?.name ?? '' });
          }
          const args = tc.function?.arguments;
          if (args) events.push({ type: 'tool_call_delta', index, argumentsDelta: args });
        });
      }
      if (choice.finish_reason) finish = finishReasonFromOpenAI(choice.finish_reason);
    }
    const usage = usageFromOpenAI(d.usage);
    if (usage) events.push({ type: 'usage', usage });
    if (finish) {
      this.finished = true;
      events.push({ type: 'finish', reason: finish });
    }
    return { events, raw: { format: 'openai-chat', data } };
  }
}

/**
 * Starts a stream call and reads its OpenAI-wire SSE body into StreamChunks until `[DONE]`. One generator from the
 * upstream's bytes to the pipeline: every layer of async iteration costs a few µs before the first byte. Ends with
 * an upstream_protocol error when the stream stops before a finish; transport errors are mapped. Leaving the loop
 * early closes the upstream socket.
 */
export async function* openAIChunks(
  send: () => Promise<StreamingResponse>,
  http: HttpUpstream,
  ctx: CallContext,
  fallbackModel: string,
): AsyncGenerator<StreamChunk> {
  const res = await send();
  const type = String(res.headers['content-type'] ?? '');
  if (!type.includes('text/event-stream')) {
    // Some servers ignore `stream` and answer JSON; others answer an HTML page. Both are useless here.
    const text = await http.readWhole(res, ctx.signal);
    if (type.includes('json') && text.trim() !== '') {
      const json = sseJson<OpenAIChatResponseWire>(text, http);
      yield* responseAsChunks(fromOpenAIChatResponse(json, http, fallbackModel));
      return;
    }
    throw protocolError(http, `answered a stream request with ${type || 'no content type'}${text.trim() ? '' : ' and an empty body'}`);
  }
  const decoder = new OpenAIStreamDecoder(http, fallbackModel);
  const sse = new SseReader(http, http.timeouts.maxEventBytes);
  let done = false;
  let ended = false;
  try {
    for await (const bytes of res.body) {
      for (const ev of sse.push(bytes)) {
        // After [DONE], read on to the end of the body rather than break: breaking destroys the body, and with
        // it a keep-alive connection that the next request would have reused.
        if (done) continue;
        if (ev.data === '[DONE]') done = true;
        else yield decoder.decode(ev.data);
      }
    }
    ended = true;
  } catch (err) {
    throw transportError(err, http, { clientAborted: ctx.signal.aborted, timeouts: http.timeouts });
  } finally {
    // A consumer that stopped early: close the upstream connection instead of leaving a body unread.
    if (!ended) res.body.destroy();
  }
  if (decoder.finished) return;
  // `[DONE]` without a finish_reason (seen from some local servers) is still a clean end; silence is not.
  if (done) yield { events: [{ type: 'finish', reason: 'stop' }] };
  else throw protocolError(http, 'ended the stream before it finished');
}

/** A complete response replayed as stream chunks (for upstreams that answer a stream request with JSON). */
export function* responseAsChunks(r: ChatResponse): Generator<StreamChunk> {
  const events: StreamEvent[] = [{ type: 'start', id: r.id, model: r.model, created: r.created }];
  if (r.reasoning) events.push({ type: 'reasoning', delta: r.reasoning });
  if (r.text) events.push({ type: 'text', delta: r.text });
  r.toolCalls.forEach((c, index) => {
    events.push({ type: 'tool_call_start', index, id: c.id, name: c.name });
    if (c.arguments) events.push({ type: 'tool_call_delta', index, argumentsDelta: c.arguments });
  });
  if (r.usage) events.push({ type: 'usage', usage: r.usage });
  events.push({ type: 'finish', reason: r.finishReason });
  yield { events };
}
