// Defaults that depend on what is configured: the ollama provider, the aliases (chat-fast, chat-quality,
// auto), the tier targets and the model map. They fill only what the user did not set, and never what the user
// removed (`removedDefaults`, kept by the note* helpers below, which the routing admin routes call).
import { ollama } from '../providers/kinds/ollama.js';
import { catalogEntry, isLocalKind } from './catalog.js';
import { firstChatNamed, namedAsNonChat } from './model-names.js';
import { settingsSchema, type Settings, type SettingsInput, type TierName } from './schema.js';

type ProviderInput = NonNullable<SettingsInput['providers']>[number];
type AliasInput = NonNullable<SettingsInput['aliases']>[string];

/** Client-hard-coded model names → alias; first match wins, user entries come first. */
export const defaultModelMap: readonly { pattern: string; alias: string }[] = [
  { pattern: 'claude-*haiku*', alias: 'chat-fast' },
  { pattern: 'claude-*', alias: 'chat-quality' },
  { pattern: 'gpt-5*mini*', alias: 'chat-fast' },
  { pattern: 'gpt-5*nano*', alias: 'chat-fast' },
  { pattern: 'gpt-5*', alias: 'chat-quality' },
  // Codex CLI 0.171's default model is gpt-6.2-sol (its bundled catalog): without this, its first request is a 404.
  { pattern: 'gpt-6*', alias: 'chat-quality' },
  { pattern: 'gpt-4*', alias: 'chat-quality' },
  { pattern: 'o[0-9]*', alias: 'chat-quality' },
];

export function withDefaults(input: SettingsInput): SettingsInput {
  const providers = [...(input.providers ?? [])];
  // Appended, so the file's entries keep their indexes (error messages map them back to the file).
  if (!providers.some((p) => p.id === 'ollama')) providers.push({ id: 'ollama', kind: 'ollama', baseUrl: ollama.defaultBaseUrl });
  const ollamaModel = input.ollama?.model ?? settingsSchema.shape.ollama.parse(undefined).model;
  const enabled = providers.filter((p) => p.enabled !== false);
  const local = enabled.find((p) => p.id === 'ollama') ? `ollama/${ollamaModel}` : undefined;
  const cloud = enabled.filter((p) => !(p.local ?? isLocalKind(p.kind)));
  const pick = (tier: 'fast' | 'strong' | 'reasoning'): string[] => cloud.flatMap((p) => modelFor(p, tier));

  const fast = unique([...(local ? [local] : []), ...pick('fast')]);
  const quality = unique([...pick('strong'), ...(local ? [local] : [])]);
  const defaults: Record<string, AliasInput> = {
    'chat-fast': { description: 'Quick answers: the local model first, a cheap cloud model if it is down.', targets: fast },
    'chat-quality': { description: 'Best answers: a strong cloud model, the local model as a last resort.', targets: quality },
    auto: { description: 'Picks a tier (simple → reasoning) per request and routes to that tier’s model.', targets: fast, tiered: true },
  };
  // Per alias and per field, so a user who only reorders chat-fast's targets keeps its description.
  const removedAliases = new Set(input.removedDefaults?.aliases ?? []);
  const aliases: Record<string, AliasInput> = Object.fromEntries(Object.entries(defaults).filter(([name]) => !removedAliases.has(name)));
  for (const [name, alias] of Object.entries(input.aliases ?? {})) aliases[name] = { ...defaults[name], ...alias };

  const strongest = pick('strong')[0] ?? local;
  const reasoning = pick('reasoning')[0] ?? strongest;
  const tierDefaults: Partial<Record<TierName, string>> = { SIMPLE: local ?? fast[0], MEDIUM: local ?? fast[0], COMPLEX: strongest, REASONING: reasoning };
  const tiers = { ...definedOnly(tierDefaults), ...input.tiers };

  const userMap = input.modelMap ?? [];
  const removedPatterns = new Set(input.removedDefaults?.modelMap ?? []);
  const modelMap = [...userMap, ...defaultModelMap.filter((d) => !removedPatterns.has(d.pattern) && !userMap.some((u) => u.pattern === d.pattern))];

  return { ...input, providers, aliases, tiers, modelMap };
}

const defaultAliasNames: ReadonlySet<string> = new Set(['chat-fast', 'chat-quality', 'auto']);

/** A default alias deleted or renamed away: it must not come back at the next load. */
export function noteAliasRemoved(s: Settings, name: string): void {
  if (defaultAliasNames.has(name) && !s.removedDefaults.aliases.includes(name)) s.removedDefaults.aliases.push(name);
}

/** An alias created (or renamed to) under a removed default's name is the user's again. */
export function noteAliasCreated(s: Settings, name: string): void {
  s.removedDefaults.aliases = s.removedDefaults.aliases.filter((n) => n !== name);
}

/**
 * After `s.modelMap` replaced `before`: built-in patterns taken out are recorded as removed, ones put back (under
 * any alias) are forgotten. A pattern absent from both keeps its state.
 */
export function noteModelMapChange(s: Settings, before: readonly { pattern: string }[]): void {
  const now = new Set(s.modelMap.map((m) => m.pattern));
  const had = new Set(before.map((m) => m.pattern));
  const removed = new Set(s.removedDefaults.modelMap);
  for (const { pattern } of defaultModelMap) {
    if (now.has(pattern)) removed.delete(pattern);
    else if (had.has(pattern)) removed.add(pattern);
  }
  s.removedDefaults.modelMap = [...removed];
}

/**
 * `id/model` for the model of `tier` this provider would serve, if it has one. The defaults are chat aliases: a
 * model or deployment named as an embedding (or other non-chat) model is never one of them, so a provider that
 * serves only embeddings adds nothing.
 */
function modelFor(p: ProviderInput, tier: 'fast' | 'strong' | 'reasoning'): string[] {
  const entry = catalogEntry(p.id);
  const model = entry?.kind === p.kind ? entry[tier] : undefined;
  if (model) return [`${p.id}/${model}`];
  if (p.kind === 'azure-openai' && p.deployment && !namedAsNonChat(p.deployment)) return [`${p.id}/${p.deployment}`];
  const listed = tier === 'reasoning' ? undefined : firstChatNamed(p.models);
  return listed ? [`${p.id}/${listed}`] : [];
}

const unique = (xs: string[]): string[] => [...new Set(xs)];

function definedOnly<T extends Record<string, string | undefined>>(o: T): Record<string, string> {
  return Object.fromEntries(Object.entries(o).filter((e): e is [string, string] => e[1] !== undefined));
}
