// Every provider kind, one file each. The settings schema (kind names), the catalog and Lynkr's env names
// (settings/), the factory (providers/factories.ts) and the window's add/edit form (GET /admin/provider-kinds) are
// all derived from this list: adding a kind is adding its file here.
import { OPENAI_CHAT_OPTIONS, type OptionsRead } from '../../core/provider-options.js';
import type { Locality } from '../../core/provider.js';
import { anthropic } from './anthropic.js';
import { azureOpenAI } from './azure-openai.js';
import { bedrock } from './bedrock.js';
import { deepseek } from './deepseek.js';
import { resolvedBaseUrl, resolvedLocality, type ProviderKindDefinition } from './definition.js';
import { gemini } from './gemini.js';
import { groq } from './groq.js';
import { llamacpp } from './llamacpp.js';
import { lmstudio } from './lmstudio.js';
import { mistral } from './mistral.js';
import { ollama } from './ollama.js';
import { openai } from './openai.js';
import { openaiCompatible } from './openai-compatible.js';
import { openrouter } from './openrouter.js';

/** In the order the window's kind menu and the README's env table show them. */
export const providerKinds = [ollama, openai, openrouter, lmstudio, llamacpp, anthropic, bedrock, azureOpenAI, gemini, groq, mistral, deepseek, openaiCompatible] as const;

export type ProviderKind = (typeof providerKinds)[number]['kind'];

/** The kinds' names, as a tuple for `z.enum`. */
export const kindNames: readonly [ProviderKind, ...ProviderKind[]] = [providerKinds[0].kind, ...providerKinds.slice(1).map((k) => k.kind)];

const byName: ReadonlyMap<string, ProviderKindDefinition> = new Map(providerKinds.map((k) => [k.kind, k]));

export function kindDefinition(kind: string): ProviderKindDefinition | undefined {
  return byName.get(kind);
}

/** The `providerOptions` a provider of this kind reads (an unknown kind: the OpenAI chat wire's). */
export function optionsReadBy(kind: string): OptionsRead {
  return byName.get(kind)?.readsOptions ?? OPENAI_CHAT_OPTIONS;
}

/** The base URL a provider of this kind uses: its own (normalised) or the kind's default. */
export function baseUrlFor(kind: string, baseUrl?: string): string | undefined {
  const d = byName.get(kind);
  return d ? resolvedBaseUrl(d, baseUrl) : baseUrl;
}

/** The kind's locality unless the provider's `local` setting overrides it (an unknown kind counts as cloud). */
export function localityOf(kind: string, local?: boolean): Locality {
  const d = byName.get(kind);
  return d ? resolvedLocality(d, local) : local ? 'local' : 'cloud';
}
