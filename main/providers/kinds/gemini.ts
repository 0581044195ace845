// Google Gemini through its OpenAI-compatible endpoint, with the API key (Lynkr's GOOGLE_API_KEY) as a bearer token.
import { normalizeOpenAIBaseUrl } from '../defaults.js';
import type { ProviderKindDefinition } from './definition.js';
import { createOpenAICompatible } from './openai-family.js';

export const gemini: ProviderKindDefinition<'gemini'> = {
  kind: 'gemini',
  label: 'Google Gemini',
  defaultBaseUrl: 'https://generativelanguage.googleapis.com/v1beta/openai',
  normalizeBaseUrl: normalizeOpenAIBaseUrl,
  locality: 'cloud',
  env: [
    { name: 'GOOGLE_API_KEY', field: 'apiKey', kind: 'string', default: '(none)', description: 'Google AI Studio key for Gemini. The gemini provider exists only when it is set.' },
  ],
  otherNames: ['google', 'vertex'],
  models: { fast: 'gemini-2.0-flash', strong: 'gemini-2.5-pro', reasoning: 'gemini-2.5-pro' },
  form: { fields: ['apiKey', 'baseUrl'], required: ['apiKey'] },
  create: createOpenAICompatible(),
};
