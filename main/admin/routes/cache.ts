// GET /admin/cache/stats, POST /admin/cache/clear {alias?}, PUT /admin/cache/threshold {threshold},
// GET|PUT /admin/cache/settings (the semantic switch, its embedder, the exact cache's policy).
// Changes are persisted to the settings file and applied live (cache.applySettings follows the settings store).
import type { Router } from 'express';
import { z } from 'zod';
import { GatewayError } from '../../core/errors.js';
import type { Settings } from '../../settings/schema.js';
import type { CacheSettingsView, CacheStats, EmbedderChoice, EmbedderOption } from '../contract.js';
import type { AdminDeps } from '../deps.js';
import { parseBody } from '../validate.js';

const clearBody = z.object({ alias: z.string().min(1).max(200).optional() }).strict();
const thresholdBody = z.object({ threshold: z.number().min(0).max(1) }).strict();
const settingsBody = z
  .object({
    semanticEnabled: z.boolean().optional(),
    exactPolicy: z.enum(['deterministic', 'always', 'off']).optional(),
    embedder: z.enum(['auto', 'builtin', 'ollama', 'openai']).optional(),
    embedderModel: z.string().trim().min(1).max(200).nullable().optional(),
    embedderProvider: z.string().trim().min(1).max(200).nullable().optional(),
  })
  .strict();

/** The embedding model Lynkr suggests for Ollama (settings `ollama.embeddingsModel` defaults to it too). */
const SUGGESTED_OLLAMA_EMBEDDER = 'nomic-embed-text';
const OPENAI_DEFAULT_EMBEDDER = 'text-embedding-3-small';
const LIST_TIMEOUT_MS = 3_000;

const bareName = (model: string): string => model.replace(/:latest$/, '');

const AUTO_LABEL = 'Automatic (an installed Ollama embedding model, else built-in)';

/** An embedder's internal id (it names the vector space, cache/embedders/) as a person would say it. */
export function embedderLabel(id: string): string {
  // The auto embedder before its first look at Ollama (cache/embedders/auto.ts; asking for stats starts one).
  if (id === 'auto') return 'Choosing… (looking for an installed Ollama embedding model)';
  if (id.startsWith('builtin-hybrid')) return 'Built-in (word vectors + n-grams)';
  if (id.startsWith('builtin-ngram')) return 'Built-in (character n-grams)';
  if (id.startsWith('builtin-wink')) return 'Built-in (word vectors)';
  if (id.startsWith('ollama-')) return `Ollama · ${bareName(id.slice('ollama-'.length))}`;
  if (id.startsWith('openai-')) return `OpenAI-compatible · ${id.slice('openai-'.length)}`;
  return id;
}

/** The configured embedder with the model it uses (the same defaults as cache/embedders/index.ts). */
function configuredEmbedder(s: Settings): EmbedderChoice {
  const sem = s.cache.semantic;
  if (sem.embedder === 'auto') {
    // A model or provider here is only a preference (settings file); the window's choice clears both.
    const prefer = [sem.embedderModel, sem.embedderProvider && `on ${sem.embedderProvider}`].filter(Boolean).join(' ');
    const extra = { ...(sem.embedderModel ? { model: sem.embedderModel } : {}), ...(sem.embedderProvider ? { provider: sem.embedderProvider } : {}) };
    return { embedder: 'auto', ...extra, label: prefer ? `${AUTO_LABEL}, preferring ${prefer}` : AUTO_LABEL };
  }
  if (sem.embedder === 'ollama') {
    const model = sem.embedderModel ?? s.ollama.embeddingsModel;
    return { embedder: 'ollama', model, ...(sem.embedderProvider ? { provider: sem.embedderProvider } : {}), label: embedderLabel(`ollama-${model}`) };
  }
  if (sem.embedder === 'openai') {
    const model = sem.embedderModel ?? OPENAI_DEFAULT_EMBEDDER;
    return { embedder: 'openai', model, ...(sem.embedderProvider ? { provider: sem.embedderProvider } : {}), label: `${embedderLabel(`openai-${model}`)} (${sem.embedderProvider ?? 'no provider chosen'})` };
  }
  return { embedder: 'builtin', label: embedderLabel('builtin-hybrid') };
}

