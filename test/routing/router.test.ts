import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../main/core/errors.js';
import type { ChatRequest } from '../../main/core/types.js';
import { formatRouteHeader } from '../../main/routing/route-header.js';
import { createRouter } from '../../main/routing/router.js';
import type { Settings, SettingsInput } from '../../main/settings/schema.js';
import { makeSettings, registryFor, typicalSettings } from './fake-registry.js';

function setup(input: SettingsInput = typicalSettings(), listed: Record<string, string[]> = {}) {
  let settings: Settings = makeSettings(input);
  const get = (): Settings => settings;
  const router = createRouter({ settings: get, providers: registryFor(get, listed) });
  return {
    router,
    set: (next: SettingsInput) => {
      settings = makeSettings(next);
    },
  };
}

const req = (model: string, text = 'hello', extra: Partial<ChatRequest> = {}): ChatRequest => ({
  model,
  messages: [{ role: 'user', content: [{ type: 'text', text }] }],
  stream: false,
  ...extra,
});

const labels = (r: ReturnType<typeof setup>['router'], model: string, text?: string) =>
  r.plan(req(model, text)).targets.map((t) => t.label);

function thrown(fn: () => unknown): GatewayError {
  try {
    fn();
  } catch (e) {
    if (e instanceof GatewayError) return e;
    throw e;
  }
  throw new Error('expected a GatewayError');
}

