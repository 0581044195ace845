// Groq's OpenAI-compatible API: "change the base_url to https://api.groq.com/openai/v1" with the Groq key as the
// bearer key (console.groq.com/docs/openai). Models: console.groq.com/docs/models.
import { normalizeOpenAIBaseUrl } from '../defaults.js';
import type { ProviderKindDefinition } from './definition.js';
import { createOpenAICompatible, keyEndpointModelEnv } from './openai-family.js';

const defaultBaseUrl = 'https://api.groq.com/openai/v1';
const models = { fast: 'llama-3.1-8b-instant', strong: 'llama-3.3-70b-versatile', reasoning: 'openai/gpt-oss-120b' };

export const groq: ProviderKindDefinition<'groq'> = {
  kind: 'groq',
  label: 'Groq',
  defaultBaseUrl,
  normalizeBaseUrl: normalizeOpenAIBaseUrl,
  locality: 'cloud',
  env: keyEndpointModelEnv('GROQ', { id: 'groq', label: 'Groq', defaultBaseUrl, model: models.fast }),
  models,
  form: { fields: ['apiKey', 'baseUrl'], required: ['apiKey'], placeholders: { apiKey: 'gsk_…' } },
  create: createOpenAICompatible(),
};
