import type { GatewayError } from '../../core/errors.js';
import type { FinishReason, StreamPart, Usage } from '../../core/types.js';
import type { StreamEncoder } from '../format.js';
import { anthropicUsage, errorType, messageId, stopReason } from './render.js';

// Stream parts → Anthropic's SSE sequence:
//   message_start, ping, (content_block_start, content_block_delta*, content_block_stop)*, message_delta, message_stop
// Blocks are sequential: a new block opens whenever the kind of output changes (thinking → text → tool_use…).
// Under pass-through an Anthropic upstream's own events (`raw-frame`) are forwarded as they are.

const frame = (type: string, data: unknown): string => `event: ${type}\ndata: ${JSON.stringify(data)}\n\n`;

/** Anthropic data payloads start with their `type`; reading it with a regex avoids a JSON parse per event. */
const TYPE_RE = /^\s*\{\s*"type"\s*:\s*"([a-z_]+)"/;
function rawFrame(data: string): string {
  const type = TYPE_RE.exec(data)?.[1] ?? (JSON.parse(data) as { type?: string }).type ?? 'message';
  return `event: ${type}\ndata: ${data}\n\n`;
}

type Block = { kind: 'text' | 'thinking' } | { kind: 'tool'; callId: string };

export class AnthropicStreamEncoder implements StreamEncoder {
  private started = false;
  /** Pass-through: an upstream frame was written, so the upstream's own events end the message. */
  private framed = false;
  /** Pass-through: what the parts since the last frame translate to, written only if no frame carries them. */
  private pending = '';
  private ended = false;
  private nextIndex = 0;
  private open: (Block & { index: number }) | undefined;
  /** Tool call id → its block index (deltas may name a call that is not the open block). */
  private toolBlocks = new Map<string, number>();
  private usage: Usage | undefined;
  private reason: FinishReason | undefined;
  private stopSequence: string | undefined;

  constructor(
    private readonly requestedModel: string,
    private readonly passThrough = false,
  ) {}

  part(part: StreamPart): string {
    if (part.type === 'raw-frame') {
      this.framed = true;
      this.pending = '';
      return rawFrame(part.data);
    }
    const text = this.translate(part);
    if (!this.passThrough) return text;
    this.pending += text;
    return '';
  }

  end(): string {
    if (this.ended) return '';
    const pending = this.pending;
    this.pending = '';
    if (this.framed) return pending;
    this.ended = true;
    let out = pending + this.start(undefined) + this.closeBlock();
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

  private translate(part: Exclude<StreamPart, { type: 'raw-frame' }>): string {
    switch (part.type) {
      case 'response-start':
        return this.start(part);
      case 'text-delta':
        return part.delta ? this.start(undefined) + this.ensure({ kind: 'text' }) + this.delta({ type: 'text_delta', text: part.delta }) : '';
      case 'reasoning-delta':
        return part.delta
          ? this.start(undefined) + this.ensure({ kind: 'thinking' }) + this.delta({ type: 'thinking_delta', thinking: part.delta })
          : '';
      case 'text-end':
        return this.open?.kind === 'text' ? this.closeBlock() : '';
      case 'reasoning-end':
        return this.open?.kind === 'thinking' ? this.closeBlock() : '';
      case 'tool-call-start': {
        let out = this.start(undefined) + this.closeBlock();
        const index = this.nextIndex++;
        this.open = { kind: 'tool', callId: part.id, index };
        this.toolBlocks.set(part.id, index);
        out += frame('content_block_start', {
          type: 'content_block_start',
          index,
          content_block: { type: 'tool_use', id: part.id, name: part.name, input: {} },
        });
        return out;
      }
      case 'tool-call-delta': {
        const index = this.toolBlocks.get(part.id);
        if (index === undefined || !part.argumentsDelta) return '';
        return frame('content_block_delta', {
          type: 'content_block_delta',
          index,
          delta: { type: 'input_json_delta', partial_json: part.argumentsDelta },
        });
      }
      case 'tool-call-end':
        return this.open?.kind === 'tool' && this.open.callId === part.id ? this.closeBlock() : '';
      case 'usage':
        this.usage = part.usage;
        return '';
      case 'finish':
        this.reason = part.reason;
        this.stopSequence = part.stopSequence;
        return this.start(undefined) + this.closeBlock();
      case 'text-start':
      case 'reasoning-start':
      case 'error':
        // A block opens with its first delta (an empty block is never sent); an `error` part goes to error().
        return '';
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
    this.open = { kind: block.kind, index };
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
