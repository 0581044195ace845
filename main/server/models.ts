import type { ServerResponse } from 'node:http';
import type { ModelCatalog } from '../pipeline/catalog.js';
import { effectiveAliases } from '../routing/catalog.js';
import type { Settings } from '../settings/schema.js';
import { sendJson } from './headers.js';

interface ModelEntry {
  id: string;
  object: 'model';
  created: number;
  owned_by: string;
  description?: string;
}

/** GET /v1/models: aliases first (with descriptions), then every concrete `provider/model`. */
export async function listModels(settings: Settings, catalog: ModelCatalog): Promise<ModelEntry[]> {
  const aliases: ModelEntry[] = effectiveAliases(settings).map((a) => ({
    id: a.name,
    object: 'model',
    created: 0,
    owned_by: 'lynkr',
    description: a.description,
  }));
  const seen = new Set(aliases.map((a) => a.id));
  const concrete: ModelEntry[] = [];
  const add = (provider: string, model: string): void => {
    const id = `${provider}/${model}`;
    if (seen.has(id)) return;
    seen.add(id);
    concrete.push({ id, object: 'model', created: 0, owned_by: provider });
  };
  for (const p of settings.providers) if (p.enabled) for (const m of p.models) add(p.id, m);
  // Only local providers are asked what they have: a cloud catalogue (hundreds of models) would drown the menu.
  for (const probe of await catalog.probeAll({ localOnly: true })) for (const m of probe.models) add(probe.id, m);
  return [...aliases, ...concrete];
}

export async function modelsHandler(res: ServerResponse, settings: Settings, catalog: ModelCatalog): Promise<void> {
  sendJson(res, 200, { object: 'list', data: await listModels(settings, catalog) });
}
