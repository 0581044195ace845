// The first run works with the Ollama the user has. The default aliases name `ollama/<settings.ollama.model>`
// (qwen2.5-coder:7b out of the box); when that model is not installed, they use an installed chat model instead,
// chosen at start and again whenever Ollama's model list changes. A choice of the user's is never overridden:
// OLLAMA_MODEL or `ollama.model` in the settings file, and per alias or tier, targets written in the settings file
// (or a TIER_* variable). The choice lives in memory only, so the file keeps saying what the user said.
import type { ModelInfo } from '../core/types.js';
import type { ProviderRegistry } from '../providers/registry.js';
import type { Settings } from '../settings/schema.js';
import { tierNames } from '../settings/schema.js';
import type { SettingsStore } from '../settings/store.js';
import { canonicalModelName, effectiveAliases, findModelName, splitTarget } from './catalog.js';
import type { MissingModel } from './types.js';

/** The Ollama provider the defaults create (settings/defaults.ts). */
export const OLLAMA_ID = 'ollama';

/** Names that say "made for code or for following instructions" (qwen2.5-coder, deepseek-coder, llama3.1-instruct…). */
const CODER_OR_INSTRUCT = /coder|code|instruct|devstral/i;

/**
 * Of the installed models, the one the default aliases should use: a coder or instruct model that takes tools
 * (coding clients send tools), else any chat model that takes tools, else the smallest chat model. Ties go to the
 * smaller model (the `chat-fast` alias is about answering quickly on a laptop). Embedding-only models never count.
 * `capabilities` come from Ollama's /api/show; a model whose capabilities are unknown is taken to have no tools.
 */
export function pickInstalledModel(models: readonly ModelInfo[]): string | undefined {
  const chat = models.filter((m) => m.kind !== 'embedding');
  const tools = (m: ModelInfo): boolean => m.capabilities?.includes('tools') ?? false;
  const rank = (m: ModelInfo): number => (tools(m) ? (CODER_OR_INSTRUCT.test(m.id) ? 0 : 1) : 2);
  const size = (m: ModelInfo): number => m.sizeBytes ?? Number.MAX_SAFE_INTEGER;
  return [...chat].sort((a, b) => rank(a) - rank(b) || size(a) - size(b) || a.id.localeCompare(b.id))[0]?.id;
}

/** Where the user's own choices are: the settings file's content and the variables/flags set at start (by path). */
export interface UserChoices {
  file: Record<string, unknown>;
  origins: ReadonlyMap<string, string>;
}

const objectAt = (o: unknown, key: string): Record<string, unknown> | undefined => {
  const v = typeof o === 'object' && o !== null ? (o as Record<string, unknown>)[key] : undefined;
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
};

/** OLLAMA_MODEL, or `ollama.model` in the settings file: the user named the model, so nothing is picked. */
export function userChoseOllamaModel(choices: UserChoices): boolean {
  return choices.origins.has('ollama.model') || objectAt(choices.file, 'ollama')?.model !== undefined;
}

/**
 * The settings with `picked` in place of the current default Ollama model, wherever that model came from the
 * defaults: `ollama.model`, the aliases whose targets the file does not set, the tiers neither the file nor a
 * variable sets, and the default model. Undefined when there is nothing to change.
 */
export function withInstalledModel(settings: Settings, choices: UserChoices, picked: string): Settings | undefined {
  const current = settings.ollama.model;
  if (userChoseOllamaModel(choices) || canonicalModelName('ollama', current) === canonicalModelName('ollama', picked)) return undefined;
  const from = `${OLLAMA_ID}/${current}`;
  const to = `${OLLAMA_ID}/${picked}`;
  const swap = (label: string): string => (label === from ? to : label);
  const fileAliases = objectAt(choices.file, 'aliases');
  const fileTiers = objectAt(choices.file, 'tiers');
  const next: Settings = structuredClone(settings);
  next.ollama.model = picked;
  for (const [name, alias] of Object.entries(next.aliases)) {
    if (objectAt(fileAliases, name)?.targets === undefined) alias.targets = alias.targets.map(swap);
  }
  for (const tier of tierNames) {
    const t = next.tiers[tier];
    if (t !== undefined && fileTiers?.[tier] === undefined && !choices.origins.has(`tiers.${tier}`)) next.tiers[tier] = swap(t);
  }
  if (choices.file.defaultModel === undefined) next.defaultModel = swap(next.defaultModel);
  return next;
}

