// From the client's model name to an ordered list of candidate `provider/model` labels (before the mode filter):
// (a) alias → (b) the user's modelMap entries → (c) `provider/model` → (d) bare model exactly one provider serves →
// (e) the built-in modelMap entries → (f) empty → default.
import { GatewayError } from '../core/errors.js';
import type { Settings } from '../settings/schema.js';
import { concreteModels, effectiveAliases, findAlias, findModelName, splitTarget, type DiscoveredModels, type EffectiveAlias } from './catalog.js';
import { globMatch } from './glob.js';
import { defaultModelMap } from '../settings/defaults.js';

type ModelMapEntry = Settings['modelMap'][number];

export interface Resolution {
  /** The alias the name resolved to. */
  alias?: EffectiveAlias;
  /** The client's name when the model map rewrote it. */
  mappedFrom?: string;
  /** Candidates in order (for a tiered alias: its own targets; the router puts the tier's target first). */
  labels: string[];
}

const LIST_CAP = 40;

function notFound(name: string, settings: Settings, discovered: DiscoveredModels, why = ''): GatewayError {
  const aliases = effectiveAliases(settings).map((a) => a.name);
  const models = concreteModels(settings, discovered);
  const all = [...aliases, ...models];
  const shown = all.slice(0, LIST_CAP).join(', ') + (all.length > LIST_CAP ? `, … and ${all.length - LIST_CAP} more` : '');
  return new GatewayError({
    kind: 'not_found',
    status: 404,
    code: 'model_not_found',
    param: 'model',
    message: `The model '${name.length > 200 ? name.slice(0, 200) + '…' : name}' does not exist${why}. Available: ${shown || 'nothing (no providers configured)'}.`,
  });
}

function enabledProvider(settings: Settings, id: string) {
  return settings.providers.find((p) => p.id === id && p.enabled);
}

/**
 * The models a provider is known to serve without asking it: its configured list, the models the routes name
 * for it (alias targets, tiers), and for Ollama the chat and embedding models of the settings (OLLAMA_MODEL,
 * OLLAMA_EMBEDDINGS_MODEL). So `OLLAMA_MODEL`'s name reaches Ollama even while Ollama is down, and the client
 * hears that Ollama is down rather than that the name is unknown.
 */
function configuredModels(settings: Settings, p: Settings['providers'][number]): string[] {
  const named = [...Object.values(settings.aliases).flatMap((a) => a.targets), ...Object.values(settings.tiers)]
    .map((label) => (label ? splitTarget(label) : undefined))
    .filter((t): t is [string, string] => t !== undefined && t[0] === p.id)
    .map((t) => t[1]);
  const ollama = p.kind === 'ollama' && p.id === 'ollama' ? [settings.ollama.model, settings.ollama.embeddingsModel] : [];
  return [...p.models, ...named, ...ollama];
}

function ambiguous(name: string, labels: string[]): GatewayError {
  return new GatewayError({
    kind: 'invalid_request',
    status: 400,
    code: 'model_ambiguous',
    param: 'model',
    message: `The model '${name}' is served by several providers: ${labels.join(', ')}. Ask for one of them by that full name.`,
  });
}

/** (c) and (d): a concrete model, or undefined. A bare name must name one provider's model; several are a 400. */
function resolveConcrete(name: string, settings: Settings, discovered: DiscoveredModels): string[] | undefined {
  const split = splitTarget(name);
  if (split && enabledProvider(settings, split[0])) return [name];
  // Each label names the model as its provider lists it (a bare `qwen2.5-coder` is Ollama's `qwen2.5-coder:latest`).
  const labels: string[] = [];
  for (const p of settings.providers) {
    if (!p.enabled) continue;
    const model = findModelName(p.kind, configuredModels(settings, p), name) ?? findModelName(p.kind, discovered.get(p.id) ?? [], name);
    if (model !== undefined) labels.push(`${p.id}/${model}`);
  }
  if (labels.length > 1) throw ambiguous(name, labels);
  return labels.length > 0 ? labels : undefined;
}

/** The first model-map entry whose pattern matches, resolved; undefined when none does or it names nothing usable. */
function viaModelMap(name: string, settings: Settings, discovered: DiscoveredModels): { entry: ModelMapEntry; resolution?: Resolution } | undefined {
  const entry = settings.modelMap.find((e) => globMatch(e.pattern, name));
  if (!entry) return undefined;
  const mapped = findAlias(settings, entry.alias);
  if (mapped) return { entry, resolution: { alias: mapped, mappedFrom: name, labels: mapped.targets } };
  const concrete = resolveConcrete(entry.alias, settings, discovered);
  return { entry, resolution: concrete ? { mappedFrom: name, labels: concrete } : undefined };
}

const isBuiltIn = (e: ModelMapEntry): boolean => defaultModelMap.some((d) => d.pattern === e.pattern && d.alias === e.alias);

/**
 * The user's own map entries win over a model a provider serves: the user wrote them to send that name elsewhere.
 * The built-in ones (`gpt-4*`, `claude-*`…) are for names clients hard-code that no provider serves, so a model
 * a provider does serve (`gpt-4o-mini` with an OpenAI key) is that model, not the alias the built-in map names.
 */
function resolveName(name: string, settings: Settings, discovered: DiscoveredModels): Resolution | undefined {
  const alias = findAlias(settings, name);
  if (alias) return { alias, labels: alias.targets };
  const mapped = viaModelMap(name, settings, discovered);
  if (mapped?.resolution && !isBuiltIn(mapped.entry)) return mapped.resolution;
  const concrete = resolveConcrete(name, settings, discovered);
  if (concrete) return { labels: concrete };
  return mapped?.resolution;
}

export function resolveModel(requested: string, settings: Settings, discovered: DiscoveredModels): Resolution {
  const name = requested.trim();
  if (name === '') {
    const r = resolveName(settings.defaultModel, settings, discovered);
    if (!r) throw notFound(settings.defaultModel, settings, discovered, ' (it is the default model, used when a request names none)');
    return r;
  }
  const r = resolveName(name, settings, discovered);
  if (r) return r;
  const split = splitTarget(name);
  const disabled = split && settings.providers.some((p) => p.id === split[0] && !p.enabled);
  throw notFound(name, settings, discovered, disabled ? ` (provider '${split[0]}' is disabled)` : '');
}
