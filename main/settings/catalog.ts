// Which provider ids the Lynkr env names create, their kind and locality, and the models the default aliases
// use for each. Data only: env.ts, defaults.ts and the README table read it.
import type { providerKinds } from './schema.js';

export type ProviderKind = (typeof providerKinds)[number];

export interface CatalogEntry {
  kind: ProviderKind;
  local: boolean;
  /** Cheap, quick model for `chat-fast` and the SIMPLE/MEDIUM tiers. */
  fast?: string;
  /** Strong model for `chat-quality` and the COMPLEX tier. */
  strong?: string;
  /** Model for the REASONING tier. */
  reasoning?: string;
}

/** Keyed by the provider id that the env names create (the id is also the `id/` prefix of targets). */
export const catalog = {
  ollama: { kind: 'ollama', local: true },
  lmstudio: { kind: 'lmstudio', local: true },
  llamacpp: { kind: 'llamacpp', local: true },
  openai: { kind: 'openai', local: false, fast: 'gpt-4o-mini', strong: 'gpt-4o', reasoning: 'o4-mini' },
  openrouter: {
    kind: 'openrouter',
    local: false,
    fast: 'openai/gpt-4o-mini',
    strong: 'anthropic/claude-sonnet-4.5',
    reasoning: 'openai/o4-mini',
  },
  anthropic: {
    kind: 'anthropic',
    local: false,
    fast: 'claude-3-5-haiku-latest',
    strong: 'claude-sonnet-4-5',
    reasoning: 'claude-sonnet-4-5',
  },
  gemini: { kind: 'gemini', local: false, fast: 'gemini-2.0-flash', strong: 'gemini-2.5-pro', reasoning: 'gemini-2.5-pro' },
  bedrock: {
    kind: 'bedrock',
    local: false,
    fast: 'anthropic.claude-3-5-haiku-20241022-v1:0',
    strong: 'anthropic.claude-3-7-sonnet-20250219-v1:0',
  },
  'azure-openai': { kind: 'azure-openai', local: false },
} as const satisfies Record<string, CatalogEntry>;

export type CatalogId = keyof typeof catalog;

export const isCatalogId = (id: string): id is CatalogId => Object.hasOwn(catalog, id);

export function catalogEntry(id: string): CatalogEntry | undefined {
  return isCatalogId(id) ? catalog[id] : undefined;
}

/** Kinds that run on this machine unless the provider says otherwise. */
export function isLocalKind(kind: string): boolean {
  return kind === 'ollama' || kind === 'lmstudio' || kind === 'llamacpp';
}
