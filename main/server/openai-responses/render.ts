import { randomBytes } from 'node:crypto';
import type { GatewayError } from '../../core/errors.js';
import { openAIErrorBody } from '../openai-chat/render.js';
import type { ChatResponse, FinishReason, ToolDef, Usage } from '../../core/types.js';
import { EXEC_TOOL, execProgram } from './code-mode.js';
import { freeformInput } from './freeform.js';
import { routeOf, type CallRoute } from './tools.js';

// Internal response → a Responses API `response` object (also the payload of response.created/completed).

export const newId = (prefix: string): string => `${prefix}_${randomBytes(12).toString('hex')}`;

export type OutputItem = Record<string, unknown> & { type: string };

export interface ResponseState {
  id: string;
  model: string;
  createdAt: number;
  status: 'in_progress' | 'completed' | 'incomplete' | 'failed';
  output: OutputItem[];
  finishReason?: FinishReason;
  usage?: Usage;
  error?: { code: string; message: string };
}

export const messageItem = (id: string, text: string, status: string): OutputItem => ({
  type: 'message',
  id,
  role: 'assistant',
  status,
  content: status === 'in_progress' ? [] : [{ type: 'output_text', text, annotations: [], logprobs: [] }],
});

/** `namespace` only for a tool inside a namespace tool (responses.d.ts ResponseFunctionToolCall). */
export const functionCallItem = (id: string, callId: string, name: string, args: string, status: string, namespace?: string): OutputItem => ({
  type: 'function_call',
  id,
  call_id: callId,
  name,
  ...(namespace ? { namespace } : {}),
  arguments: args,
  status,
});

/** A call of a free-form (`custom`) tool: its input is plain text, not JSON arguments. */
export const customToolCallItem = (id: string, callId: string, name: string, input: string, namespace?: string): OutputItem => ({
  type: 'custom_tool_call',
  id,
  call_id: callId,
  name,
  ...(namespace ? { namespace } : {}),
  input,
});

/** The item Codex expects for the upstream's call, by the route of the tool it called (tools.ts). */
export function clientCallItem(route: CallRoute, callId: string, args: string, status: string, id?: string): OutputItem {
  switch (route.kind) {
    case 'function':
      return functionCallItem(id ?? newId('fc'), callId, route.name, args, status, route.namespace);
    case 'custom':
      return customToolCallItem(id ?? newId('ctc'), callId, route.name, freeformInput(args), route.namespace);
    case 'exec':
      return customToolCallItem(id ?? newId('ctc'), callId, EXEC_TOOL, execProgram(route.tool, args, route.takesText));
  }
}

export const reasoningItem = (id: string, text: string, status: string): OutputItem => ({
  type: 'reasoning',
  id,
  summary: [],
  content: status === 'in_progress' ? [] : [{ type: 'reasoning_text', text }],
  status,
});

function usageObject(usage: Usage | undefined): Record<string, unknown> | null {
  if (!usage) return null;
  return {
    input_tokens: usage.inputTokens,
    input_tokens_details: { cached_tokens: usage.cachedInputTokens ?? 0 },
    output_tokens: usage.outputTokens,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: usage.inputTokens + usage.outputTokens,
  };
}

/** Why an answer is `incomplete` (the API's two reasons); null when it finished. */
const incomplete = (reason: FinishReason | undefined): { reason: 'max_output_tokens' | 'content_filter' } | null =>
  reason === 'length' ? { reason: 'max_output_tokens' } : reason === 'content_filter' ? { reason: 'content_filter' } : null;

export function responseObject(s: ResponseState): Record<string, unknown> & { status: ResponseState['status'] } {
  const details = s.status === 'in_progress' ? null : incomplete(s.finishReason);
  const status = s.status === 'completed' && details ? 'incomplete' : s.status;
  let outputText = '';
  for (const item of s.output) {
    if (item.type !== 'message') continue;
    for (const part of item.content as Array<{ type: string; text?: string }>) if (part.type === 'output_text') outputText += part.text ?? '';
  }
  return {
    id: s.id,
    object: 'response',
    created_at: s.createdAt,
    status,
    error: s.error ?? null,
    incomplete_details: details,
    model: s.model,
    output: s.output,
    output_text: outputText,
    parallel_tool_calls: true,
    tool_choice: 'auto',
    tools: [],
    usage: usageObject(s.usage),
  };
}

export function renderResponse(res: ChatResponse, tools?: readonly ToolDef[]): Record<string, unknown> {
  const output: OutputItem[] = [];
  // Items the length limit cut are `incomplete`, as the API marks them.
  const status = res.finishReason === 'length' ? 'incomplete' : 'completed';
  if (res.reasoning) output.push(reasoningItem(newId('rs'), res.reasoning, 'completed'));
  if (res.text || res.toolCalls.length === 0) output.push(messageItem(newId('msg'), res.text, status));
  for (const call of res.toolCalls) output.push(clientCallItem(routeOf(tools, call.name), call.id, call.arguments, status));
  return responseObject({
    id: newId('resp'),
    model: res.model,
    createdAt: res.created,
    status: 'completed',
    output,
    finishReason: res.finishReason,
    usage: res.usage,
  });
}

/** The same OpenAI error envelope as the chat format. */
export function renderResponsesError(err: GatewayError): { status: number; body: unknown } {
  return { status: err.status, body: openAIErrorBody(err) };
}
