// Mistral's chat API at https://api.mistral.ai/v1 (POST /v1/chat/completions, bearer key; the AI SDK's
// @ai-sdk/mistral documents the same default prefix). Model names: docs.mistral.ai/getting-started/models.
import { normalizeOpenAIBaseUrl } from '../defaults.js';
import type { OpenAIChatDialect, ProviderKindDefinition } from './definition.js';
import { createOpenAICompatible, keyEndpointModelEnv } from './openai-family.js';

const defaultBaseUrl = 'https://api.mistral.ai/v1';
const models = { fast: 'mistral-small-latest', strong: 'mistral-large-latest' };

/**
 * Mistral refuses any field it does not define with a 422 (OpenAI's `user`, `seed`, `stream_options`,
 * `max_completion_tokens`, `logit_bias`…, a user message's `name`, the `developer` role), and sends a stream's usage
 * unasked. Its fields are the official SDK's:
 * @mistralai/mistralai 2.7.0, esm/models/components/chatcompletionrequest.d.ts (ChatCompletionRequest$Outbound);
 * the refusals are quoted in test/fakes/mistral-rules.ts.
 */
const openAIChat: OpenAIChatDialect = {
  onlyFields: new Set([
    'model', 'messages', 'temperature', 'top_p', 'max_tokens', 'stream', 'stop', 'random_seed', 'metadata', 'response_format',
    'tools', 'tool_choice', 'presence_penalty', 'frequency_penalty', 'n', 'prediction', 'parallel_tool_calls',
    'reasoning_effort', 'prompt_mode', 'guardrails', 'prompt_cache_key', 'service_tier', 'safe_prompt',
  ]),
  seedField: 'random_seed',
  streamUsageUnasked: true,
  // usermessage.d.ts, systemmessage.d.ts, assistantmessage.d.ts and toolmessage.d.ts of the same SDK.
  messageFields: {
    system: new Set(['role', 'content']),
    user: new Set(['role', 'content']),
    assistant: new Set(['role', 'content', 'tool_calls', 'prefix']),
    tool: new Set(['role', 'content', 'tool_call_id', 'name']),
  },
};

export const mistral: ProviderKindDefinition<'mistral'> = {
  kind: 'mistral',
  label: 'Mistral',
  defaultBaseUrl,
  normalizeBaseUrl: normalizeOpenAIBaseUrl,
  locality: 'cloud',
  env: keyEndpointModelEnv('MISTRAL', { id: 'mistral', label: 'Mistral', defaultBaseUrl, model: models.fast }),
  models,
  openAIChat,
  form: { fields: ['apiKey', 'baseUrl'], required: ['apiKey'] },
  create: createOpenAICompatible(),
};
