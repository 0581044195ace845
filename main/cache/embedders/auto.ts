// The `auto` embedder: an Ollama embedding model when one is installed (much better at paraphrases than the
// builtin word vectors, and nothing to load into this process), else the builtin. It looks again every few
// minutes, so a model pulled later is picked up. The cache takes `current()` once per lookup: the vector and the
// vec table it is searched in always come from the same embedder, even when a re-check switches it meanwhile.
import { randomUUID } from 'node:crypto';
import type { ProviderRegistry } from '../../providers/registry.js';
import type { Provider } from '../../core/provider.js';
import type { Settings } from '../../settings/schema.js';
import { createProviderEmbedder } from './provider.js';
import type { Embedder, EmbedderState } from './types.js';

/** Embedding models Ollama's library ships, best first: used when /api/show gives no capabilities. */
const KNOWN_EMBEDDERS = [/^nomic-embed-text/, /^mxbai-embed-large/, /^snowflake-arctic-embed/, /^bge-/, /^all-minilm/, /embed/];
const RECHECK_MS = 5 * 60_000;
const LIST_TIMEOUT_MS = 3_000;

export interface AutoEmbedder extends Embedder {
  /** The embedder to use for one lookup or store: the Ollama model, the builtin, or this (still choosing). */
  current(): Embedder;
  preload(): Promise<void>;
}

const rank = (name: string): number => {
  const i = KNOWN_EMBEDDERS.findIndex((re) => re.test(name));
  return i < 0 ? KNOWN_EMBEDDERS.length : i;
};

/** The installed Ollama embedding model to use, if any: the configured one first, then the best known. */
export async function pickOllamaEmbedder(provider: Provider, preferred: (string | undefined)[], signal: AbortSignal): Promise<string | undefined> {
  const models = await provider.listModels({ signal, requestId: randomUUID() });
  const embedding = models
    // kind: from /api/show's capabilities (embedding without completion), else the family or the name.
    .filter((m) => m.kind === 'embedding' || rank(m.id) < KNOWN_EMBEDDERS.length)
    .map((m) => m.id);
  const bare = (n: string): string => n.replace(/:latest$/, '');
  for (const want of preferred) {
    const hit = want && embedding.find((m) => bare(m) === bare(want));
    if (hit) return hit;
  }
  return embedding.sort((a, b) => rank(a) - rank(b))[0];
}

export function createAutoEmbedder(settings: Settings, providers: ProviderRegistry, builtin: () => Embedder & { preload?(): Promise<void> }, now = Date.now): AutoEmbedder {
  const sem = settings.cache.semantic;
  let chosen: Embedder | undefined;
  let fallback: ReturnType<typeof builtin> | undefined;
  let checking: Promise<void> | undefined;
  let checkedAt = 0;

  async function check(): Promise<void> {
    checkedAt = now();
    const provider = sem.embedderProvider ? providers.get(sem.embedderProvider) : providers.all().find((p) => p.kind === 'ollama');
    let model: string | undefined;
    if (provider?.kind === 'ollama' && provider.embed) {
      model = await pickOllamaEmbedder(provider, [sem.embedderModel, settings.ollama.embeddingsModel], AbortSignal.timeout(LIST_TIMEOUT_MS)).catch(() => undefined);
    }
    if (provider && model) {
      if (chosen?.id !== `ollama-${model}`) chosen = createProviderEmbedder(providers, () => provider.id, model, 'ollama');
      return;
    }
    fallback ??= builtin();
    chosen = fallback;
    await fallback.preload?.();
  }

  const recheck = (): Promise<void> => (checking ??= check().finally(() => (checking = undefined)));

  const self: AutoEmbedder = {
    get id() {
      return chosen?.id ?? 'auto';
    },
    get dim() {
      return chosen?.dim ?? 0;
    },
    get ready() {
      return chosen !== undefined && chosen.ready !== false;
    },
    get state(): EmbedderState {
      if (!chosen) return 'loading';
      return chosen.state ?? (chosen.ready === false ? 'loading' : 'ready');
    },
    current() {
      if (!checking && now() - checkedAt >= RECHECK_MS) void recheck().catch(() => undefined);
      return chosen ?? self;
    },
    async embed(texts, signal) {
      if (!chosen) await recheck();
      if (!chosen) throw new Error('auto embedder: no embedder chosen');
      return chosen.embed(texts, signal);
    },
    preload: () => recheck(),
  };
  return self;
}
