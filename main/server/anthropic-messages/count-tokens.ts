import type { ContentPart, Message } from '../../core/types.js';
import { toConversation } from './parse.js';
import { countTokensSchema } from './schema.js';
import { validateAnthropic } from './validate.js';

// `POST /v1/messages/count_tokens`. We have no tokenizer for every upstream model, so this is an estimate:
// ~4 characters of text per token (English prose and code land within ±20% for Claude and Llama-family
// tokenizers), a flat cost per image, and a few tokens of framing per message and tool. Claude Code uses
// it to decide when to compact a conversation, so erring slightly high is the safe side.

const CHARS_PER_TOKEN = 4;
/** Anthropic bills an image at (width × height) / 750 tokens, capped near 1,600 for a full-size image. */
const IMAGE_TOKENS = 1_600;
const MESSAGE_OVERHEAD = 4;
const TOOL_OVERHEAD = 8;

const textTokens = (text: string): number => Math.ceil(text.length / CHARS_PER_TOKEN);

function partTokens(part: ContentPart): number {
  switch (part.type) {
    case 'text':
      return textTokens(part.text);
    case 'image':
      return IMAGE_TOKENS;
    case 'document':
      // Base64 data: 3 bytes per 4 characters; text-like documents tokenize like text.
      return Math.ceil((part.data.length * 3) / 4 / CHARS_PER_TOKEN);
  }
}

function messageTokens(m: Message): number {
  let n = MESSAGE_OVERHEAD;
  for (const part of m.content) n += partTokens(part);
  for (const call of m.toolCalls ?? []) n += textTokens(call.name) + textTokens(call.arguments) + TOOL_OVERHEAD;
  if (m.reasoning) n += textTokens(m.reasoning);
  return n;
}

export function countTokens(body: unknown): { input_tokens: number } {
  const conv = toConversation(validateAnthropic(countTokensSchema, body));
  let n = conv.system ? textTokens(conv.system) + MESSAGE_OVERHEAD : 0;
  for (const m of conv.messages) n += messageTokens(m);
  for (const t of conv.tools ?? []) n += TOOL_OVERHEAD + textTokens(t.name + (t.description ?? '') + JSON.stringify(t.parameters));
  return { input_tokens: n };
}
