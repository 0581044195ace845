// Building well-formed StreamPart sequences. Upstreams say "here is some text" or "here is a tool call's next
// argument chunk"; the union wants every block opened before its deltas and closed before `finish`. The sequencer
// is the one place that knows those rules, so that each decoder only says what it read.
import type { ChatResponse, FinishReason, StreamPart, Usage } from './types.js';

type BlockType = 'text' | 'reasoning';

export class PartSequencer {
  private open: { type: BlockType; id: string } | undefined;
  private readonly openCalls = new Set<string>();
  private blocks = 0;

  text(delta: string): StreamPart[] {
    return this.blockDelta('text', delta);
  }

  reasoning(delta: string): StreamPart[] {
    return this.blockDelta('reasoning', delta);
  }

  /** Opens a tool call (closing any open text or reasoning block). A second start of the same id is ignored. */
  toolCallStart(id: string, name: string): StreamPart[] {
    if (this.openCalls.has(id)) return [];
    this.openCalls.add(id);
    return [...this.endBlock(), { type: 'tool-call-start', id, name }];
  }

  toolCallDelta(id: string, argumentsDelta: string): StreamPart[] {
    return argumentsDelta && this.openCalls.has(id) ? [{ type: 'tool-call-delta', id, argumentsDelta }] : [];
  }

  toolCallEnd(id: string): StreamPart[] {
    return this.openCalls.delete(id) ? [{ type: 'tool-call-end', id }] : [];
  }

  /** Closes the open text or reasoning block, if any (e.g. Anthropic's content_block_stop). */
  endBlock(): StreamPart[] {
    const open = this.open;
    if (!open) return [];
    this.open = undefined;
    return [{ type: open.type === 'text' ? 'text-end' : 'reasoning-end', id: open.id }];
  }

  /** Closes everything still open, then finishes. */
  finish(reason: FinishReason, stopSequence?: string): StreamPart[] {
    const parts = this.endBlock();
    for (const id of this.openCalls) parts.push({ type: 'tool-call-end', id });
    this.openCalls.clear();
    parts.push(stopSequence ? { type: 'finish', reason, stopSequence } : { type: 'finish', reason });
    return parts;
  }

  usage(usage: Usage): StreamPart[] {
    return [{ type: 'usage', usage }];
  }

  private blockDelta(type: BlockType, delta: string): StreamPart[] {
    if (!delta) return [];
    const parts: StreamPart[] = [];
    if (this.open?.type !== type) {
      parts.push(...this.endBlock());
      this.open = { type, id: `${type}-${this.blocks++}` };
      parts.push({ type: type === 'text' ? 'text-start' : 'reasoning-start', id: this.open.id });
    }
    parts.push(type === 'text' ? { type: 'text-delta', id: this.open.id, delta } : { type: 'reasoning-delta', id: this.open.id, delta });
    return parts;
  }
}

/**
 * A complete response as a well-formed part sequence: for cache hits replayed as streams, and for upstreams that
 * answer a stream request with JSON. Text is cut into `textSlice`-character deltas (a cached answer streams like a
 * live one).
 */
export function responseParts(res: ChatResponse, opts: { id?: string; created?: number; textSlice?: number } = {}): StreamPart[] {
  const seq = new PartSequencer();
  const parts: StreamPart[] = [{ type: 'response-start', id: opts.id ?? res.id, model: res.model, created: opts.created ?? res.created }];
  if (res.reasoning) parts.push(...seq.reasoning(res.reasoning));
  const slice = opts.textSlice ?? (res.text.length || 1);
  for (let i = 0; i < res.text.length; i += slice) parts.push(...seq.text(res.text.slice(i, i + slice)));
  for (const call of res.toolCalls) parts.push(...seq.toolCallStart(call.id, call.name), ...seq.toolCallDelta(call.id, call.arguments));
  if (res.usage) parts.push(...seq.usage(res.usage));
  parts.push(...seq.finish(res.finishReason, res.stopSequence));
  return parts;
}
