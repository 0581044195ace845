import { invalidRequest } from '../../core/errors.js';
import { optionsBag, pickOptions } from '../../core/provider-options.js';
import type { ChatRequest, ContentPart, Message, ToolChoice } from '../../core/types.js';
import { isAllowedToolsChoice, isKnownItem, isNamedChoice, type ResponsesItem, type ResponsesPart, type ResponsesRequest } from './schema.js';
import { toTools, upstreamCall, upstreamName } from './tools.js';

// Responses input items → internal messages. Consecutive `function_call` items are one assistant turn with
// several calls (as the chat format has them); `function_call_output` items become tool messages.

export function toChatRequest(body: ResponsesRequest): ChatRequest {
  if (body.previous_response_id) {
    throw invalidRequest('previous_response_id is not supported: this gateway stores no responses; send the whole conversation in `input`', 'previous_response_id');
  }
  const req: ChatRequest = { model: body.model, messages: toMessages(body.input), stream: body.stream === true };
  if (body.instructions) req.system = body.instructions;
  let tools = toTools(body);
  const choice = body.tool_choice;
  if (choice && isAllowedToolsChoice(choice)) {
    // Only the listed tools may be called: the others are not sent (responses.d.ts ToolChoiceAllowed).
    const allowed = new Set(choice.tools.map((t) => upstreamName(t.name ?? '', (t as { namespace?: string }).namespace)));
    tools = tools.filter((t) => allowed.has(t.name));
  }
  if (tools.length) req.tools = tools;
  if (choice) req.toolChoice = toToolChoice(choice);
  const providerOptions = optionsBag({ openai: openAIOptions(body) });
  if (providerOptions) req.providerOptions = providerOptions;
  if (body.max_output_tokens != null) req.maxTokens = body.max_output_tokens;
  if (body.temperature != null) req.temperature = body.temperature;
  if (body.top_p != null) req.topP = body.top_p;
  if (body.user) req.user = body.user;
  const format = body.text?.format;
  if (format?.type === 'json_object') req.responseFormat = { type: 'json_object' };
  if (format?.type === 'json_schema') {
    req.responseFormat = { type: 'json_schema', name: format.name, schema: format.schema };
    if (format.strict != null) req.responseFormat.strict = format.strict;
  }
  return req;
}

/**
 * What the chat request does not model, under OpenAI chat's names (`providerOptions.openai`): `reasoning.effort` is
 * `reasoning_effort` (which Ollama turns into `think`), `text.verbosity` is `verbosity`. `store`, `include`,
 * `prompt_cache_key` and `client_metadata` are delivery, and `reasoning.summary` has no chat counterpart.
 */
function openAIOptions(body: ResponsesRequest): Record<string, unknown> | undefined {
  return pickOptions(
    { reasoning_effort: body.reasoning?.effort, parallel_tool_calls: body.parallel_tool_calls, verbosity: body.text?.verbosity, service_tier: body.service_tier },
    ['reasoning_effort', 'parallel_tool_calls', 'verbosity', 'service_tier'],
  );
}

function toMessages(input: string | ResponsesItem[]): Message[] {
  if (typeof input === 'string') return [{ role: 'user', content: [{ type: 'text', text: input }] }];
  const out: Message[] = [];
  for (const item of input.filter(isKnownItem)) {
    if (item.type === 'reasoning' || item.type === 'additional_tools') continue;
    if (item.type === 'function_call' || item.type === 'custom_tool_call') {
      const last = out.at(-1);
      const call = { id: item.call_id, ...upstreamCall(item) };
      if (last?.role === 'assistant') (last.toolCalls ??= []).push(call);
      else out.push({ role: 'assistant', content: [], toolCalls: [call] });
    } else if (item.type === 'function_call_output' || item.type === 'custom_tool_call_output') {
      const content = typeof item.output === 'string' ? [{ type: 'text' as const, text: item.output }] : item.output.map(toPart);
      out.push({ role: 'tool', toolCallId: item.call_id, content });
    } else {
      const role = item.role === 'developer' ? 'system' : item.role;
      const content = typeof item.content === 'string' ? [{ type: 'text' as const, text: item.content }] : item.content.map(toPart);
      out.push({ role, content });
    }
  }
  return out;
}

function toPart(part: ResponsesPart): ContentPart {
  switch (part.type) {
    case 'input_text':
    case 'output_text':
      return { type: 'text', text: part.text };
    case 'refusal':
      return { type: 'text', text: part.refusal };
    case 'input_image':
      if (!part.image_url) throw invalidRequest('input_image needs image_url (file_id refers to OpenAI file storage, which this gateway does not have)', 'input');
      return { type: 'image', url: part.image_url };
    case 'input_file': {
      const m = /^data:([^;,]+);base64,(.*)$/s.exec(part.file_data ?? '');
      if (!m) throw invalidRequest('input_file needs file_data as a base64 data URL (file_id is not supported)', 'input');
      const doc: ContentPart = { type: 'document', mediaType: m[1], data: m[2] };
      if (part.filename) doc.title = part.filename;
      return doc;
    }
  }
}

function toToolChoice(choice: NonNullable<ResponsesRequest['tool_choice']>): ToolChoice {
  if (typeof choice === 'string') return choice;
  if (isNamedChoice(choice)) return { name: choice.name };
  if (isAllowedToolsChoice(choice)) return choice.mode;
  // A choice of one of OpenAI's own tools (web_search_preview, file_search, mcp, shell, …): none is sent upstream.
  return 'auto';
}
