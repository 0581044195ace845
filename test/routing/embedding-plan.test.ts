// Router.planEmbedding (routing/embedding.ts): the same names as chat, routed only to targets that can embed, with
// the embedding default and no last-resort chat fallback. What a model can do comes from the providers' lists.
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../main/core/errors.js';
import type { Provider } from '../../main/core/provider.js';
import type { ProviderRegistry } from '../../main/providers/registry.js';
import { createRouter } from '../../main/routing/router.js';
import type { SettingsInput } from '../../main/settings/schema.js';
import { makeSettings, registryFor } from './fake-registry.js';

const never = (): never => {
  throw new Error('the router never calls embed');
};

/** The fake registry's providers, with embed() on the kinds that have it (Anthropic has none). */
function embeddingRegistry(base: ProviderRegistry): ProviderRegistry {
  const withEmbed = (p: Provider | undefined): Provider | undefined => (p && p.kind !== 'anthropic' ? { ...p, embed: never } : p);
  return { get: (id) => withEmbed(base.get(id)), all: () => base.all().map((p) => withEmbed(p)!) };
}

function setup(over: Partial<SettingsInput> = {}) {
  const settings = makeSettings({
    providers: [
      { id: 'ollama', kind: 'ollama', models: [] },
      { id: 'openai', kind: 'openai', apiKey: 'sk-test-0000000000', models: ['gpt-4o', 'text-embedding-3-small'] },
      { id: 'claude', kind: 'anthropic', apiKey: 'sk-ant-test-00000', models: ['claude-sonnet-4-5'] },
      { id: 'off', kind: 'openai', apiKey: 'sk-test-0000000000', models: ['text-embedding-3-large'], enabled: false },
    ],
    aliases: {
      vectors: { description: 'v', targets: ['ollama/qwen2.5-coder:7b', 'ollama/nomic-embed-text:latest', 'openai/text-embedding-3-small'] },
      sleeping: { description: 's', targets: ['off/text-embedding-3-large'] },
    },
    fallback: { provider: 'openai/gpt-4o' },
    ...over,
  });
  const router = createRouter({ settings: () => settings, providers: embeddingRegistry(registryFor(() => settings)) });
  router.setDiscoveredModels('ollama', [
    { id: 'qwen2.5-coder:7b', kind: 'chat', capabilities: ['completion', 'tools'] },
    { id: 'nomic-embed-text:latest', kind: 'embedding', capabilities: ['embedding'] },
  ]);
  return router;
}

const labels = (router: ReturnType<typeof setup>, model: string): string[] => router.planEmbedding(model).targets.map((t) => t.label);

function thrown(fn: () => unknown): GatewayError {
  try {
    fn();
  } catch (e) {
    if (e instanceof GatewayError) return e;
    throw e;
  }
  throw new Error('expected a GatewayError');
}

describe('planEmbedding', () => {
  it('keeps the targets that can embed, of the first one’s model, and never adds the last-resort chat fallback', () => {
    const router = setup();
    // openai/text-embedding-3-small embeds too, but another model's vectors are no fallback for nomic-embed-text's.
    expect(labels(router, 'vectors')).toEqual(['ollama/nomic-embed-text:latest']);
    expect(router.planEmbedding('vectors').alias).toBe('vectors');
    // The chat plan of the same alias does get FALLBACK_PROVIDER.
    expect(router.plan({ model: 'vectors', messages: [], stream: false }).targets.map((t) => t.label)).toContain('openai/gpt-4o');
    // A model the provider lists only by id (OpenAI's /models): the upstream decides.
    expect(labels(router, 'openai/gpt-4o')).toEqual(['openai/gpt-4o']);
  });

  it('falls back only to the same model: the configured name, with Ollama’s default tag folded', () => {
    const router = setup({
      aliases: {
        nomic: { description: 'n', targets: ['ollama/nomic-embed-text', 'openai/text-embedding-3-small', 'ollama/nomic-embed-text:v1.5', 'openai/nomic-embed-text:latest'] },
        small: { description: 's', targets: ['ollama/qwen2.5-coder:7b', 'openai/text-embedding-3-small', 'ollama/nomic-embed-text:latest', 'openai/text-embedding-3-small-v2'] },
      },
    });
    expect(labels(router, 'nomic')).toEqual(['ollama/nomic-embed-text', 'openai/nomic-embed-text:latest']);
    // The first target that can embed sets the model (the chat model is refused first).
    expect(labels(router, 'small')).toEqual(['openai/text-embedding-3-small']);
  });

  it('no model: the Ollama embedding model, else the semantic cache’s OpenAI embedder, else a 400', () => {
    expect(labels(setup(), '')).toEqual(['ollama/nomic-embed-text']);
    const noOllama = (semantic: object) =>
      setup({ providers: [{ id: 'ollama', kind: 'ollama', enabled: false }, { id: 'openai', kind: 'openai', apiKey: 'sk-test-0000000000' }], aliases: {}, cache: { semantic } });
    expect(labels(noOllama({ embedder: 'openai', embedderProvider: 'openai', embedderModel: 'text-embedding-3-small' }), '  ')).toEqual(['openai/text-embedding-3-small']);
    const err = thrown(() => noOllama({ embedder: 'builtin' }).planEmbedding(''));
    expect([err.status, err.param, err.message]).toEqual([400, 'model', expect.stringContaining('no embedding model is configured')]);
  });

  it('a name whose every target is known not to embed is a 400 naming why, and the embedding models', () => {
    const router = setup();
    for (const [model, why] of [
      ['ollama/qwen2.5-coder:7b', 'ollama/qwen2.5-coder:7b: not an embedding model'],
      ['claude/claude-sonnet-4-5', 'claude/claude-sonnet-4-5: anthropic has no embeddings'],
    ]) {
      const err = thrown(() => router.planEmbedding(model));
      expect([err.status, err.kind, err.code, err.param]).toEqual([400, 'invalid_request', 'model_not_embedding', 'model']);
      expect(err.message).toBe(`The model '${model}' cannot create embeddings (${why}). Embedding models: ollama/nomic-embed-text:latest.`);
    }
  });

  it('a target that is only down or disabled is the 503 chat gives, not a 400; an unknown name stays a 404', () => {
    const router = setup();
    expect(thrown(() => router.planEmbedding('sleeping'))).toMatchObject({ status: 503, message: expect.stringContaining('off/text-embedding-3-large (disabled)') });
    expect(thrown(() => router.planEmbedding('no-such-model'))).toMatchObject({ status: 404, code: 'model_not_found' });
  });

  it('a plain id list says nothing about what a model can do', () => {
    const router = setup();
    router.setDiscoveredModels('ollama', ['qwen2.5-coder:7b']);
    expect(labels(router, 'ollama/qwen2.5-coder:7b')).toEqual(['ollama/qwen2.5-coder:7b']);
  });
});