describe('model resolution', () => {
  it('resolves an alias to its targets in order, with provider instances and upstream models', () => {
    const { router } = setup();
    const plan = router.plan(req('chat-fast'));
    expect(plan.alias).toBe('chat-fast');
    expect(plan.targets.map((t) => [t.label, t.provider.id, t.provider.locality, t.upstreamModel])).toEqual([
      ['ollama/qwen2.5-coder:7b', 'ollama', 'local', 'qwen2.5-coder:7b'],
      ['openai/gpt-4o-mini', 'openai', 'cloud', 'gpt-4o-mini'],
    ]);
    expect(plan.tier).toBeUndefined();
  });

  it('maps client-hard-coded names by glob, first match wins, and keeps the original name', () => {
    const { router } = setup();
    const haiku = router.plan(req('claude-3-5-haiku-latest'));
    expect([haiku.alias, haiku.mappedFrom]).toEqual(['chat-fast', 'claude-3-5-haiku-latest']);
    const sonnet = router.plan(req('claude-sonnet-4-5-20250929'));
    expect([sonnet.alias, sonnet.mappedFrom]).toEqual(['chat-quality', 'claude-sonnet-4-5-20250929']);
    expect(router.plan(req('o3-mini')).alias).toBe('chat-quality'); // character class [0-9]
    expect(() => router.plan(req('ox-mini'))).toThrow(/does not exist/); // ... which 'x' does not match
    expect(router.plan(req('CLAUDE-3-OPUS')).alias).toBe('chat-quality'); // case-insensitive
  });

  it('accepts provider/model for a known, enabled provider, including slashes in the model (OpenRouter)', () => {
    const { router } = setup();
    expect(labels(router, 'openai/gpt-4.1')).toEqual(['openai/gpt-4.1']);
    const plan = router.plan(req('openrouter/meta-llama/llama-3.3-70b'));
    expect(plan.targets[0].upstreamModel).toBe('meta-llama/llama-3.3-70b');
    expect(plan.alias).toBeUndefined();
  });

  it('resolves a bare model listed by one provider, or reported by model discovery', () => {
    const { router } = setup();
    expect(labels(router, 'gpt-4o-mini')).toEqual(['openai/gpt-4o-mini']);
    expect(labels(router, 'anthropic/claude-3.5-sonnet')).toEqual(['openrouter/anthropic/claude-3.5-sonnet']);
    expect(() => router.plan(req('llama3.2:3b'))).toThrow(/does not exist/);
    router.setDiscoveredModels('ollama', ['llama3.2:3b']);
    expect(labels(router, 'llama3.2:3b')).toEqual(['ollama/llama3.2:3b']);
  });

  it('fills discovered models from local providers only, without I/O in plan()', async () => {
    const { router } = setup(typicalSettings(), { ollama: ['phi4:14b'], openai: ['gpt-secret-cloud-list'] });
    await router.refreshDiscoveredModels();
    expect(labels(router, 'phi4:14b')).toEqual(['ollama/phi4:14b']);
    expect(() => router.plan(req('gpt-secret-cloud-list'))).toThrow(/does not exist/);
  });

  it('answers a bare model served by several providers with 400 model_ambiguous naming each candidate', () => {
    const s = typicalSettings();
    s.providers = [...(s.providers ?? []), { id: 'lmstudio', kind: 'lmstudio', models: ['qwen2.5-coder:7b'] }];
    const { router } = setup(s);
    const err = thrown(() => router.plan(req('qwen2.5-coder:7b')));
    expect([err.status, err.code, err.param]).toEqual([400, 'model_ambiguous', 'model']);
    expect(err.message).toContain('ollama/qwen2.5-coder:7b, lmstudio/qwen2.5-coder:7b');
    expect(labels(router, 'lmstudio/qwen2.5-coder:7b')).toEqual(['lmstudio/qwen2.5-coder:7b']);
  });

  it('resolves a bare Ollama name to its :latest tag and back, as Ollama does, naming the model as Ollama lists it', () => {
    const { router } = setup();
    router.setDiscoveredModels('ollama', ['qwen2.5-coder:latest', 'llama3.2:3b', 'registry.local:5000/team/coder']);
    const plan = router.plan(req('qwen2.5-coder'));
    expect(plan.targets.map((t) => [t.label, t.upstreamModel])).toEqual([['ollama/qwen2.5-coder:latest', 'qwen2.5-coder:latest']]);
    // A tag other than latest is a different model; a registry port is not a tag.
    expect(() => router.plan(req('llama3.2'))).toThrow(/does not exist/);
    expect(labels(router, 'registry.local:5000/team/coder:latest')).toEqual(['ollama/registry.local:5000/team/coder']);
    // Configured without a tag, asked for with one.
    const { router: r2 } = setup(typicalSettings({ providers: [{ id: 'ollama', kind: 'ollama', models: ['mistral'] }] }));
    expect(labels(r2, 'mistral:latest')).toEqual(['ollama/mistral']);
  });

  it('compares names exactly for other kinds (an OpenAI-compatible server has no default tag)', () => {
    const s = typicalSettings();
    s.providers = [...(s.providers ?? []), { id: 'lmstudio', kind: 'lmstudio', models: ['qwen2.5-coder:latest'] }];
    const { router } = setup(s);
    expect(() => router.plan(req('qwen2.5-coder'))).toThrow(/does not exist/);
    router.setDiscoveredModels('ollama', ['qwen2.5-coder:latest']);
    expect(labels(router, 'qwen2.5-coder')).toEqual(['ollama/qwen2.5-coder:latest']);
    expect(() => router.plan(req('qwen2.5-coder:latest'))).toThrow(/served by several providers: ollama\/qwen2.5-coder:latest, lmstudio\/qwen2.5-coder:latest/);
  });

  it('uses the default model when the request names none', () => {
    const { router } = setup(typicalSettings({ defaultModel: 'chat-quality' }));
    const plan = router.plan(req('  '));
    expect(plan.alias).toBe('chat-quality');
    expect(plan.targets[0].label).toBe('openai/gpt-4o');
  });

  it('answers an unknown model with 404 model_not_found listing what exists', () => {
    const { router } = setup();
    const err = thrown(() => router.plan(req('gpt-9-ultra-preview')));
    expect([err.status, err.kind, err.code, err.param]).toEqual([404, 'not_found', 'model_not_found', 'model']);
    expect(err.message).toContain("'gpt-9-ultra-preview'");
    for (const name of ['chat-fast', 'chat-quality', 'auto', 'ollama/qwen2.5-coder:7b', 'openai/gpt-4o-mini']) {
      expect(err.message).toContain(name);
    }
  });

  it('skips disabled providers and says so for a provider/model naming one', () => {
    const s = typicalSettings();
    s.providers = s.providers?.map((p) => (p.id === 'ollama' ? { ...p, enabled: false } : p));
    const { router } = setup(s);
    expect(labels(router, 'chat-fast')).toEqual(['openai/gpt-4o-mini']);
    const err = thrown(() => router.plan(req('ollama/qwen2.5-coder:7b')));
    expect(err.status).toBe(404);
    expect(err.message).toContain("provider 'ollama' is disabled");
  });
});

