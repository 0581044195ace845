// The default chat aliases (chat-fast, chat-quality, auto) and tiers never name an embedding model
// (settings/defaults.ts): a provider that serves only embeddings adds nothing to them, and one that lists an
// embedding model first adds its first chat model. The run-time choice from what Ollama has installed is
// test/routing/first-run-embedders.e2e.test.ts.
import { describe, expect, it } from 'vitest';
import { withDefaults } from '../../main/settings/defaults.js';
import { settingsSchema, type SettingsInput } from '../../main/settings/schema.js';

type ProviderInput = NonNullable<SettingsInput['providers']>[number];

const defaults = (...providers: ProviderInput[]) => settingsSchema.parse(withDefaults({ providers }));

/** Every `provider/model` the default aliases and tiers name. */
function chatLabels(s: ReturnType<typeof defaults>): string[] {
  const aliases = ['chat-fast', 'chat-quality', 'auto'].flatMap((a) => s.aliases[a]?.targets ?? []);
  return [...new Set([...aliases, ...Object.values(s.tiers).filter((t): t is string => t !== undefined)])];
}

const compatible = (id: string, models: string[]): ProviderInput => ({ id, kind: 'openai-compatible', baseUrl: 'https://models.example/v1', apiKey: 'sk-example-0000', models });

describe('default chat aliases never name an embedding model', () => {
  it('a provider that serves only embedding models adds nothing to them', () => {
    const s = defaults(compatible('vectors', ['text-embedding-3-small', 'nomic-embed-text', 'BAAI/bge-m3', 'all-MiniLM-L6-v2']));
    expect(chatLabels(s)).toEqual(['ollama/qwen2.5-coder:7b']);
    expect(s.aliases['chat-quality'].targets).toEqual(['ollama/qwen2.5-coder:7b']);
  });

  it('a provider that lists an embedding model first adds its first chat model', () => {
    const s = defaults(compatible('mixed', ['text-embedding-3-large', 'llama-3.1-8b-instruct']));
    expect(s.aliases['chat-fast'].targets).toEqual(['ollama/qwen2.5-coder:7b', 'mixed/llama-3.1-8b-instruct']);
    expect(s.aliases['chat-quality'].targets).toEqual(['mixed/llama-3.1-8b-instruct', 'ollama/qwen2.5-coder:7b']);
    expect(chatLabels(s).filter((l) => l.includes('embed'))).toEqual([]);
  });

  it('an Azure deployment named for an embedding model is not a chat target; its listed chat model is', () => {
    const azure = (models: string[]): ProviderInput => ({ id: 'az', kind: 'azure-openai', baseUrl: 'https://me.openai.azure.com', apiKey: 'azure-key-0000', deployment: 'text-embedding-3-small', models });
    expect(chatLabels(defaults(azure([])))).toEqual(['ollama/qwen2.5-coder:7b']);
    expect(defaults(azure(['gpt-4o-prod'])).aliases['chat-quality'].targets[0]).toBe('az/gpt-4o-prod');
  });

  it('with Ollama disabled and only an embedding provider, the aliases are empty rather than wrong', () => {
    const s = defaults({ id: 'ollama', kind: 'ollama', enabled: false }, compatible('vectors', ['text-embedding-3-small']));
    expect(chatLabels(s)).toEqual([]);
  });
});
