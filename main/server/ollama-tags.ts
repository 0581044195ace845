// GET /api/tags: the routable chat models in Ollama's list shape. LibreChat asks a custom endpoint whose name
// starts with "ollama" for `{origin}/api/tags` instead of `{baseURL}/models` (LibreChat
// packages/api/src/endpoints/models.ts, fetchOllamaModels: `deriveBaseURL` keeps only protocol, host and port,
// then reads `models[].name`); other Ollama clients (Open WebUI, editors) list models the same way.
import type { ServerResponse } from 'node:http';
import type { ModelCatalog } from '../pipeline/catalog.js';
import type { Settings } from '../settings/schema.js';
import { sendJson } from './headers.js';
import { chatModels } from './models.js';

/** One `models[]` entry of Ollama's `GET /api/tags` (the ollama package's ModelResponse / ModelDetails). */
export interface OllamaTagEntry {
  name: string;
  model: string;
  modified_at: string;
  size: number;
  digest: string;
  details: {
    parent_model: string;
    format: string;
    family: string;
    families: string[];
    parameter_size: string;
    quantization_level: string;
  };
}

/** Names are what the gateway routes (aliases, `provider/model`); sizes and digests are not ours to know. */
export async function ollamaTags(settings: Settings, catalog: ModelCatalog, now = new Date()): Promise<{ models: OllamaTagEntry[] }> {
  const modifiedAt = now.toISOString();
  const models = (await chatModels(settings, catalog)).map((m) => ({
    name: m.id,
    model: m.id,
    modified_at: modifiedAt,
    size: 0,
    digest: '',
    details: { parent_model: '', format: '', family: m.ownedBy, families: [m.ownedBy], parameter_size: '', quantization_level: '' },
  }));
  return { models };
}

export async function ollamaTagsHandler(res: ServerResponse, settings: Settings, catalog: ModelCatalog): Promise<void> {
  sendJson(res, 200, await ollamaTags(settings, catalog));
}
