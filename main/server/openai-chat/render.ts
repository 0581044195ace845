import type { GatewayError } from '../../core/errors.js';
import type { ChatResponse, FinishReason, Usage } from '../../core/types.js';

export function finishReasonOf(reason: FinishReason): string {
  return reason === 'error' ? 'stop' : reason;
}

export function usageOf(u: Usage): Record<string, unknown> {
  return {
    prompt_tokens: u.inputTokens,
    completion_tokens: u.outputTokens,
    total_tokens: u.inputTokens + u.outputTokens,
    ...(u.cachedInputTokens ? { prompt_tokens_details: { cached_tokens: u.cachedInputTokens } } : {}),
  };
}

export function renderOpenAIChat(res: ChatResponse): unknown {
  const message: Record<string, unknown> = {
    role: 'assistant',
    content: res.text === '' && res.toolCalls.length ? null : res.text,
  };
  if (res.toolCalls.length) {
    message.tool_calls = res.toolCalls.map((c) => ({
      id: c.id,
      type: 'function',
      function: { name: c.name, arguments: c.arguments },
    }));
  }
  if (res.reasoning) message.reasoning_content = res.reasoning;
  return {
    id: res.id,
    object: 'chat.completion',
    created: res.created,
    model: res.model,
    choices: [{ index: 0, message, finish_reason: finishReasonOf(res.finishReason), logprobs: null }],
    ...(res.usage ? { usage: usageOf(res.usage) } : {}),
  };
}

const typeByKind: Record<GatewayError['kind'], string> = {
  invalid_request: 'invalid_request_error',
  auth: 'authentication_error',
  permission: 'permission_error',
  not_found: 'invalid_request_error',
  too_large: 'invalid_request_error',
  rate_limited: 'rate_limit_error',
  overloaded: 'rate_limit_error',
  unavailable: 'service_unavailable',
  upstream_connect: 'upstream_error',
  upstream_timeout: 'timeout_error',
  upstream_http: 'upstream_error',
  upstream_protocol: 'upstream_error',
  aborted: 'request_aborted',
  internal: 'server_error',
};

/** The OpenAI error envelope {error:{message,type,param,code}}. */
export function openAIErrorBody(err: GatewayError): { error: Record<string, unknown> } {
  return {
    error: {
      message: err.message,
      type: typeByKind[err.kind],
      param: err.param ?? null,
      code: err.code ?? (err.kind.startsWith('upstream') ? err.kind : null),
      ...(err.provider ? { provider: err.provider } : {}),
    },
  };
}
