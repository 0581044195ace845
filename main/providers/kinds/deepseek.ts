// DeepSeek's OpenAI-format API: base_url https://api.deepseek.com (…/v1 also accepted "for compatibility"), bearer
// key, models deepseek-v4-flash and deepseek-v4-pro (api-docs.deepseek.com, "Your First API Call").
import { normalizeOpenAIBaseUrl } from '../defaults.js';
import type { ProviderKindDefinition } from './definition.js';
import { createOpenAICompatible, keyEndpointModelEnv } from './openai-family.js';

const defaultBaseUrl = 'https://api.deepseek.com';
const models = { fast: 'deepseek-v4-flash', strong: 'deepseek-v4-pro' };

export const deepseek: ProviderKindDefinition<'deepseek'> = {
  kind: 'deepseek',
  label: 'DeepSeek',
  defaultBaseUrl,
  normalizeBaseUrl: normalizeOpenAIBaseUrl,
  locality: 'cloud',
  env: keyEndpointModelEnv('DEEPSEEK', { id: 'deepseek', label: 'DeepSeek', defaultBaseUrl, model: models.fast }),
  models,
  form: { fields: ['apiKey', 'baseUrl'], required: ['apiKey'], placeholders: { apiKey: 'sk-…' } },
  create: createOpenAICompatible(),
};
