import { normalizeOpenAIBaseUrl } from '../defaults.js';
import type { OpenAIChatDialect, ProviderKindDefinition } from './definition.js';
import { createOpenAICompatible, keyEndpointModelEnv } from './openai-family.js';

const defaultBaseUrl = 'https://api.openai.com/v1';
const models = { fast: 'gpt-4o-mini', strong: 'gpt-4o', reasoning: 'o4-mini' };

const openAIChat: OpenAIChatDialect = {
  // OpenAI takes max_completion_tokens on every model: max_tokens "is now deprecated in favor of
  // `max_completion_tokens`" (node_modules/openai resources/chat/completions/completions.d.ts).
  maxTokensField: 'max_completion_tokens',
  // It answers reasoning_effort on other models with 400 "Unrecognized request argument supplied: reasoning_effort"
  // (seen for gpt-4o-mini, davidmigloz/langchain_dart#712).
  refusesEffortOnNonReasoningModels: true,
};

export const openai: ProviderKindDefinition<'openai'> = {
  kind: 'openai',
  label: 'OpenAI',
  defaultBaseUrl,
  normalizeBaseUrl: normalizeOpenAIBaseUrl,
  locality: 'cloud',
  env: keyEndpointModelEnv('OPENAI', { id: 'openai', label: 'OpenAI', defaultBaseUrl, model: models.fast }),
  models,
  form: { fields: ['apiKey', 'baseUrl'], required: ['apiKey'], placeholders: { apiKey: 'sk-…' } },
  openAIChat,
  create: createOpenAICompatible(),
};
