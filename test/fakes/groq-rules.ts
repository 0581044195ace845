/**
 * What Groq's OpenAI-compatible API refuses, for the fake in openai.ts started with `dialect: 'groq'`: "The
 * following fields are currently not supported and will result in a 400 error (yikes) if they are supplied:
 * logprobs, logit_bias, top_logprobs, messages[].name" (console.groq.com/docs/openai). The wordings follow what
 * users quote: "`logprobs` is not supported with this model" (groq/groq-python#25) and, for a property it doesn't
 * know, "property 'store' is unsupported, did you mean 'stop'?" (fanenr/chatbot#21).
 */
import type { OpenAIRefusal } from './openai-rules.js';

const REFUSED_FIELDS = ['logprobs', 'logit_bias', 'top_logprobs'];

const refuse = (message: string, param: string): OpenAIRefusal => ({
  status: 400,
  error: { message, type: 'invalid_request_error', param, code: null },
});

/** The 400 Groq would answer this chat body with, or undefined when it takes it. */
export function groqRefusal(body: Record<string, unknown>): OpenAIRefusal | undefined {
  for (const field of REFUSED_FIELDS) {
    if (body[field] != null) return refuse(`\`${field}\` is not supported with this model`, field);
  }
  const messages = Array.isArray(body.messages) ? (body.messages as Array<Record<string, unknown>>) : [];
  for (const [i, m] of messages.entries()) {
    if (m?.name != null) return refuse("property 'name' is unsupported", `messages[${i}].name`);
  }
  return undefined;
}
