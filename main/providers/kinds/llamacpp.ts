import { normalizeLocalOpenAIBaseUrl } from '../defaults.js';
import type { ProviderKindDefinition } from './definition.js';
import { createOpenAICompatible, llamaServerFields } from './openai-family.js';

export const llamacpp: ProviderKindDefinition<'llamacpp'> = {
  kind: 'llamacpp',
  label: 'llama.cpp server',
  defaultBaseUrl: 'http://localhost:8080/v1',
  normalizeBaseUrl: normalizeLocalOpenAIBaseUrl,
  locality: 'local',
  env: [
    { name: 'LLAMACPP_ENDPOINT', field: 'baseUrl', kind: 'local-url', default: '(none; llama-server serves http://localhost:8080/v1)', description: 'llama.cpp server; setting it adds the llamacpp provider.' },
  ],
  otherNames: ['llama.cpp'],
  form: { fields: ['baseUrl'], required: [], placeholders: { models: 'default' } },
  create: createOpenAICompatible({ passThroughFields: llamaServerFields }),
};