describe('modes', () => {
  it('local keeps only local targets, cloud only cloud ones, auto keeps the alias order', () => {
    const { router, set } = setup(typicalSettings({ mode: 'local' }));
    expect(labels(router, 'chat-quality')).toEqual(['ollama/qwen2.5-coder:7b']);
    set(typicalSettings({ mode: 'cloud' }));
    expect(labels(router, 'chat-fast')).toEqual(['openai/gpt-4o-mini']);
    set(typicalSettings({ mode: 'auto' }));
    expect(labels(router, 'chat-fast')).toEqual(['ollama/qwen2.5-coder:7b', 'openai/gpt-4o-mini']);
    expect(labels(router, 'chat-quality')).toEqual(['openai/gpt-4o', 'ollama/qwen2.5-coder:7b']);
  });

  it('answers 503 naming the mode, the alias and each target when the mode leaves nothing', () => {
    const { router } = setup(typicalSettings({ mode: 'local' }));
    const err = thrown(() => router.plan(req('cloud-only')));
    expect([err.status, err.kind]).toEqual([503, 'unavailable']);
    expect(err.message).toBe(
      'mode local has no provider for alias cloud-only (targets: openai/gpt-4o (cloud), openrouter/anthropic/claude-3.5-sonnet (cloud)). ' +
        'To fix it, add a local target to cloud-only (Routing page, or `lynkr alias set cloud-only <provider/model> …`), or switch the mode to auto (`lynkr mode auto`).',
    );
    const direct = thrown(() => router.plan(req('openai/gpt-4o')));
    expect(direct.message).toBe('mode local has no provider for model openai/gpt-4o (targets: openai/gpt-4o (cloud)). To fix it, use a local model, or switch the mode to auto (`lynkr mode auto`).');
  });

  it('honours a custom provider marked local', () => {
    const s = typicalSettings({ mode: 'local' });
    s.providers = [...(s.providers ?? []), { id: 'lan-vllm', kind: 'openai-compatible', baseUrl: 'http://127.0.0.1:9/v1', local: true }];
    const { router } = setup(s);
    expect(labels(router, 'lan-vllm/qwen3')).toEqual(['lan-vllm/qwen3']);
  });

  it('503 for an alias whose providers are not configured at all', () => {
    const { router } = setup(typicalSettings({ aliases: { x: { targets: ['anthropic/claude-3-5-haiku-latest'] } } }));
    expect(thrown(() => router.plan(req('x'))).message).toBe(
      'no provider is available for alias x (targets: anthropic/claude-3-5-haiku-latest (not configured))',
    );
  });
});