/** Automatic, built-in; every Ollama provider's installed embedding models (and nomic-embed-text to pull); providers that embed. */
async function embedderOptions(deps: AdminDeps): Promise<EmbedderOption[]> {
  const options: EmbedderOption[] = [
    { embedder: 'auto', label: AUTO_LABEL, installed: true },
    { embedder: 'builtin', label: embedderLabel('builtin-hybrid'), installed: true },
  ];
  for (const p of deps.providers.all()) {
    if (!p.embed) continue;
    if (p.kind === 'ollama') {
      const models = await p.listModels({ signal: AbortSignal.timeout(LIST_TIMEOUT_MS), requestId: 'admin-embedders' }).catch(() => undefined);
      if (!models) continue; // not running: nothing installed to offer
      const embedding = models.filter((m) => m.kind === 'embedding').map((m) => bareName(m.id));
      for (const model of embedding) options.push({ embedder: 'ollama', model, provider: p.id, label: embedderLabel(`ollama-${model}`), installed: true });
      if (!embedding.includes(SUGGESTED_OLLAMA_EMBEDDER)) {
        options.push({ embedder: 'ollama', model: SUGGESTED_OLLAMA_EMBEDDER, provider: p.id, label: embedderLabel(`ollama-${SUGGESTED_OLLAMA_EMBEDDER}`), installed: false });
      }
    } else {
      options.push({ embedder: 'openai', model: OPENAI_DEFAULT_EMBEDDER, provider: p.id, label: `${embedderLabel(`openai-${OPENAI_DEFAULT_EMBEDDER}`)} (${p.id})`, installed: true });
    }
  }
  return options;
}

async function cacheSettingsView(deps: AdminDeps): Promise<CacheSettingsView> {
  const s = deps.settings.get();
  // For `auto`: the embedder it picked (an Ollama model or the built-in), which the page shows beside the choice.
  const inUse = deps.cache.stats().embedder;
  return {
    exactEnabled: s.cache.exact.enabled,
    exactPolicy: s.cache.exact.policy,
    semanticEnabled: s.cache.semantic.enabled,
    threshold: s.cache.semantic.threshold,
    embedder: configuredEmbedder(s),
    inUse: { id: inUse, label: embedderLabel(inUse) },
    options: await embedderOptions(deps),
  };
}

export function registerCacheRoutes(router: Router, deps: AdminDeps): void {
  router.get('/cache/stats', (_req, res) => {
    const stats = deps.cache.stats();
    res.json({ ...stats, embedderLabel: embedderLabel(stats.embedder) } satisfies CacheStats);
  });

  router.post('/cache/clear', (req, res) => {
    const { alias } = parseBody(clearBody, req);
    res.json({ removed: deps.cache.clear(alias) });
  });

  router.put('/cache/threshold', (req, res) => {
    const { threshold } = parseBody(thresholdBody, req);
    deps.settings.update((draft) => {
      draft.cache.semantic.threshold = threshold;
    });
    deps.cache.setThreshold(threshold);
    res.json({ threshold });
  });

  router.get('/cache/settings', async (_req, res) => {
    res.json(await cacheSettingsView(deps));
  });

  router.put('/cache/settings', async (req, res) => {
    const input = parseBody(settingsBody, req);
    const provider = input.embedderProvider ?? undefined;
    if (provider !== undefined && !deps.providers.get(provider)?.embed) {
      throw new GatewayError({ kind: 'invalid_request', status: 400, param: 'embedderProvider', message: `provider ${provider} does not exist or cannot embed` });
    }
    deps.settings.update((draft) => {
      const sem = draft.cache.semantic;
      if (input.semanticEnabled !== undefined) sem.enabled = input.semanticEnabled;
      if (input.exactPolicy !== undefined) draft.cache.exact.policy = input.exactPolicy;
      if (input.embedder !== undefined && input.embedder !== sem.embedder) {
        // Another kind: its own default model and provider unless given.
        sem.embedder = input.embedder;
        sem.embedderModel = undefined;
        sem.embedderProvider = undefined;
      }
      if (input.embedderModel !== undefined) sem.embedderModel = input.embedderModel ?? undefined;
      if (input.embedderProvider !== undefined) sem.embedderProvider = provider;
      if (sem.embedder === 'openai' && !sem.embedderProvider) {
        throw new GatewayError({ kind: 'invalid_request', status: 400, param: 'embedderProvider', message: 'the OpenAI embedder needs a provider: choose which one embeds' });
      }
    });
    res.json(await cacheSettingsView(deps));
  });
}
