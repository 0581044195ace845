// Provider instances for router unit tests: real Provider shapes whose calls fail loudly (the router never calls
// them; only refreshDiscoveredModels calls listModels, which answers from `models`).
import type { ProviderRegistry } from '../../main/providers/registry.js';
import type { Locality, Provider } from '../../main/core/provider.js';
import type { ProviderKind } from '../../main/providers/kinds/index.js';
import type { ModelInfo } from '../../main/core/types.js';
import { settingsSchema, type Settings, type SettingsInput } from '../../main/settings/schema.js';

const LOCAL: ProviderKind[] = ['ollama', 'lmstudio', 'llamacpp'];

export function fakeProvider(id: string, kind: ProviderKind, locality: Locality, models: string[] = []): Provider {
  const never = (): never => {
    throw new Error(`router unit tests never call provider ${id}`);
  };
  return {
    id,
    kind,
    locality,
    endpoint: `http://127.0.0.1:1/${id}`,
    chat: never,
    stream: never,
    listModels: async (): Promise<ModelInfo[]> => models.map((m) => ({ id: m })),
  };
}

/** Like providers/registry.ts: one instance per ENABLED provider, rebuilt when the settings object changes. */
export function registryFor(settings: () => Settings, listed: Record<string, string[]> = {}): ProviderRegistry {
  let builtFor: Settings | undefined;
  let instances: Provider[] = [];
  const all = (): Provider[] => {
    const s = settings();
    if (s !== builtFor) {
      builtFor = s;
      instances = s.providers
        .filter((p) => p.enabled)
        .map((p) => fakeProvider(p.id, p.kind, (p.local ?? LOCAL.includes(p.kind)) ? 'local' : 'cloud', listed[p.id] ?? []));
    }
    return instances;
  };
  return { get: (id) => all().find((p) => p.id === id), all };
}

export function makeSettings(input: SettingsInput): Settings {
  return settingsSchema.parse(input);
}

/** A typical setup: local Ollama, OpenAI and OpenRouter, the default aliases and model map. */
export function typicalSettings(over: Partial<SettingsInput> = {}): SettingsInput {
  return {
    providers: [
      { id: 'ollama', kind: 'ollama', models: ['qwen2.5-coder:7b'] },
      { id: 'openai', kind: 'openai', apiKey: 'sk-test-0000000000', models: ['gpt-4o-mini', 'gpt-4o'] },
      { id: 'openrouter', kind: 'openrouter', apiKey: 'sk-or-test-000000', models: ['anthropic/claude-3.5-sonnet'] },
    ],
    aliases: {
      'chat-fast': { description: 'Fast: local first', targets: ['ollama/qwen2.5-coder:7b', 'openai/gpt-4o-mini'] },
      'chat-quality': { description: 'Quality: strong cloud', targets: ['openai/gpt-4o', 'ollama/qwen2.5-coder:7b'] },
      'cloud-only': { description: 'Cloud only', targets: ['openai/gpt-4o', 'openrouter/anthropic/claude-3.5-sonnet'] },
    },
    modelMap: [
      { pattern: 'claude-*haiku*', alias: 'chat-fast' },
      { pattern: 'claude-*', alias: 'chat-quality' },
      { pattern: 'o[0-9]*', alias: 'chat-quality' },
    ],
    ...over,
  };
}
