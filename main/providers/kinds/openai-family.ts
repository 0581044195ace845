// What kinds that speak OpenAI's chat API share: their create() and Lynkr's three env names for a cloud one. With
// these, a new OpenAI-compatible kind (Groq, Mistral, DeepSeek…) is one small definition file.
import type { Provider } from '../../core/provider.js';
import type { ProviderSettings } from '../../settings/schema.js';
import { OpenAICompatibleProvider, type OpenAICompatibleOptions } from '../openai-compatible.js';
import { openAIChatFields } from '../openai-wire.js';
import { commonOptions, type KindEnvVar, type ProviderEnv } from './definition.js';

/** create() of an OpenAI chat kind; `extra` is what this kind does differently (headers, fields passed through…). */
export function createOpenAICompatible(extra: Partial<OpenAICompatibleOptions> = {}): (p: ProviderSettings, env: ProviderEnv) => Provider {
  return (p, env) =>
    new OpenAICompatibleProvider({
      ...commonOptions(p, env),
      ...extra,
      headers: { ...extra.headers, ...p.headers },
      parseTextToolCalls: p.parseTextToolCalls ?? false,
      openAIChat: env.openAIChat,
    });
}

/** llama.cpp-style servers also take these sampling fields from a client's body (see llamacpp.ts, lmstudio.ts). */
export const llamaServerFields: ReadonlySet<string> = new Set([...openAIChatFields, 'top_k', 'min_p', 'repeat_penalty']);

/** Lynkr's `<PREFIX>_API_KEY`, `<PREFIX>_ENDPOINT` and `<PREFIX>_MODEL` for a cloud OpenAI chat provider. */
export function keyEndpointModelEnv(prefix: string, o: { id: string; label: string; defaultBaseUrl: string; model: string }): KindEnvVar[] {
  return [
    { name: `${prefix}_API_KEY`, field: 'apiKey', kind: 'string', default: '(none)', description: `${o.label} key. The ${o.id} provider exists only when it is set.` },
    { name: `${prefix}_ENDPOINT`, field: 'baseUrl', kind: 'openai-url', default: o.defaultBaseUrl, description: `${o.label} base URL, or its full \`…/chat/completions\` URL.` },
    { name: `${prefix}_MODEL`, field: 'models', kind: 'model', default: o.model, description: `${o.label} model for MODEL_PROVIDER=${o.id}; also listed in /v1/models.` },
  ];
}
