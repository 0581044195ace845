// The OpenAI chat-completions stream: chat.completion.chunk payloads decoded into stream parts, one generator from
// the upstream's bytes to the pipeline.
import type { CallContext } from '../core/provider.js';
import { PartSequencer, responseParts } from '../core/stream-parts.js';
import type { FinishReason, StreamPart } from '../core/types.js';
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
 * Turns chat.completion.chunk payloads into stream parts, one payload at a time. Parts follow the upstream's
 * order: OpenAI sends `finish_reason` before its usage-only chunk, so for these upstreams `usage` may follow
 * `finish` (every encoder holds usage until the end). Tool calls are keyed by `index` on the wire and by id here.
 */
export class OpenAIStreamDecoder {
  private started = false;
  private readonly toolIds = new Map<number, string>();
  private readonly seq = new PartSequencer();
  finished = false;

  constructor(
    private readonly who: UpstreamIdentity,
    private readonly fallbackModel: string,
  ) {}

  decode(data: string): StreamPart[] {
    const d = sseJson<OpenAIChunkWire>(data, this.who);
    if (d === null || typeof d !== 'object') throw protocolError(this.who, `sent an unexpected event: ${data.slice(0, 80)}`);
    if (d.error) throw midStreamError(this.who, d.error);
    const parts: StreamPart[] = [];
    if (!this.started) {
      this.started = true;
      parts.push({
        type: 'response-start',
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
      if (reasoning) parts.push(...this.seq.reasoning(reasoning));
      const text = contentText(delta.content);
      if (text) parts.push(...this.seq.text(text));
      delta.tool_calls?.forEach((tc, pos) => {
        const index = tc.index ?? pos;
        let id = this.toolIds.get(index);
        if (id === undefined) {
          id = tc.id ?? `call_${index}`;
          this.toolIds.set(index, id);
          parts.push(...this.seq.toolCallStart(id, tc.function?.name ?? ''));
        }
        parts.push(...this.seq.toolCallDelta(id, tc.function?.arguments ?? ''));
      });
      if (choice.finish_reason) finish = finishReasonFromOpenAI(choice.finish_reason);
    }
    const usage = usageFromOpenAI(d.usage);
    if (usage) parts.push(...this.seq.usage(usage));
    if (finish) {
      this.finished = true;
      parts.push(...this.seq.finish(finish));
    }
    return parts;
  }

  /** `[DONE]` without a finish_reason (seen from some local servers) is still a clean end. */
  finishWithoutReason(): StreamPart[] {
    this.finished = true;
    return this.seq.finish('stop');
  }
}

/**
 * Starts a stream call and reads its OpenAI-wire SSE body into stream parts until `[DONE]`. With `passThrough`,
 * each payload's parts are followed by the payload itself (`raw-frame`), for a client that speaks this format.
 * Ends with an upstream_protocol error when the stream stops before a finish; transport errors are mapped.
 * Leaving the loop early closes the upstream socket.
 */
export async function* openAIStreamParts(
  send: () => Promise<StreamingResponse>,
  http: HttpUpstream,
  ctx: CallContext,
  opts: { fallbackModel: string; passThrough: boolean },
): AsyncGenerator<StreamPart> {
  const { fallbackModel, passThrough } = opts;
  const res = await send();
  const type = String(res.headers['content-type'] ?? '');
  if (!type.includes('text/event-stream')) {
    // Some servers ignore `stream` and answer JSON; others answer an HTML page. Both are useless here.
    const text = await http.readWhole(res, ctx.signal);
    if (type.includes('json') && text.trim() !== '') {
      const json = sseJson<OpenAIChatResponseWire>(text, http);
      yield* responseParts(fromOpenAIChatResponse(json, http, fallbackModel));
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
        else {
          yield* decoder.decode(ev.data);
          if (passThrough) yield { type: 'raw-frame', data: ev.data };
        }
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
  if (done) yield* decoder.finishWithoutReason();
  else throw protocolError(http, 'ended the stream before it finished');
}
