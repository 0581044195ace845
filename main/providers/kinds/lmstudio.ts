import { normalizeLocalOpenAIBaseUrl } from '../defaults.js';
import type { OpenAIChatDialect, ProviderKindDefinition } from './definition.js';
import { createOpenAICompatible, llamaServerFields } from './openai-family.js';

// LM Studio lists top_k in its "Supported payload parameters" (lmstudio.ai/docs/developer/openai-compat/
// chat-completions). Its other llama.cpp knobs (min_p, repeat_penalty) reach it in a client's own body
// (openai-family.ts llamaServerFields).
const openAIChat: OpenAIChatDialect = { takesTopK: true };

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
  openAIChat,
  create: createOpenAICompatible({ passThroughFields: llamaServerFields }),
};
