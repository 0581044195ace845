// Remote embedders: Ollama (/api/embed) and OpenAI-compatible (/embeddings), both through the provider adapter's
// `embed`, so connection pooling, auth and error mapping live in one place (providers/).
import { randomUUID } from 'node:crypto';
import type { ProviderRegistry } from '../../admin/deps.js';
import { type Embedder, normalize } from './types.js';

export function createProviderEmbedder(providers: ProviderRegistry, providerId: () => string | undefined, model: string, kind: string): Embedder {
  let dim = 0;
  return {
    id: `${kind}-${model}`,
    get dim() {
      return dim;
    },
    async embed(texts, signal) {
      const id = providerId();
      const provider = id ? providers.get(id) : undefined;
      if (!provider?.embed) throw new Error(`embedder provider ${id ?? '(none)'} is not configured or cannot embed`);
      const res = await provider.embed({ upstreamModel: model, input: texts }, { signal, requestId: randomUUID() });
      if (res.vectors.length !== texts.length) throw new Error(`embedder returned ${res.vectors.length} vectors for ${texts.length} texts`);
      const out = res.vectors.map((v) => normalize(Float32Array.from(v)));
      if (out.some((v) => v.length === 0 || v.some((x) => !Number.isFinite(x)))) throw new Error('embedder returned an invalid vector');
      dim = out[0]?.length ?? dim;
      return out;
    },
  };
}