describe('FALLBACK_ENABLED / FALLBACK_PROVIDER', () => {
  it('appends the last-resort provider (alone: its first model) unless already present', () => {
    const { router, set } = setup(typicalSettings({ fallback: { provider: 'openrouter' } }));
    expect(labels(router, 'chat-fast')).toEqual([
      'ollama/qwen2.5-coder:7b',
      'openai/gpt-4o-mini',
      'openrouter/anthropic/claude-3.5-sonnet',
    ]);
    expect(labels(router, 'openai/gpt-4o')).toEqual(['openai/gpt-4o', 'openrouter/anthropic/claude-3.5-sonnet']);
    set(typicalSettings({ fallback: { provider: 'openai/gpt-4o-mini' } }));
    expect(labels(router, 'chat-fast')).toEqual(['ollama/qwen2.5-coder:7b', 'openai/gpt-4o-mini']);
  });

  it('the last resort alone is its first chat model: never a configured or listed embedding model', () => {
    const embedFirst = { id: 'openai', kind: 'openai' as const, apiKey: 'sk-test-0000000000', models: ['text-embedding-3-small', 'gpt-4o-mini'] };
    const { router, set } = setup(typicalSettings({ providers: [embedFirst], aliases: {}, fallback: { provider: 'openai' } }));
    expect(labels(router, 'openai/gpt-4o')).toEqual(['openai/gpt-4o', 'openai/gpt-4o-mini']);
    // Ollama lists its embedding model first; it says which models embed.
    set(typicalSettings({ providers: [{ id: 'ollama', kind: 'ollama' }], aliases: {}, fallback: { provider: 'ollama' } }));
    router.setDiscoveredModels('ollama', [
      { id: 'bge-m3:latest', kind: 'embedding', capabilities: ['embedding'] },
      { id: 'llama3.2:3b', kind: 'chat', capabilities: ['completion', 'tools'] },
    ]);
    expect(labels(router, 'ollama/qwen3:8b')).toEqual(['ollama/qwen3:8b', 'ollama/llama3.2:3b']);
  });

  it('the last resort is still subject to the mode, and rescues an alias the mode emptied', () => {
    const { router, set } = setup(typicalSettings({ mode: 'local', fallback: { provider: 'openai' } }));
    expect(labels(router, 'chat-fast')).toEqual(['ollama/qwen2.5-coder:7b']);
    set(typicalSettings({ mode: 'cloud', fallback: { provider: 'openai' } }));
    expect(labels(router, 'openrouter/x-ai/grok-3')).toEqual(['openrouter/x-ai/grok-3', 'openai/gpt-4o-mini']);
    set(typicalSettings({ mode: 'cloud', fallback: { provider: 'ollama' }, aliases: { l: { targets: ['ollama/qwen2.5-coder:7b'] } } }));
    expect(() => router.plan(req('l'))).toThrow(/mode cloud has no provider for alias l/);
  });

  it('with fallback disabled, only the first allowed target is used', () => {
    const { router } = setup(typicalSettings({ fallback: { enabled: false, provider: 'openrouter' } }));
    expect(labels(router, 'chat-fast')).toEqual(['ollama/qwen2.5-coder:7b']);
  });
});

describe('tiered routing', () => {
  const tiered = (over: Partial<SettingsInput> = {}) =>
    typicalSettings({
      tiers: { SIMPLE: 'ollama/qwen2.5-coder:7b', COMPLEX: 'openai/gpt-4o', REASONING: 'openrouter/anthropic/claude-3.5-sonnet' },
      ...over,
    });

  it('the auto alias exists without being configured, scores, and puts the tier target first', () => {
    const { router } = setup(tiered());
    const simple = router.plan(req('auto', 'hi'));
    expect([simple.alias, simple.tier]).toEqual(['auto', 'SIMPLE']);
    expect(simple.targets.map((t) => t.label)).toEqual(['ollama/qwen2.5-coder:7b']);
    const proof = router.plan(req('auto', 'Prove that every comparison sort needs Omega(n log n) comparisons.'));
    expect(proof.tier).toBe('REASONING');
    expect(proof.targets[0].label).toBe('openrouter/anthropic/claude-3.5-sonnet');
    expect(proof.reasons).toContain('reasoning-keywords');
    expect(formatRouteHeader(proof)).toMatch(/^tier=REASONING; score=\d+; reasons=[a-z,-]+; alias=auto$/);
  });

  it('a tier without a target uses the nearest stronger configured tier; the alias targets follow as fallbacks', () => {
    const { router } = setup(
      tiered({ aliases: { auto: { description: 'tiered', targets: ['openai/gpt-4o-mini'], tiered: false } } }),
    );
    const medium = router.plan(req('auto', 'Write a Python function that checks whether a string is a valid IPv4 address.'));
    expect(medium.tier).toBe('MEDIUM');
    expect(medium.targets.map((t) => t.label)).toEqual(['openai/gpt-4o', 'openai/gpt-4o-mini']);
  });

  it('a tiered alias with no tiers and no targets serves the default model', () => {
    const { router } = setup();
    const plan = router.plan(req('auto', 'hi'));
    expect(plan.tier).toBe('SIMPLE');
    expect(plan.targets.map((t) => t.label)).toEqual(['ollama/qwen2.5-coder:7b', 'openai/gpt-4o-mini']);
  });

  it('any alias can be tiered', () => {
    const { router } = setup(tiered({ aliases: { smart: { targets: ['openai/gpt-4o-mini'], tiered: true } } }));
    const plan = router.plan(req('smart', 'hello there'));
    expect(plan.tier).toBe('SIMPLE');
    expect(plan.targets.map((t) => t.label)).toEqual(['ollama/qwen2.5-coder:7b', 'openai/gpt-4o-mini']);
  });
});

