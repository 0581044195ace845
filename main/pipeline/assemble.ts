import type { ChatResponse, StreamEvent, ToolCall } from '../core/types.js';

/** Rebuilds a complete response from stream events, for the cache and the request log. */
export class ResponseAssembler {
  private id = '';
  private model = '';
  private created = 0;
  private text = '';
  private reasoning = '';
  private readonly calls: ToolCall[] = [];
  private response: Partial<Pick<ChatResponse, 'finishReason' | 'stopSequence' | 'usage'>> = {};

  add(e: StreamEvent): void {
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

  /** The response, or undefined when the stream never finished (never cache a partial answer). */
  result(): ChatResponse | undefined {
    if (!this.response.finishReason) return undefined;
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
