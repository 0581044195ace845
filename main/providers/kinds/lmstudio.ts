import { normalizeLocalOpenAIBaseUrl } from '../defaults.js';
import type { ProviderKindDefinition } from './definition.js';
import { createOpenAICompatible, llamaServerFields } from './openai-family.js';

export const lmstudio: ProviderKindDefinition<'lmstudio'> = {
  kind: 'lmstudio',
  label: 'LM Studio',
  defaultBaseUrl: 'http://localhost:1234/v1',
  normalizeBaseUrl: normalizeLocalOpenAIBaseUrl,
  locality: 'local',
  env: [
    { name: 'LMSTUDIO_ENDPOINT', field: 'baseUrl', kind: 'local-url', default: '(none; LM Studio serves http://localhost:1234/v1)', description: 'LM Studio server; setting it adds the lmstudio provider.' },
  ],
  otherNames: ['lm-studio'],
  form: { fields: ['baseUrl'], required: [], placeholders: { models: 'qwen2.5-coder-7b-instruct' } },
  create: createOpenAICompatible({ passThroughFields: llamaServerFields }),
};
