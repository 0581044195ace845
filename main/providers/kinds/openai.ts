import { normalizeOpenAIBaseUrl } from '../defaults.js';
import type { ProviderKindDefinition } from './definition.js';
import { createOpenAICompatible, keyEndpointModelEnv } from './openai-family.js';

const defaultBaseUrl = 'https://api.openai.com/v1';
const models = { fast: 'gpt-4o-mini', strong: 'gpt-4o', reasoning: 'o4-mini' };

export const openai: ProviderKindDefinition<'openai'> = {
  kind: 'openai',
  label: 'OpenAI',
  defaultBaseUrl,
  normalizeBaseUrl: normalizeOpenAIBaseUrl,
  locality: 'cloud',
  env: keyEndpointModelEnv('OPENAI', { id: 'openai', label: 'OpenAI', defaultBaseUrl, model: models.fast }),
  models,
  form: { fields: ['apiKey', 'baseUrl'], required: ['apiKey'], placeholders: { apiKey: 'sk-…' } },
  create: createOpenAICompatible(),
};
