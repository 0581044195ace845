import { randomBytes } from 'node:crypto';
import type { GatewayError } from '../../core/errors.js';
import type { ChatResponse, FinishReason, Usage } from '../../core/types.js';

// Internal response → Anthropic Messages JSON, and GatewayError → Anthropic's error envelope.

export const messageId = (): string => `msg_${randomBytes(12).toString('base64url')}`;

export function stopReason(reason: FinishReason | undefined): string {
  switch (reason) {
    case 'length':
      return 'max_tokens';
    case 'tool_calls':
      return 'tool_use';
    case 'content_filter':
      return 'refusal';
    default:
      return 'end_turn';
  }
}

/**
 * Internal `inputTokens` counts the whole prompt (OpenAI's convention); Anthropic's `input_tokens` excludes the
 * tokens read from its prompt cache, which it reports apart.
 */
export function anthropicUsage(usage: Usage | undefined): Record<string, number> {
  const cached = usage?.cachedInputTokens ?? 0;
  const out: Record<string, number> = {
    input_tokens: Math.max(0, (usage?.inputTokens ?? 0) - cached),
    output_tokens: usage?.outputTokens ?? 0,
  };
  if (usage?.cachedInputTokens !== undefined) out.cache_read_input_tokens = cached;
  return out;
}

/** Tool arguments are JSON text internally; Anthropic wants an object. Unparseable text is kept, not dropped. */
export function toolInput(args: string): unknown {
  if (!args.trim()) return {};
  try {
    return JSON.parse(args);
  } catch {
    return { _raw_arguments: args };
  }
}

export function renderMessage(res: ChatResponse): Record<string, unknown> {
  const content: Record<string, unknown>[] = [];
  if (res.reasoning) content.push({ type: 'thinking', thinking: res.reasoning, signature: '' });
  if (res.text || res.toolCalls.length === 0) content.push({ type: 'text', text: res.text });
  for (const call of res.toolCalls) content.push({ type: 'tool_use', id: call.id, name: call.name, input: toolInput(call.arguments) });
  return {
    id: res.id.startsWith('msg_') ? res.id : messageId(),
    type: 'message',
    role: 'assistant',
    model: res.model,
    content,
    stop_reason: res.stopSequence ? 'stop_sequence' : stopReason(res.finishReason),
    stop_sequence: res.stopSequence ?? null,
    usage: anthropicUsage(res.usage),
  };
}

/** Anthropic's error types by HTTP status (https://docs.anthropic.com/en/api/errors). */
export function errorType(err: GatewayError): string {
  if (err.kind === 'overloaded') return 'overloaded_error';
  if (err.kind === 'upstream_timeout') return 'timeout_error';
  switch (err.status) {
    case 400:
    case 422:
      return 'invalid_request_error';
    case 401:
      return 'authentication_error';
    case 402:
      return 'billing_error';
    case 403:
      return 'permission_error';
    case 404:
      return 'not_found_error';
    case 413:
      return 'request_too_large';
    case 429:
      return 'rate_limit_error';
    case 503:
    case 529:
      return 'overloaded_error';
    case 504:
      return 'timeout_error';
    default:
      return err.status >= 400 && err.status < 500 ? 'invalid_request_error' : 'api_error';
  }
}

export function renderAnthropicError(err: GatewayError): { status: number; body: unknown } {
  return { status: err.status, body: { type: 'error', error: { type: errorType(err), message: anthropicMessage(err) } } };
}

/**
 * Anthropic's own wording where a client acts on it. Claude Code compacts the conversation on a 400 whose message
 * matches /prompt is too long[^0-9]*(\d+)\s*tokens?\s*>\s*(\d+)/ (read from its 2.1.197 bundle), as Anthropic
 * words it: "prompt is too long: 208000 tokens > 200000 maximum".
 */
function anthropicMessage(err: GatewayError): string {
  if (err.code !== 'context_length_exceeded') return err.message;
  const numbers = err.contextTokens ? `: ${err.contextTokens.prompt} tokens > ${err.contextTokens.limit} maximum` : '';
  return `prompt is too long${numbers} (${err.message})`;
}