describe('route header', () => {
  it('formats alias, mapping and direct routes as visible ASCII', () => {
    expect(formatRouteHeader({ targets: [], alias: 'chat-fast', mappedFrom: 'claude-3-5-haiku\r\nx: y' })).toBe(
      'alias=chat-fast; mapped-from=claude-3-5-haiku??x: y',
    );
    expect(formatRouteHeader({ targets: [] })).toBe('direct');
    expect(formatRouteHeader({ targets: [], tier: 'COMPLEX', score: 62, reasons: ['code-block', 'refactor'] })).toBe(
      'tier=COMPLEX; score=62; reasons=code-block,refactor',
    );
  });
});

describe('catalog and alias views', () => {
  it('lists aliases first with descriptions, then concrete models of enabled providers', () => {
    const { router } = setup();
    router.setDiscoveredModels('ollama', ['qwen2.5-coder:7b', 'llama3.2:3b']);
    const c = router.catalog();
    expect(c.aliases.map((a) => a.name)).toEqual(['chat-fast', 'chat-quality', 'cloud-only', 'auto']);
    expect(c.aliases[0].description).toBe('Fast: local first');
    expect(c.models).toEqual([
      'ollama/qwen2.5-coder:7b',
      'ollama/llama3.2:3b',
      'openai/gpt-4o-mini',
      'openai/gpt-4o',
      'openrouter/anthropic/claude-3.5-sonnet',
    ]);
  });

  it('lists an Ollama model once when the settings name it without a tag and Ollama reports :latest', () => {
    const { router } = setup(typicalSettings({ providers: [{ id: 'ollama', kind: 'ollama', models: ['mistral'] }] }));
    router.setDiscoveredModels('ollama', ['mistral:latest', 'phi4:14b']);
    expect(router.catalog().models).toEqual(['ollama/mistral', 'ollama/phi4:14b']);
  });

  it('marks each alias target allowed or not under the current mode', () => {
    const { router } = setup(typicalSettings({ mode: 'local' }));
    const fast = router.aliasViews().find((a) => a.name === 'chat-fast');
    expect(fast?.targets).toEqual([
      { label: 'ollama/qwen2.5-coder:7b', locality: 'local', allowed: true },
      { label: 'openai/gpt-4o-mini', locality: 'cloud', allowed: false },
    ]);
  });
});

describe('edge cases', () => {
  it('a tiered alias with nothing to serve and a missing default model is a 503 for that alias', () => {
    const { router } = setup(typicalSettings({ defaultModel: 'gone', aliases: {} }));
    const err = thrown(() => router.plan(req('auto', 'hi')));
    expect([err.status, err.message]).toEqual([503, 'no provider is available for alias auto (targets: none configured)']);
  });

  it('a configured provider without a running instance is named as such', () => {
    const s = typicalSettings();
    let settings = makeSettings(s);
    const registry = registryFor(() => settings);
    const router = createRouter({
      settings: () => settings,
      providers: { get: (id) => (id === 'openai' ? undefined : registry.get(id)), all: () => registry.all().filter((p) => p.id !== 'openai') },
    });
    expect(thrown(() => router.plan(req('openai/gpt-4o'))).message).toBe(
      'no provider is available for model openai/gpt-4o (targets: openai/gpt-4o (provider not running))',
    );
    settings = makeSettings({ ...s, mode: 'cloud' });
    expect(thrown(() => router.plan(req('chat-fast'))).message).toBe(
      'mode cloud has no provider for alias chat-fast (targets: ollama/qwen2.5-coder:7b (local), openai/gpt-4o-mini (provider not running)). ' +
        'To fix it, add a cloud target to chat-fast (Routing page, or `lynkr alias set chat-fast <provider/model> …`), or switch the mode to auto (`lynkr mode auto`).',
    );
  });
});
