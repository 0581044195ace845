import { normalizeLocalOpenAIBaseUrl } from '../defaults.js';
import type { OpenAIChatDialect, ProviderKindDefinition } from './definition.js';
import { createOpenAICompatible, llamaServerFields } from './openai-family.js';

// llama.cpp's server takes top_k on /v1/chat/completions as on /completion (ggml-org/llama.cpp
// tools/server/README.md, "POST /completion" options). Its other knobs (min_p, repeat_penalty) reach it in a client's
// own body (openai-family.ts llamaServerFields).
const openAIChat: OpenAIChatDialect = { takesTopK: true };

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
  openAIChat,
  create: createOpenAICompatible({ passThroughFields: llamaServerFields }),
};
