import type { ProviderRegistry } from '../../providers/registry.js';
import type { Settings } from '../../settings/schema.js';
import { type AutoEmbedder, createAutoEmbedder } from './auto.js';
import { createHybridEmbedder } from './hybrid.js';
import { createNgramEmbedder } from './ngram.js';
import { createProviderEmbedder } from './provider.js';
import type { Embedder } from './types.js';
import { createWinkEmbedder } from './wink.js';
import { SHIPPED_VOCAB } from './word-vectors-file.js';

export type { AutoEmbedder } from './auto.js';
export type { Embedder, EmbedderState } from './types.js';

/**
 * The builtin embedder: averaged word vectors (wink, top 50k words) joined with hashed character n-grams, 70/30.
 * Chosen by measurement (bench/cache.ts): word vectors alone recall more paraphrases but give unrelated prompts
 * whose key words are out of vocabulary ("mutex", "numpy") false hits; n-grams alone recall least.
 */
export const createBuiltinEmbedder = (): Embedder => createHybridEmbedder({ vocab: SHIPPED_VOCAB, wordWeight: 0.7 });

export function createEmbedder(settings: Settings, providers: ProviderRegistry): Embedder {
  const sem = settings.cache.semantic;
  switch (sem.embedder) {
    case 'auto':
      return createAutoEmbedder(settings, providers, createBuiltinEmbedder);
    case 'builtin':
      return createBuiltinEmbedder();
    case 'ollama': {
      const model = sem.embedderModel ?? settings.ollama.embeddingsModel;
      const pick = (): string | undefined =>
        sem.embedderProvider ?? providers.all().find((p) => p.kind === 'ollama')?.id;
      return createProviderEmbedder(providers, pick, model, 'ollama');
    }
    case 'openai': {
      const model = sem.embedderModel ?? 'text-embedding-3-small';
      return createProviderEmbedder(providers, () => sem.embedderProvider, model, 'openai');
    }
  }
}

/** The embedder to use for one lookup or store: `auto` answers with the one it chose, others with themselves. */
export function currentEmbedder(e: Embedder): Embedder {
  return (e as Partial<AutoEmbedder>).current?.() ?? e;
}

export { createAutoEmbedder, createHybridEmbedder, createNgramEmbedder, createWinkEmbedder };
