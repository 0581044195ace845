// Provider kind → adapter factory. An adapter for a new kind is registered by replacing its `undefined` below
// with its factory (one line); the registry needs nothing else.
import { invalidRequest } from '../core/errors.js';
import type { Locality, Provider, ProviderKind } from '../core/provider.js';
import type { ProviderSettings, Settings } from '../settings/schema.js';
import { baseUrlFor, localityOf } from './defaults.js';
import { timeoutsFrom, type HttpTimeouts } from './http.js';
import { AnthropicProvider } from './anthropic.js';
import { AzureOpenAIProvider } from './azure-openai.js';
import { BedrockProvider } from './bedrock.js';
import { GeminiProvider } from './gemini.js';
import { OllamaProvider } from './ollama.js';
import { OpenAICompatibleProvider, openAIKindOptions } from './openai-compatible.js';

/** What a factory gets besides the provider's own settings. */
export interface ProviderEnv {
  timeouts: HttpTimeouts;
  settings: Settings;
}

export type ProviderFactory = (p: ProviderSettings, env: ProviderEnv) => Provider;

/** The fields every adapter needs, resolved: base URL (normalised or the kind's default), locality, timeouts. */
export interface CommonProviderOptions {
  id: string;
  kind: ProviderKind;
  baseUrl: string;
  locality: Locality;
  timeouts: HttpTimeouts;
  apiKey?: string;
  headers: Record<string, string>;
}

export function commonOptions(p: ProviderSettings, env: ProviderEnv): CommonProviderOptions {
  const baseUrl = baseUrlFor(p.kind, p.baseUrl);
  if (baseUrl === undefined) throw invalidRequest(`provider "${p.id}" (${p.kind}) needs a baseUrl`, 'providers');
  return { id: p.id, kind: p.kind, baseUrl, locality: localityOf(p.kind, p.local), timeouts: env.timeouts, apiKey: p.apiKey, headers: p.headers };
}

const openAIFamily: ProviderFactory = (p, env) => {
  const common = commonOptions(p, env);
  const kindOpts = openAIKindOptions(p.kind);
  return new OpenAICompatibleProvider({
    ...common,
    ...kindOpts,
    headers: { ...kindOpts.headers, ...p.headers },
    parseTextToolCalls: p.parseTextToolCalls ?? false,
  });
};

const ollama: ProviderFactory = (p, env) =>
  new OllamaProvider({ ...commonOptions(p, env), keepAlive: p.keepAlive, parseTextToolCalls: p.parseTextToolCalls ?? true });

export const factories: Record<ProviderKind, ProviderFactory | undefined> = {
  ollama,
  openai: openAIFamily,
  openrouter: openAIFamily,
  lmstudio: openAIFamily,
  llamacpp: openAIFamily,
  'openai-compatible': openAIFamily,
  anthropic: (p, env) => new AnthropicProvider(p, env),
  bedrock: (p, env) => new BedrockProvider(p, env),
  'azure-openai': (p, env) => new AzureOpenAIProvider(p, env),
  gemini: (p, env) => new GeminiProvider(p, env),
};

export function createProvider(p: ProviderSettings, settings: Settings): Provider {
  const factory = factories[p.kind];
  if (!factory) throw invalidRequest(`provider kind "${p.kind}" is not supported yet`, 'providers');
  return factory(p, { timeouts: timeoutsFrom(settings.server), settings });
}
