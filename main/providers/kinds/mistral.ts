// Mistral's chat API at https://api.mistral.ai/v1 (POST /v1/chat/completions, bearer key; the AI SDK's
// @ai-sdk/mistral documents the same default prefix). Model names: docs.mistral.ai/getting-started/models.
import { normalizeOpenAIBaseUrl } from '../defaults.js';
import type { ProviderKindDefinition } from './definition.js';
import { createOpenAICompatible, keyEndpointModelEnv } from './openai-family.js';

const defaultBaseUrl = 'https://api.mistral.ai/v1';
const models = { fast: 'mistral-small-latest', strong: 'mistral-large-latest' };

export const mistral: ProviderKindDefinition<'mistral'> = {
  kind: 'mistral',
  label: 'Mistral',
  defaultBaseUrl,
  normalizeBaseUrl: normalizeOpenAIBaseUrl,
  locality: 'cloud',
  env: keyEndpointModelEnv('MISTRAL', { id: 'mistral', label: 'Mistral', defaultBaseUrl, model: models.fast }),
  models,
  form: { fields: ['apiKey', 'baseUrl'], required: ['apiKey'] },
  create: createOpenAICompatible(),
};
