import type { ServerResponse } from 'node:http';
import type { ModelCatalog } from '../pipeline/catalog.js';
import { canonicalModelName, effectiveAliases } from '../routing/catalog.js';
import { namedAsNonChat } from '../settings/model-names.js';
import type { Settings } from '../settings/schema.js';
import { sendJson } from './headers.js';

/** One name a chat client may pick: an alias, or a concrete `provider/model`. */
export interface ChatModelEntry {
  id: string;
  /** 'lynkr' for aliases, else the provider id. */
  ownedBy: string;
  description?: string;
}

interface ModelEntry {
  id: string;
  object: 'model';
  created: number;
  owned_by: string;
  description?: string;
}

/**
 * The chat models a client's menu should offer: aliases first (with descriptions), then every concrete
 * `provider/model` of enabled providers: configured ones, then what each provider lists (a provider added in the
 * window shows its models here as soon as it answers). Embedding-only models are left out: those a provider
 * reports as such (ModelInfo.kind), and those of a cloud catalogue whose names say so.
 */
export async function chatModels(settings: Settings, catalog: ModelCatalog): Promise<ChatModelEntry[]> {
  const aliases: ChatModelEntry[] = effectiveAliases(settings).map((a) => ({ id: a.name, ownedBy: 'lynkr', description: a.description }));
  const probes = await catalog.probeAll();
  // Names compared as the provider compares them: Ollama's `llama3.2` and `llama3.2:latest` are one model.
  const key = (provider: string, kind: string, model: string): string => `${provider}/${canonicalModelName(kind, model)}`;
  const embedding = new Set(probes.flatMap((p) => p.embeddingModels.map((m) => key(p.id, p.kind, m))));
  const seen = new Set(aliases.map((a) => a.id));
  const concrete: ChatModelEntry[] = [];
  const add = (provider: string, kind: string, model: string, saysKind: boolean): void => {
    const k = key(provider, kind, model);
    if (seen.has(k) || embedding.has(k) || (!saysKind && namedAsNonChat(model))) return;
    seen.add(k);
    concrete.push({ id: `${provider}/${model}`, ownedBy: provider });
  };
  for (const p of settings.providers) if (p.enabled) for (const m of p.models) add(p.id, p.kind, m, true);
  // Ollama says which models only embed. A local server lists what the user loaded, left as it is; a cloud
  // catalogue (OpenAI's /models) mixes in embeddings, speech and images, told apart by name.
  for (const probe of probes) for (const m of probe.models) add(probe.id, probe.kind, m, probe.locality === 'local');
  return [...aliases, ...concrete];
}

/** GET /v1/models in OpenAI's list shape. */
export async function listModels(settings: Settings, catalog: ModelCatalog): Promise<ModelEntry[]> {
  return (await chatModels(settings, catalog)).map((m) => ({
    id: m.id,
    object: 'model',
    created: 0,
    owned_by: m.ownedBy,
    ...(m.description !== undefined ? { description: m.description } : {}),
  }));
}

export async function modelsHandler(res: ServerResponse, settings: Settings, catalog: ModelCatalog): Promise<void> {
  sendJson(res, 200, { object: 'list', data: await listModels(settings, catalog) });
}
