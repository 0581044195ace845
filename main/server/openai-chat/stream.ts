import type { GatewayError } from '../../core/errors.js';
import type { StreamPart, Usage } from '../../core/types.js';
import type { StreamEncoder, StreamEncoderOptions } from '../format.js';
import { finishReasonOf, openAIErrorBody, usageOf } from './render.js';

const sse = (payload: unknown): string => `data: ${JSON.stringify(payload)}\n\n`;

/**
 * Stream parts → OpenAI chat.completion.chunk SSE. Under pass-through the upstream's frames are forwarded byte for
 * byte; only its usage-only frame is dropped when the client did not ask for usage.
 */
export function createOpenAIChatEncoder(opts: StreamEncoderOptions): StreamEncoder {
  let id = 'chatcmpl-lynkr';
  let model = opts.requestedModel;
  let created = Math.floor(Date.now() / 1000);
  let usage: Usage | undefined;
  let usageSent = false;
  /** The wire keys tool calls by index, in the order they started. */
  const toolIndex = new Map<string, number>();
  /** Pass-through: what the parts since the last frame translate to, written only if no frame carries them. */
  let pending = '';
  let sinceFrame: 'nothing' | 'usage only' | 'content' = 'nothing';

  const frame = (delta: Record<string, unknown>, finish: string | null = null): string =>
    sse({ id, object: 'chat.completion.chunk', created, model, choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }] });

  const translate = (part: Exclude<StreamPart, { type: 'raw-frame' }>): string => {
    switch (part.type) {
      case 'response-start':
        ({ id, model, created } = part);
        return frame({ role: 'assistant', content: '' });
      case 'text-delta':
        return frame({ content: part.delta });
      case 'reasoning-delta':
        return frame({ reasoning_content: part.delta });
      case 'tool-call-start': {
        const index = toolIndex.size;
        toolIndex.set(part.id, index);
        return frame({ tool_calls: [{ index, id: part.id, type: 'function', function: { name: part.name, arguments: '' } }] });
      }
      case 'tool-call-delta': {
        const index = toolIndex.get(part.id);
        return index === undefined ? '' : frame({ tool_calls: [{ index, function: { arguments: part.argumentsDelta } }] });
      }
      case 'usage':
        usage = part.usage;
        return '';
      case 'finish':
        return frame({}, finishReasonOf(part.reason));
      default:
        // Block starts and ends have no frame of their own on this wire; an `error` part goes to error().
        return '';
    }
  };

  const forward = (data: string): string => {
    const onlyUsage = sinceFrame === 'usage only';
    pending = '';
    sinceFrame = 'nothing';
    if (onlyUsage) {
      if (!opts.includeUsage) return '';
      usageSent = true;
    }
    return `data: ${data}\n\n`;
  };

  return {
    part(part: StreamPart): string {
      if (part.type === 'raw-frame') return forward(part.data);
      const text = translate(part);
      if (!opts.passThrough) return text;
      sinceFrame = part.type === 'usage' && sinceFrame !== 'content' ? 'usage only' : 'content';
      pending += text;
      return '';
    },
    end(): string {
      const tail = opts.includeUsage && usage && !usageSent
        ? sse({ id, object: 'chat.completion.chunk', created, model, choices: [], usage: usageOf(usage) })
        : '';
      return `${pending}${tail}data: [DONE]\n\n`;
    },
    error(err: GatewayError): string {
      return sse(openAIErrorBody(err));
    },
  };
}
