import { normalizeOpenAIBaseUrl } from '../defaults.js';
import { openRouterFields } from '../openai-wire.js';
import type { ProviderKindDefinition } from './definition.js';
import { createOpenAICompatible, keyEndpointModelEnv } from './openai-family.js';

const defaultBaseUrl = 'https://openrouter.ai/api/v1';
const models = { fast: 'openai/gpt-4o-mini', strong: 'anthropic/claude-sonnet-4.5', reasoning: 'openai/o4-mini' };
/** OpenRouter's optional app attribution headers. */
const headers = { 'HTTP-Referer': 'https://github.com/vishalveerareddy123/Lynkr', 'X-Title': 'Lynkr Desktop' };

export const openrouter: ProviderKindDefinition<'openrouter'> = {
  kind: 'openrouter',
  label: 'OpenRouter',
  defaultBaseUrl,
  normalizeBaseUrl: normalizeOpenAIBaseUrl,
  locality: 'cloud',
  env: keyEndpointModelEnv('OPENROUTER', { id: 'openrouter', label: 'OpenRouter', defaultBaseUrl, model: models.fast }),
  models,
  form: { fields: ['apiKey', 'baseUrl'], required: ['apiKey'], placeholders: { apiKey: 'sk-or-…', models: 'anthropic/claude-3.5-sonnet' } },
  create: createOpenAICompatible({ headers, passThroughFields: openRouterFields }),
};