/**
 * Models the routes name that a running Ollama does not have. `installed` holds the model lists of the Ollama
 * providers that answered; a provider that is down is a different problem (its health says so), not a missing model.
 */
export function missingModels(settings: Settings, installed: ReadonlyMap<string, readonly string[]>): MissingModel[] {
  const uses = new Map<string, string[]>();
  const use = (label: string | undefined, by: string): void => {
    if (!label) return;
    const list = uses.get(label) ?? [];
    if (!list.includes(by)) list.push(by);
    uses.set(label, list);
  };
  for (const a of effectiveAliases(settings)) for (const t of a.targets) use(t, a.name);
  for (const tier of tierNames) use(settings.tiers[tier], `tier ${tier}`);
  if (splitTarget(settings.defaultModel)) use(settings.defaultModel, 'default model');
  const out: MissingModel[] = [];
  for (const [label, usedBy] of uses) {
    const [provider, model] = splitTarget(label) ?? [];
    if (provider === undefined || model === undefined) continue;
    const p = settings.providers.find((x) => x.id === provider && x.enabled && x.kind === 'ollama');
    const list = p && installed.get(provider);
    if (!list || findModelName('ollama', list, model) !== undefined) continue;
    const known = out.find((m) => m.provider === provider && canonicalModelName('ollama', m.model) === canonicalModelName('ollama', model));
    if (known) known.usedBy.push(...usedBy.filter((u) => !known.usedBy.includes(u)));
    else out.push({ provider, model, usedBy, pullCommand: `ollama pull ${model}` });
  }
  return out;
}

export interface InstalledModelDeps {
  settings: SettingsStore;
  providers: ProviderRegistry;
  /** Read at each choice, so an alias the user saved in the window since start counts as theirs. */
  choices: () => UserChoices;
  logger?: { info(obj: object, msg: string): void };
}

export interface InstalledModelChooser {
  /** Ask Ollama what it has and re-point the default aliases if their model is not installed. */
  refresh(): Promise<void>;
  /** Feed a discovered model list (ModelCatalog's probes); a change of Ollama's list triggers refresh(). */
  noteModels(providerId: string, models: readonly string[]): void;
  chosenBy(): 'user' | 'installed' | 'default';
}

export function createInstalledModelChooser(deps: InstalledModelDeps): InstalledModelChooser {
  let seen: string | undefined;
  let picked = false;
  let running: Promise<void> | undefined;
  let again = false;

  async function choose(): Promise<void> {
    const provider = deps.providers.get(OLLAMA_ID);
    if (!provider || provider.kind !== 'ollama' || userChoseOllamaModel(deps.choices())) return;
    let models: ModelInfo[];
    try {
      models = await provider.listModels({ signal: AbortSignal.timeout(5_000), requestId: 'installed-model' });
    } catch {
      return; // Ollama is down: its health says so; the choice is made when it answers.
    }
    const settings = deps.settings.get();
    const chat = models.filter((m) => m.kind !== 'embedding').map((m) => m.id);
    if (findModelName('ollama', chat, settings.ollama.model) !== undefined) return;
    const choice = pickInstalledModel(models);
    const next = choice === undefined ? undefined : withInstalledModel(settings, deps.choices(), choice);
    if (!next) return;
    // In memory only: the file keeps the user's own settings, and the choice is made again at the next start.
    deps.settings.update((draft) => Object.assign(draft, next), { persist: false });
    picked = true;
    deps.logger?.info({ from: settings.ollama.model, to: choice }, 'default aliases use an installed Ollama model');
  }

  const refresh = (): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        await choose();
      } while (again);
    })().finally(() => (running = undefined));
    return running;
  };

  return {
    refresh,
    noteModels(providerId, models) {
      if (providerId !== OLLAMA_ID) return;
      const key = [...models].sort().join('\n');
      if (key === seen) return;
      seen = key;
      void refresh();
    },
    chosenBy: () => (userChoseOllamaModel(deps.choices()) ? 'user' : picked ? 'installed' : 'default'),
  };
}
