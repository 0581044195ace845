import type { GatewayError } from '../../core/errors.js';
import type { FinishReason, StreamChunk, StreamEvent, Usage } from '../../core/types.js';
import type { StreamEncoder } from '../format.js';
import { anthropicUsage, errorType, messageId, stopReason } from './render.js';

// Internal stream events → Anthropic's SSE sequence:
//   message_start, ping, (content_block_start, content_block_delta*, content_block_stop)*, message_delta, message_stop
// Blocks are sequential: a new block opens whenever the kind of output changes (thinking → text → tool_use…).
// Chunks that carry an Anthropic upstream's own event (`raw.format === 'anthropic-messages'`) are forwarded as is.

const frame = (type: string, data: unknown): string => `event: ${type}\ndata: ${JSON.stringify(data)}\n\n`;

/** Anthropic data payloads start with their `type`; reading it with a regex avoids a JSON parse per event. */
const TYPE_RE = /^\s*\{\s*"type"\s*:\s*"([a-z_]+)"/;
function rawFrame(data: string): string {
  const type = TYPE_RE.exec(data)?.[1] ?? (JSON.parse(data) as { type?: string }).type ?? 'message';
  return `event: ${type}\ndata: ${data}\n\n`;
}

type Block = { kind: 'text' | 'thinking' } | { kind: 'tool'; toolIndex: number };

export class AnthropicStreamEncoder implements StreamEncoder {
  private started = false;
  private passThrough = false;
  private ended = false;
  private nextIndex = 0;
  private open: (Block & { index: number }) | undefined;
  /** Internal tool index → our block index (deltas may name a tool that is not the open block). */
  private toolBlocks = new Map<number, number>();
  private usage: Usage | undefined;
  private reason: FinishReason | undefined;
  private stopSequence: string | undefined;

  constructor(private readonly requestedModel: string) {}

  chunk(chunk: StreamChunk): string {
    if (chunk.raw?.format === 'anthropic-messages') {
      this.passThrough = true;
      return rawFrame(chunk.raw.data);
    }
    let out = '';
    for (const ev of chunk.events) out += this.event(ev);
    return out;
  }

  end(): string {
    if (this.passThrough || this.ended) return '';
    this.ended = true;
    let out = this.start(undefined) + this.closeBlock();
    const usage = anthropicUsage(this.usage);
    out += frame('message_delta', {
      type: 'message_delta',
      delta: { stop_reason: this.stopSequence ? 'stop_sequence' : stopReason(this.reason), stop_sequence: this.stopSequence ?? null },
      usage,
    });
    return out + frame('message_stop', { type: 'message_stop' });
  }

  error(err: GatewayError): string {
    this.ended = true;
    return frame('error', { type: 'error', error: { type: errorType(err), message: err.message } });
  }

  private event(ev: StreamEvent): string {
    switch (ev.type) {
      case 'start':
        return this.start(ev);
      case 'text':
        return ev.delta ? this.start(undefined) + this.ensure({ kind: 'text' }) + this.delta({ type: 'text_delta', text: ev.delta }) : '';
      case 'reasoning':
        return ev.delta
          ? this.start(undefined) + this.ensure({ kind: 'thinking' }) + this.delta({ type: 'thinking_delta', thinking: ev.delta })
          : '';
      case 'tool_call_start': {
        let out = this.start(undefined) + this.closeBlock();
        const index = this.nextIndex++;
        this.open = { kind: 'tool', toolIndex: ev.index, index };
        this.toolBlocks.set(ev.index, index);
        out += frame('content_block_start', {
          type: 'content_block_start',
          index,
          content_block: { type: 'tool_use', id: ev.id, name: ev.name, input: {} },
        });
        return out;
      }
      case 'tool_call_delta': {
        const index = this.toolBlocks.get(ev.index);
        if (index === undefined || !ev.argumentsDelta) return '';
        return frame('content_block_delta', {
          type: 'content_block_delta',
          index,
          delta: { type: 'input_json_delta', partial_json: ev.argumentsDelta },
        });
      }
      case 'usage':
        this.usage = ev.usage;
        return '';
      case 'finish':
        this.reason = ev.reason;
        this.stopSequence = ev.stopSequence;
        return this.start(undefined) + this.closeBlock();
    }
  }

  private start(ev: { id: string; model: string } | undefined): string {
    if (this.started) return '';
    this.started = true;
    const message = {
      id: ev?.id.startsWith('msg_') ? ev.id : messageId(),
      type: 'message',
      role: 'assistant',
      model: ev?.model || this.requestedModel,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      // Translated upstreams report usage only at the end; message_delta carries the real counts.
      usage: { input_tokens: 0, output_tokens: 0 },
    };
    return frame('message_start', { type: 'message_start', message }) + frame('ping', { type: 'ping' });
  }

  private ensure(block: { kind: 'text' | 'thinking' }): string {
    if (this.open?.kind === block.kind) return '';
    const out = this.closeBlock();
    const index = this.nextIndex++;
    this.open = { ...block, index };
    const content_block = block.kind === 'text' ? { type: 'text', text: '' } : { type: 'thinking', thinking: '', signature: '' };
    return out + frame('content_block_start', { type: 'content_block_start', index, content_block });
  }

  private delta(delta: Record<string, string>): string {
    return frame('content_block_delta', { type: 'content_block_delta', index: this.open?.index ?? 0, delta });
  }

  private closeBlock(): string {
    if (!this.open) return '';
    const index = this.open.index;
    this.open = undefined;
    return frame('content_block_stop', { type: 'content_block_stop', index });
  }
}
