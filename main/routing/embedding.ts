// Routing an embeddings call: the same names as chat (aliases, the model map, `provider/model`, bare names), but
// only to targets that can embed, and with its own default model. What each listed model can do is learned from
// the providers' model lists (ModelInfo), as the router learns their names.
import { GatewayError } from '../core/errors.js';
import type { RouteTarget } from '../core/ports.js';
import type { Provider } from '../core/provider.js';
import type { ModelInfo } from '../core/types.js';
import type { Settings } from '../settings/schema.js';
import { canonicalModelName } from './catalog.js';

/**
 * The embedding model for a request that names none: never the default chat model. Ollama's embedding model
 * (`ollama.embeddingsModel`, OLLAMA_EMBEDDINGS_MODEL, which the README documents for /v1/embeddings) when the ollama
 * provider is on; else the semantic cache's OpenAI embedder, when one is configured.
 */
export function defaultEmbeddingModel(s: Settings): string | undefined {
  if (s.providers.some((p) => p.id === 'ollama' && p.kind === 'ollama' && p.enabled)) return `ollama/${s.ollama.embeddingsModel}`;
  const { embedder, embedderProvider, embedderModel } = s.cache.semantic;
  return embedder === 'openai' && embedderProvider && embedderModel ? `${embedderProvider}/${embedderModel}` : undefined;
}

/**
 * Whether a listed model can embed, where its provider says: Ollama's /api/show `capabilities` include
 * "embedding" for models that embed (https://github.com/ollama/ollama/blob/main/docs/api.md, Show Model Information),
 * else its `kind`. Undefined when the provider says nothing (OpenAI-compatible /models lists only ids): the upstream
 * decides.
 */
export function listedCanEmbed(m: ModelInfo): boolean | undefined {
  if (m.capabilities) return m.capabilities.includes('embedding');
  return m.kind === undefined ? undefined : m.kind === 'embedding';
}

/** What the router knows of each provider's models' ability to embed, by model id as the provider lists it. */
export class EmbeddingAbilities {
  private readonly byProvider = new Map<string, Map<string, boolean>>();

  /** Replaces what is known of a provider's models (a plain id says nothing). */
  note(providerId: string, models: readonly (string | ModelInfo)[]): void {
    const known = new Map<string, boolean>();
    for (const m of models) {
      const can = typeof m === 'string' ? undefined : listedCanEmbed(m);
      if (typeof m !== 'string' && can !== undefined) known.set(m.id, can);
    }
    this.byProvider.set(providerId, known);
  }

  /** Why this target can't embed, or undefined when it can (or nothing says it can't). */
  refusal(provider: Provider, model: string): string | undefined {
    if (!provider.embed) return `${provider.kind} has no embeddings`;
    const known = this.byProvider.get(provider.id);
    const can = known?.get(model) ?? known?.get(canonicalModelName(provider.kind, model));
    return can === false ? 'not an embedding model' : undefined;
  }

  /** Whether the provider lists this model as one that embeds (a chat model lists no "embedding" capability). */
  embeds(providerId: string, model: string): boolean {
    return this.byProvider.get(providerId)?.get(model) === true;
  }

  /** `provider/model` names known to embed, for the 400's hint. */
  known(): string[] {
    const out: string[] = [];
    for (const [id, models] of this.byProvider) for (const [model, can] of models) if (can) out.push(`${id}/${model}`);
    return out;
  }
}

/**
 * How two targets are judged to serve the same embedding model: by the upstream model name as configured, equal
 * but for Ollama's default tag (canonicalModelName: `nomic-embed-text` is `nomic-embed-text:latest`). The tag is
 * folded on every kind, since an OpenAI-compatible server in front of Ollama (its /v1) takes both spellings. Nothing
 * else is assumed alike: names that differ in any other way (`text-embedding-3-small` and OpenRouter's
 * `openai/text-embedding-3-small`) are taken as different models, as a wrong "same" would give the client vectors
 * from another space.
 */
const embeddingModelKey = (upstreamModel: string): string => canonicalModelName('ollama', upstreamModel);

/**
 * The targets an embeddings call may fall back between: those serving the first target's model (the same model on
 * another provider or endpoint). Vectors of different models live in different spaces, often of another
 * dimension: a client that stored one model's vectors (LibreChat's RAG, a script) and got another's for its query
 * would silently get wrong search results. So when the first target fails and no other serves its model, the
 * failure is the answer.
 */
export function sameModelTargets(targets: readonly RouteTarget[]): RouteTarget[] {
  const first = targets[0];
  if (!first) return [];
  const model = embeddingModelKey(first.upstreamModel);
  return targets.filter((t) => embeddingModelKey(t.upstreamModel) === model);
}

export const noEmbeddingModel = (): GatewayError =>
  new GatewayError({
    kind: 'invalid_request',
    status: 400,
    param: 'model',
    message: 'model is required: no embedding model is configured (OLLAMA_EMBEDDINGS_MODEL needs the ollama provider)',
  });

/** Every target the name resolved to is known not to embed: the client asked for a chat model. */
export function cannotEmbed(name: string, refused: readonly string[], embeddingModels: readonly string[]): GatewayError {
  const hint = embeddingModels.length ? ` Embedding models: ${embeddingModels.slice(0, 20).join(', ')}.` : '';
  const what = refused.length ? refused.join(', ') : 'it names no embedding model';
  return new GatewayError({
    kind: 'invalid_request',
    status: 400,
    param: 'model',
    code: 'model_not_embedding',
    message: `The model '${name.length > 200 ? name.slice(0, 200) + '…' : name}' cannot create embeddings (${what}).${hint}`,
  });
}
