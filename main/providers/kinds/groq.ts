// Groq's OpenAI-compatible API: "change the base_url to https://api.groq.com/openai/v1" with the Groq key as the
// bearer key (console.groq.com/docs/openai). Models: console.groq.com/docs/models.
import { normalizeOpenAIBaseUrl } from '../defaults.js';
import { openAIChatFields } from '../openai-wire.js';
import type { OpenAIChatDialect, ProviderKindDefinition } from './definition.js';
import { createOpenAICompatible, keyEndpointModelEnv } from './openai-family.js';

const defaultBaseUrl = 'https://api.groq.com/openai/v1';
const models = { fast: 'llama-3.1-8b-instant', strong: 'llama-3.3-70b-versatile', reasoning: 'openai/gpt-oss-120b' };

/**
 * "The following fields are currently not supported and will result in a 400 error (yikes) if they are supplied:
 * logprobs, logit_bias, top_logprobs, messages[].name" (console.groq.com/docs/openai). It refuses properties it
 * doesn't know too ("property 'store' is unsupported, did you mean 'stop'?", fanenr/chatbot#21, since accepted), so
 * it gets OpenAI's chat fields less those, and OpenAI's messages (openai-node ChatCompletionMessageParam) less `name`.
 */
const REFUSED = new Set(['logprobs', 'logit_bias', 'top_logprobs']);
const openAIChat: OpenAIChatDialect = {
  onlyFields: new Set([...openAIChatFields].filter((f) => !REFUSED.has(f))),
  messageFields: {
    system: new Set(['role', 'content']),
    developer: new Set(['role', 'content']),
    user: new Set(['role', 'content']),
    assistant: new Set(['role', 'content', 'tool_calls', 'refusal', 'audio', 'function_call']),
    tool: new Set(['role', 'content', 'tool_call_id']),
  },
};

export const groq: ProviderKindDefinition<'groq'> = {
  kind: 'groq',
  label: 'Groq',
  defaultBaseUrl,
  normalizeBaseUrl: normalizeOpenAIBaseUrl,
  locality: 'cloud',
  env: keyEndpointModelEnv('GROQ', { id: 'groq', label: 'Groq', defaultBaseUrl, model: models.fast }),
  models,
  openAIChat,
  form: { fields: ['apiKey', 'baseUrl'], required: ['apiKey'], placeholders: { apiKey: 'gsk_…' } },
  create: createOpenAICompatible(),
};
