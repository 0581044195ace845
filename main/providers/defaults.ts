// Per-kind defaults (base URL, locality) and the base-URL normaliser. Pure data and string functions with no
// imports beyond core types, so settings/ can use them too.
import type { Locality, ProviderKind } from '../core/provider.js';

export const defaultBaseUrls: Readonly<Record<ProviderKind, string | undefined>> = {
  ollama: 'http://localhost:11434',
  openai: 'https://api.openai.com/v1',
  openrouter: 'https://openrouter.ai/api/v1',
  lmstudio: 'http://localhost:1234/v1',
  llamacpp: 'http://localhost:8080/v1',
  'openai-compatible': undefined,
  anthropic: 'https://api.anthropic.com',
  bedrock: undefined,
  'azure-openai': undefined,
  gemini: 'https://generativelanguage.googleapis.com/v1beta/openai',
};

const localKinds: ReadonlySet<ProviderKind> = new Set(['ollama', 'lmstudio', 'llamacpp']);

/** The kind's locality unless the provider's `local` setting overrides it. */
export function localityOf(kind: ProviderKind, local?: boolean): Locality {
  if (local !== undefined) return local ? 'local' : 'cloud';
  return localKinds.has(kind) ? 'local' : 'cloud';
}

/**
 * An OpenAI-family base URL as we use it (ending where `/chat/completions` would be appended). Accepts Lynkr's
 * full form (`…/v1/chat/completions`, `…/v1/embeddings`, `…/v1/models`) and trailing slashes. Query and
 * credentials are kept (an Azure-style `?api-version=` is the caller's business).
 */
export function normalizeOpenAIBaseUrl(url: string): string {
  const u = new URL(url.trim());
  u.pathname = u.pathname.replace(/\/+$/, '').replace(/\/(chat\/completions|completions|embeddings|models|responses)$/, '');
  return u.href.replace(/\/+(?=\?|#|$)/, '');
}

/** An Ollama base URL: Lynkr accepts `…/api/chat` style forms too; keep only scheme, host and port (+ prefix). */
export function normalizeOllamaBaseUrl(url: string): string {
  const u = new URL(url.trim());
  u.pathname = u.pathname.replace(/\/+$/, '').replace(/\/api(\/.*)?$/, '').replace(/\/v1$/, '');
  u.search = '';
  return u.href.replace(/\/+$/, '');
}

/** The base URL a provider will use: its own (normalised) or its kind's default. */
export function baseUrlFor(kind: ProviderKind, baseUrl?: string): string | undefined {
  const url = baseUrl ?? defaultBaseUrls[kind];
  if (url === undefined) return undefined;
  if (kind === 'ollama') return normalizeOllamaBaseUrl(url);
  if (kind === 'anthropic' || kind === 'bedrock' || kind === 'azure-openai') return url.replace(/\/+$/, '');
  const normal = normalizeOpenAIBaseUrl(url);
  // LM Studio and llama-server are often given as http://localhost:1234; their OpenAI API lives under /v1.
  if ((kind === 'lmstudio' || kind === 'llamacpp') && new URL(normal).pathname === '/') return `${normal.replace(/\/$/, '')}/v1`;
  return normal;
}
