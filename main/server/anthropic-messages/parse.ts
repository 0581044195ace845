import { createHash } from 'node:crypto';
import type { ChatRequest, ContentPart, Message, ToolChoice, ToolDef } from '../../core/types.js';
import { optionsBag, pickOptions } from '../../core/provider-options.js';
import { ANTHROPIC_OPTION_FIELDS, isKnownBlock, type AnthropicBlock, type CountTokensRequest, type KnownBlock, type MessagesRequest } from './schema.js';

// Anthropic Messages → the internal request. Anthropic keeps tool results inside user turns; the internal
// shape (like OpenAI's) has one `tool` message per result, so a user turn may become several messages.

export function toChatRequest(body: MessagesRequest): ChatRequest {
  const { system, messages, tools, toolChoice } = toConversation(body);
  const format = body.output_config?.format;
  return {
    model: body.model,
    system,
    messages,
    tools,
    toolChoice,
    maxTokens: body.max_tokens,
    stream: body.stream === true,
    stop: body.stop_sequences?.length ? body.stop_sequences : undefined,
    temperature: body.temperature,
    topP: body.top_p,
    topK: body.top_k,
    // `adaptive` lets the model decide whether to think: no budget to pass on, so nothing is forced on the upstream.
    thinkingBudget: body.thinking?.type === 'enabled' && body.thinking.budget_tokens ? body.thinking.budget_tokens : undefined,
    user: body.metadata?.user_id ? userId(body.metadata.user_id) : undefined,
    responseFormat: format?.type === 'json_schema' && format.schema ? { type: 'json_schema', name: 'output', schema: format.schema } : undefined,
    providerOptions: optionsBag({ anthropic: anthropicOptions(body) }),
  };
}

/**
 * What the request does not model, as `providerOptions.anthropic`: `output_config` but its `format` (`effort`,
 * `task_budget`…), `thinking` other than a budget (`adaptive`), and the fields of ANTHROPIC_OPTION_FIELDS.
 */
function anthropicOptions(body: MessagesRequest): Record<string, unknown> | undefined {
  const options = pickOptions(body, ANTHROPIC_OPTION_FIELDS) ?? {};
  if (body.output_config) {
    const { format: _modelled, ...rest } = body.output_config;
    if (Object.values(rest).some((v) => v != null)) options.output_config = rest;
  }
  if (body.thinking && body.thinking.type !== 'enabled') options.thinking = body.thinking;
  return Object.keys(options).length ? options : undefined;
}

/**
 * Claude Code's `metadata.user_id` is a JSON text of ~150 characters; OpenAI refuses a `user` over 64 characters
 * (`string_above_max_length`). A longer id is replaced by a stable hash of it, as OpenAI's docs suggest for `user`.
 * A same-format Anthropic upstream still gets the original (native body).
 */
const MAX_USER = 64;
function userId(id: string): string {
  return id.length <= MAX_USER ? id : `sha256:${createHash('sha256').update(id).digest('base64url').slice(0, 43)}`;
}

/** The parts shared with count_tokens: system, messages, tools, tool_choice. */
export function toConversation(body: CountTokensRequest): Pick<ChatRequest, 'system' | 'messages' | 'tools' | 'toolChoice'> {
  const system = typeof body.system === 'string' ? body.system : body.system?.map((b) => b.text).join('\n\n');
  const tools = toTools(body.tools);
  return {
    system: system || undefined,
    messages: body.messages.flatMap((m) => toMessages(m.role, m.content)),
    tools: tools.length ? tools : undefined,
    toolChoice: body.tool_choice ? toToolChoice(body.tool_choice) : undefined,
  };
}

function toMessages(role: 'user' | 'assistant' | 'system', content: string | AnthropicBlock[]): Message[] {
  if (typeof content === 'string') return [{ role, content: [{ type: 'text', text: content }] }];
  const blocks = content.filter(isKnownBlock);
  if (role === 'assistant') return [toAssistant(blocks)];
  // A mid-conversation system message stays where it is; its content is text (SDK `SystemMessageParam`).
  if (role === 'system') return [{ role, content: blocks.flatMap((b) => (b.type === 'text' ? [{ type: 'text' as const, text: b.text }] : [])) }];
  const out: Message[] = [];
  const rest: ContentPart[] = [];
  for (const block of blocks) {
    if (block.type === 'tool_result') {
      const parts = typeof block.content === 'string' ? [{ type: 'text' as const, text: block.content }] : (block.content ?? []).filter(isKnownBlock).flatMap(toPart);
      const msg: Message = { role: 'tool', toolCallId: block.tool_use_id, content: parts };
      if (block.is_error) msg.isError = true;
      out.push(msg);
    } else {
      rest.push(...toPart(block));
    }
  }
  if (rest.length) out.push({ role: 'user', content: rest });
  return out;
}

function toAssistant(blocks: KnownBlock[]): Message {
  const msg: Message = { role: 'assistant', content: [] };
  for (const block of blocks) {
    if (block.type === 'tool_use') {
      (msg.toolCalls ??= []).push({ id: block.id, name: block.name, arguments: JSON.stringify(block.input ?? {}) });
    } else if (block.type === 'thinking') {
      msg.reasoning = (msg.reasoning ?? '') + block.thinking;
    } else {
      msg.content.push(...toPart(block));
    }
  }
  return msg;
}

function toPart(block: KnownBlock): ContentPart[] {
  switch (block.type) {
    case 'text':
      return [{ type: 'text', text: block.text }];
    case 'image':
      return block.source.type === 'base64'
        ? [{ type: 'image', mediaType: block.source.media_type, data: block.source.data }]
        : [{ type: 'image', url: block.source.url }];
    case 'document': {
      const src = block.source;
      const title = block.title ?? undefined;
      if (src.type === 'base64') return [{ type: 'document', mediaType: src.media_type, data: src.data, title }];
      if (src.type === 'text') {
        return [{ type: 'document', mediaType: src.media_type ?? 'text/plain', data: Buffer.from(src.data).toString('base64'), title }];
      }
      if (src.type === 'content') {
        const text = typeof src.content === 'string' ? src.content : src.content.map((b) => b.text ?? '').join('\n');
        return [{ type: 'document', mediaType: 'text/plain', data: Buffer.from(text).toString('base64'), title }];
      }
      // A URL or Files-API document cannot be inlined without fetching it. A native Anthropic upstream gets the
      // client's block as sent; another upstream gets a visible reference, not invented content.
      return [{ type: 'text', text: `[document not included: ${src.type === 'url' ? src.url : src.file_id}]` }];
    }
    default:
      // tool_use / thinking outside their turn, redacted_thinking: nothing another upstream could use.
      return [];
  }
}

function toTools(tools: CountTokensRequest['tools']): ToolDef[] {
  const out: ToolDef[] = [];
  for (const t of tools ?? []) {
    // Server tools (web search, code execution…) have no schema: they run at Anthropic only.
    if (!t.input_schema) continue;
    const def: ToolDef = { name: t.name, parameters: t.input_schema };
    if (t.description) def.description = t.description;
    out.push(def);
  }
  return out;
}

function toToolChoice(choice: NonNullable<CountTokensRequest['tool_choice']>): ToolChoice {
  switch (choice.type) {
    case 'any':
      return 'required';
    case 'tool':
      return { name: choice.name };
    default:
      return choice.type;
  }
}
