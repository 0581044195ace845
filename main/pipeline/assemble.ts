import type { ChatResponse, StreamPart, ToolCall } from '../core/types.js';

/** Past this many characters an answer still streams through, but is not kept whole (nor cached): memory stays flat. */
export const MAX_ASSEMBLED_CHARS = 16 * 1024 * 1024;

/** Rebuilds a complete response from stream parts, for the cache and the request log. */
export class ResponseAssembler {
  private chars = 0;
  private id = '';
  private model = '';
  private created = 0;
  private text = '';
  private reasoning = '';
  /** Tool calls by id, in the order they started. */
  private readonly calls = new Map<string, ToolCall>();
  private response: Partial<Pick<ChatResponse, 'finishReason' | 'stopSequence' | 'usage'>> = {};

  add(part: StreamPart): void {
    if (part.type === 'text-delta' || part.type === 'reasoning-delta') this.chars += part.delta.length;
    else if (part.type === 'tool-call-delta') this.chars += part.argumentsDelta.length;
    if (this.chars > MAX_ASSEMBLED_CHARS && part.type !== 'usage' && part.type !== 'finish') return;
    switch (part.type) {
      case 'response-start':
        this.id = part.id;
        this.model = part.model;
        this.created = part.created;
        break;
      case 'text-delta':
        this.text += part.delta;
        break;
      case 'reasoning-delta':
        this.reasoning += part.delta;
        break;
      case 'tool-call-start':
        this.calls.set(part.id, { id: part.id, name: part.name, arguments: '' });
        break;
      case 'tool-call-delta': {
        const call = this.calls.get(part.id);
        if (call) call.arguments += part.argumentsDelta;
        break;
      }
      case 'usage':
        this.response.usage = part.usage;
        break;
      case 'finish':
        this.response.finishReason = part.reason;
        this.response.stopSequence = part.stopSequence;
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
      toolCalls: [...this.calls.values()],
      finishReason: this.response.finishReason,
      ...(this.response.stopSequence ? { stopSequence: this.response.stopSequence } : {}),
      usage: this.response.usage,
    };
  }
}
