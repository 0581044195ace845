// Remote embedders: Ollama (/api/embed) and OpenAI-compatible (/embeddings), both through the provider adapter's
// `embed`, so connection pooling, auth and error mapping live in one place (providers/).
import { randomUUID } from 'node:crypto';
import type { ProviderRegistry } from '../../providers/registry.js';
import { type Embedder, type EmbedderState, normalize } from './types.js';

export function createProviderEmbedder(providers: ProviderRegistry, providerId: () => string | undefined, model: string, kind: string): Embedder {
  let dim = 0;
  let state: EmbedderState = 'ready';
  const fail = (message: string): never => {
    state = 'error';
    throw new Error(message);
  };
  return {
    id: `${kind}-${model}`,
    get dim() {
      return dim;
    },
    /** 'error' after a failed call (server down, model gone) until one succeeds. */
    get state() {
      return state;
    },
    async embed(texts, signal) {
      const id = providerId();
      const provider = id ? providers.get(id) : undefined;
      if (!provider?.embed) return fail(`embedder provider ${id ?? '(none)'} is not configured or cannot embed`);
      const res = await provider.embed({ upstreamModel: model, input: texts }, { signal, requestId: randomUUID() }).catch((err: unknown) => {
        state = 'error';
        throw err;
      });
      if (res.vectors.length !== texts.length) fail(`embedder returned ${res.vectors.length} vectors for ${texts.length} texts`);
      const out = res.vectors.map((v) => normalize(Float32Array.from(v)));
      if (out.some((v) => v.length === 0 || v.some((x) => !Number.isFinite(x)))) fail('embedder returned an invalid vector');
      dim = out[0]?.length ?? dim;
      state = 'ready';
      return out;
    },
  };
}
