import { EFFORT_OPTIONS } from '../../core/provider-options.js';
import { normalizeOllamaBaseUrl } from '../defaults.js';
import { OllamaProvider } from '../ollama.js';
import { commonOptions, type ProviderKindDefinition } from './definition.js';

export const ollama: ProviderKindDefinition<'ollama'> = {
  kind: 'ollama',
  label: 'Ollama',
  defaultBaseUrl: 'http://localhost:11434',
  normalizeBaseUrl: normalizeOllamaBaseUrl,
  locality: 'local',
  env: [
    { name: 'OLLAMA_ENDPOINT', field: 'baseUrl', kind: 'url', default: 'http://localhost:11434', description: 'Ollama server URL.' },
    { name: 'OLLAMA_MODEL', path: 'ollama.model', kind: 'string', description: 'Ollama model used by the default aliases (chat-fast, auto) and by MODEL_PROVIDER=ollama.' },
    { name: 'OLLAMA_EMBEDDINGS_MODEL', path: 'ollama.embeddingsModel', kind: 'string', description: 'Ollama model for /v1/embeddings and the ollama semantic-cache embedder.' },
    { name: 'OLLAMA_KEEP_ALIVE', field: 'keepAlive', kind: 'string', default: "(Ollama's own, 5m)", description: 'How long Ollama keeps the model loaded after a request (e.g. 10m, -1).' },
  ],
  form: { fields: ['baseUrl'], required: [], placeholders: { models: 'qwen2.5-coder:7b' } },
  // /api/chat's own fields; OpenAI's reasoning_effort is translated into `think` (ollama-fit.ts).
  readsOptions: { namespaces: ['ollama'], translates: EFFORT_OPTIONS },
  create: (p, env) => new OllamaProvider({ ...commonOptions(p, env), keepAlive: p.keepAlive, parseTextToolCalls: p.parseTextToolCalls ?? true }),
};
