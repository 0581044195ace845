import type { ChatResponse, StreamEvent, ToolCall } from '../core/types.js';

/** Past this many characters an answer still streams through, but is not kept whole (nor cached): memory stays flat. */
export const MAX_ASSEMBLED_CHARS = 16 * 1024 * 1024;

/** Rebuilds a complete response from stream events, for the cache and the request log. */
export class ResponseAssembler {
  private chars = 0;
  private id = '';
  private model = '';
  private created = 0;
  private text = '';
  private reasoning = '';
  private readonly calls: ToolCall[] = [];
  private response: Partial<Pick<ChatResponse, 'finishReason' | 'stopSequence' | 'usage'>> = {};

  add(e: StreamEvent): void {
    if (e.type === 'text' || e.type === 'reasoning') this.chars += e.delta.length;
    else if (e.type === 'tool_call_delta') this.chars += e.argumentsDelta.length;
    if (this.chars > MAX_ASSEMBLED_CHARS && e.type !== 'usage' && e.type !== 'finish') return;
    switch (e.type) {
      case 'start':
        this.id = e.id;
        this.model = e.model;
        this.created = e.created;
        break;
      case 'text':
        this.text += e.delta;
        break;
      case 'reasoning':
        this.reasoning += e.delta;
        break;
      case 'tool_call_start':
        this.calls[e.index] = { id: e.id, name: e.name, arguments: '' };
        break;
      case 'tool_call_delta': {
        const call = this.calls[e.index];
        if (call) call.arguments += e.argumentsDelta;
        break;
      }
      case 'usage':
        this.response.usage = e.usage;
        break;
      case 'finish':
        this.response.finishReason = e.reason;
        this.response.stopSequence = e.stopSequence;
        break;
    }
  }

  get finished(): boolean {
    return this.response.finishReason !== undefined;
  }

  get usage(): ChatResponse['usage'] {
    return this.response.usage;
  }

  /** The response, or undefined when the stream never finished or was too long to keep (never cache a partial answer). */
  result(): ChatResponse | undefined {
    if (!this.response.finishReason || this.chars > MAX_ASSEMBLED_CHARS) return undefined;
    return {
      id: this.id,
      model: this.model,
      created: this.created,
      text: this.text,
      reasoning: this.reasoning || undefined,
      toolCalls: this.calls.filter(Boolean),
      finishReason: this.response.finishReason,
      ...(this.response.stopSequence ? { stopSequence: this.response.stopSequence } : {}),
      usage: this.response.usage,
    };
  }
}
