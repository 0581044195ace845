import type { GatewayError } from '../../core/errors.js';
import type { StreamChunk, StreamEvent, Usage } from '../../core/types.js';
import type { StreamEncoder } from '../format.js';
import { finishReasonOf, openAIErrorBody, usageOf } from './render.js';

const sse = (payload: unknown): string => `data: ${JSON.stringify(payload)}\n\n`;

/**
 * Internal events → OpenAI chat.completion.chunk SSE. Frames that came from an OpenAI-wire upstream are forwarded
 * byte for byte; only its usage-only frame is dropped when the client did not ask for usage.
 */
export function createOpenAIChatEncoder(opts: { includeUsage: boolean; requestedModel: string }): StreamEncoder {
  let id = 'chatcmpl-lynkr';
  let model = opts.requestedModel;
  let created = Math.floor(Date.now() / 1000);
  let usage: Usage | undefined;
  let usageSent = false;

  const frame = (delta: Record<string, unknown>, finish: string | null = null): string =>
    sse({ id, object: 'chat.completion.chunk', created, model, choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }] });

  const translate = (e: StreamEvent): string => {
    switch (e.type) {
      case 'start':
        ({ id, model, created } = e);
        return frame({ role: 'assistant', content: '' });
      case 'text':
        return frame({ content: e.delta });
      case 'reasoning':
        return frame({ reasoning_content: e.delta });
      case 'tool_call_start':
        return frame({ tool_calls: [{ index: e.index, id: e.id, type: 'function', function: { name: e.name, arguments: '' } }] });
      case 'tool_call_delta':
        return frame({ tool_calls: [{ index: e.index, function: { arguments: e.argumentsDelta } }] });
      case 'usage':
        usage = e.usage;
        return '';
      case 'finish':
        return frame({}, finishReasonOf(e.reason));
    }
  };

  return {
    chunk(chunk: StreamChunk): string {
      if (chunk.raw?.format === 'openai-chat') {
        const onlyUsage = chunk.events.length > 0 && chunk.events.every((e) => e.type === 'usage');
        if (onlyUsage) {
          usage = (chunk.events[0] as Extract<StreamEvent, { type: 'usage' }>).usage;
          if (!opts.includeUsage) return '';
          usageSent = true;
        }
        return `data: ${chunk.raw.data}\n\n`;
      }
      let out = '';
      for (const e of chunk.events) out += translate(e);
      return out;
    },
    end(): string {
      const tail = opts.includeUsage && usage && !usageSent
        ? sse({ id, object: 'chat.completion.chunk', created, model, choices: [], usage: usageOf(usage) })
        : '';
      return `${tail}data: [DONE]\n\n`;
    },
    error(err: GatewayError): string {
      return sse(openAIErrorBody(err));
    },
  };
}
