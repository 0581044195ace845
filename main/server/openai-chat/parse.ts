import type { ChatRequest, ContentPart, Message, ResponseFormat, ToolChoice } from '../../core/types.js';
import { validateBody } from '../validation.js';
import type { ParsedInbound } from '../format.js';
import { optionsBag, pickOptions } from '../../core/provider-options.js';
import { chatRequestSchema, OLLAMA_OPTION_FIELDS, OPENAI_OPTION_FIELDS, type ChatCompletionBody, type ChatMessageBody } from './schema.js';

export function parseOpenAIChat(body: unknown): ParsedInbound {
  const b = validateBody(chatRequestSchema, body);
  const system: string[] = [];
  const messages: Message[] = [];
  for (const m of b.messages) {
    const message = toMessage(m);
    if (message) messages.push(message);
    else system.push(textOf(m.content as Parameters<typeof textOf>[0]));
  }
  const request: ChatRequest = {
    model: b.model ?? '',
    system: system.length ? system.join('\n\n') : undefined,
    messages,
    tools: b.tools?.map((t) => ({
      name: t.function.name,
      description: t.function.description,
      parameters: t.function.parameters ?? { type: 'object', properties: {} },
    })),
    toolChoice: toolChoice(b.tool_choice),
    responseFormat: responseFormat(b.response_format),
    temperature: b.temperature ?? undefined,
    topP: b.top_p ?? undefined,
    topK: b.top_k ?? undefined,
    frequencyPenalty: b.frequency_penalty ?? undefined,
    presencePenalty: b.presence_penalty ?? undefined,
    maxTokens: b.max_completion_tokens ?? b.max_tokens ?? undefined,
    stop: b.stop == null ? undefined : Array.isArray(b.stop) ? b.stop : [b.stop],
    seed: b.seed ?? undefined,
    user: b.user,
    stream: b.stream === true,
    includeUsage: b.stream_options?.include_usage === true,
    // LibreChat sends llama.cpp's sampling knobs on this wire; Ollama is who reads them (as `options`).
    providerOptions: optionsBag({ openai: pickOptions(b, OPENAI_OPTION_FIELDS), ollama: ollamaOptions(b) }),
  };
  return { request, native: { format: 'openai-chat', body: b } };
}

function ollamaOptions(b: ChatCompletionBody): Record<string, unknown> | undefined {
  const options = pickOptions(b, OLLAMA_OPTION_FIELDS);
  return options && { options };
}

function textOf(content: string | { text: string }[] | null | undefined): string {
  if (content == null) return '';
  return typeof content === 'string' ? content : content.map((p) => p.text).join('');
}

/** Null for system/developer messages, which the internal shape keeps apart. */
function toMessage(m: ChatMessageBody): Message | null {
  switch (m.role) {
    case 'system':
    case 'developer':
      return null;
    case 'user':
      return { role: 'user', content: typeof m.content === 'string' ? [{ type: 'text', text: m.content }] : m.content.map(userPart) };
    case 'assistant': {
      const text = textOf(m.content);
      return {
        role: 'assistant',
        content: text ? [{ type: 'text', text }] : [],
        toolCalls: m.tool_calls?.map((c) => ({ id: c.id, name: c.function.name, arguments: c.function.arguments })),
        reasoning: m.reasoning_content ?? undefined,
      };
    }
    case 'tool':
      return { role: 'tool', toolCallId: m.tool_call_id, content: [{ type: 'text', text: textOf(m.content) }] };
  }
}

type UserPartBody = Exclude<Extract<ChatMessageBody, { role: 'user' }>['content'], string>[number];

function userPart(p: UserPartBody): ContentPart {
  if (p.type === 'text') return { type: 'text', text: p.text };
  if (p.type === 'image_url') {
    const url = typeof p.image_url === 'string' ? p.image_url : p.image_url.url;
    const inline = /^data:([^;,]+);base64,(.*)$/s.exec(url);
    return inline ? { type: 'image', mediaType: inline[1], data: inline[2] } : { type: 'image', url };
  }
  const inline = /^data:([^;,]+);base64,(.*)$/s.exec(p.file.file_data ?? '');
  if (!inline) return { type: 'text', text: '' };
  return { type: 'document', mediaType: inline[1], data: inline[2], title: p.file.filename };
}

function toolChoice(c: ChatCompletionBody['tool_choice']): ToolChoice | undefined {
  if (c === undefined) return undefined;
  return typeof c === 'string' ? c : { name: c.function.name };
}

function responseFormat(f: ChatCompletionBody['response_format']): ResponseFormat | undefined {
  if (!f) return undefined;
  if (f.type === 'json_schema') {
    return { type: 'json_schema', name: f.json_schema.name, schema: f.json_schema.schema, strict: f.json_schema.strict ?? undefined };
  }
  return { type: f.type };
}
