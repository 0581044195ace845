// What can be asked for: aliases (including the built-in tiered `auto`) and concrete `provider/model` names.
// Shared by the router (resolution, 404 messages), GET /admin/aliases and the /v1/models listing.
import type { Locality } from '../core/provider.js';
import { localityOf as kindLocality } from '../providers/kinds/index.js';
import type { ProviderRegistry } from '../providers/registry.js';
import type { AliasSettings, Settings } from '../settings/schema.js';
import type { AliasView, Mode } from './types.js';

/** Names of the tiered alias that exists even when the settings do not define it. */
export const AUTO_ALIAS = 'auto';

/** Discovered model lists (e.g. Ollama's /api/tags), by provider id. */
export type DiscoveredModels = ReadonlyMap<string, readonly string[]>;

export interface EffectiveAlias extends AliasSettings {
  name: string;
}

/** The configured aliases, plus `auto` (tiered, no own targets) when the user did not define it. */
export function effectiveAliases(settings: Settings): EffectiveAlias[] {
  const list: EffectiveAlias[] = Object.entries(settings.aliases).map(([name, a]) => ({
    name,
    ...a,
    tiered: a.tiered || name === AUTO_ALIAS,
  }));
  if (!(AUTO_ALIAS in settings.aliases)) {
    list.push({ name: AUTO_ALIAS, description: 'Picks a tier per request (SIMPLE → REASONING) from the prompt.', targets: [], tiered: true });
  }
  return list;
}

export function findAlias(settings: Settings, name: string): EffectiveAlias | undefined {
  // Client-supplied name: an own-property check, or `__proto__` would find Object.prototype.
  const a = Object.hasOwn(settings.aliases, name) ? settings.aliases[name] : undefined;
  if (a) return { name, ...a, tiered: a.tiered || name === AUTO_ALIAS };
  return name === AUTO_ALIAS ? effectiveAliases(settings).find((x) => x.name === AUTO_ALIAS) : undefined;
}

/** `provider/model` → [provider, model]; the model part may itself contain slashes (OpenRouter). */
export function splitTarget(label: string): [string, string] | undefined {
  const i = label.indexOf('/');
  if (i <= 0 || i === label.length - 1) return undefined;
  return [label.slice(0, i), label.slice(i + 1)];
}

/**
 * Ollama's model names are `model:tag`, and "the tag is optional and, if not provided, will default to latest"
 * (Ollama docs/api.md, Conventions). The tag is after a ':' in the last path segment, so `host:5000/model` has none.
 * Other kinds compare names as they are.
 */
export function canonicalModelName(kind: string, model: string): string {
  if (kind !== 'ollama') return model;
  return model.slice(model.lastIndexOf('/') + 1).includes(':') ? model : `${model}:latest`;
}

/** The provider's own spelling of `name` among `models`, comparing names the way the provider does. */
export function findModelName(kind: string, models: readonly string[], name: string): string | undefined {
  if (models.includes(name)) return name;
  if (kind !== 'ollama') return undefined;
  const wanted = canonicalModelName(kind, name);
  return models.find((m) => canonicalModelName(kind, m) === wanted);
}

/** Concrete models of enabled providers: configured ones first, then discovered ones, as `id/model`. */
export function concreteModels(settings: Settings, discovered: DiscoveredModels): string[] {
  const out: string[] = [];
  for (const p of settings.providers) {
    if (!p.enabled) continue;
    const seen = new Set<string>();
    for (const m of [...p.models, ...(discovered.get(p.id) ?? [])]) {
      const key = canonicalModelName(p.kind, m);
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(`${p.id}/${m}`);
    }
  }
  return out;
}

/** Locality of a provider id: the live instance when there is one, else what its settings say. */
export function localityOf(settings: Settings, providers: ProviderRegistry, id: string): Locality | undefined {
  const live = providers.get(id);
  if (live) return live.locality;
  const p = settings.providers.find((x) => x.id === id);
  if (!p) return undefined;
  return kindLocality(p.kind, p.local);
}

export function modeAllows(mode: Mode, locality: Locality): boolean {
  return mode === 'auto' || mode === locality;
}

/** GET /admin/aliases: each alias's targets (tier targets first for tiered ones) and whether the mode allows each. */
export function aliasViews(settings: Settings, providers: ProviderRegistry): AliasView[] {
  const tierLabels = Object.values(settings.tiers).filter((t): t is string => typeof t === 'string');
  return effectiveAliases(settings).map((a) => {
    const labels = [...new Set([...(a.tiered ? tierLabels : []), ...a.targets])];
    return {
      name: a.name,
      description: a.description,
      tiered: a.tiered,
      targets: labels.map((label) => {
        const id = splitTarget(label)?.[0] ?? label;
        const locality = localityOf(settings, providers, id);
        const usable = locality !== undefined && providers.get(id) !== undefined;
        return { label, locality: locality ?? 'cloud', allowed: usable && modeAllows(settings.mode, locality) };
      }),
    };
  });
}
