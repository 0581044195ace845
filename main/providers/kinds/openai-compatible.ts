// Any server that speaks OpenAI's chat API at a base URL the user gives (vLLM, a LAN box, a proxy…).
import { normalizeOpenAIBaseUrl } from '../defaults.js';
import type { ProviderKindDefinition } from './definition.js';
import { createOpenAICompatible } from './openai-family.js';

export const openaiCompatible: ProviderKindDefinition<'openai-compatible'> = {
  kind: 'openai-compatible',
  label: 'OpenAI-compatible',
  normalizeBaseUrl: normalizeOpenAIBaseUrl,
  // Cloud unless the provider says `local` (a server on this machine or the LAN).
  locality: 'cloud',
  env: [],
  form: { fields: ['baseUrl', 'apiKey', 'local'], required: ['baseUrl'], placeholders: { baseUrl: 'http://localhost:8000/v1', models: 'my-model' } },
  create: createOpenAICompatible(),
};
