import { describe, expect, it } from 'vitest';
import { envTable, envVars, normaliseLocalEndpoint, normaliseOpenAiEndpoint, SettingsError, settingsFromEnv, toTarget } from '../../main/settings/env.js';
import { catalogEntry } from '../../main/settings/catalog.js';
import { settingsSchema } from '../../main/settings/schema.js';

const provider = (input: ReturnType<typeof settingsFromEnv>['input'], id: string) => input.providers?.find((p) => p.id === id);

describe('Lynkr env names', () => {
  it('maps every variable of the table to a setting', () => {
    const vars: Record<string, string> = {
      PORT: '9000',
      HOST: '0.0.0.0',
      LYNKR_API_KEY: 'inbound-key-0123456789',
      LYNKR_MODE: 'LOCAL',
      MODEL_PROVIDER: 'openai',
      OLLAMA_ENDPOINT: 'http://gpu-box:11434/',
      OLLAMA_MODEL: 'llama3.2:3b',
      OLLAMA_EMBEDDINGS_MODEL: 'mxbai-embed-large',
      OLLAMA_KEEP_ALIVE: '10m',
      OPENAI_API_KEY: 'sk-openai-xyz',
      OPENAI_ENDPOINT: 'https://api.openai.com/v1/chat/completions',
      OPENAI_MODEL: 'gpt-4.1-mini',
      OPENROUTER_API_KEY: 'sk-or-xyz',
      OPENROUTER_ENDPOINT: 'https://openrouter.ai/api/v1',
      OPENROUTER_MODEL: 'anthropic/claude-3.5-sonnet',
      LMSTUDIO_ENDPOINT: 'http://localhost:1234',
      LLAMACPP_ENDPOINT: 'http://localhost:8080/v1/chat/completions',
      ANTHROPIC_API_KEY: 'sk-ant-xyz',
      ANTHROPIC_ENDPOINT: 'https://anthropic.example',
      AWS_BEDROCK_API_KEY: 'bedrock-key',
      AWS_BEDROCK_REGION: 'eu-west-1',
      AWS_BEDROCK_MODEL_ID: 'anthropic.claude-3-haiku',
      AZURE_OPENAI_ENDPOINT: 'https://me.openai.azure.com',
      AZURE_OPENAI_API_KEY: 'azure-key',
      AZURE_OPENAI_DEPLOYMENT: 'gpt4o-prod',
      AZURE_OPENAI_API_VERSION: '2024-10-21',
      GOOGLE_API_KEY: 'g-key',
      GROQ_API_KEY: 'gsk_groq-key',
      GROQ_ENDPOINT: 'https://groq.proxy.example/openai/v1/chat/completions',
      GROQ_MODEL: 'llama-3.3-70b-versatile',
      MISTRAL_API_KEY: 'mistral-key',
      MISTRAL_ENDPOINT: 'https://api.mistral.ai/v1/',
      MISTRAL_MODEL: 'mistral-large-latest',
      DEEPSEEK_API_KEY: 'sk-deepseek-key',
      DEEPSEEK_ENDPOINT: 'https://api.deepseek.com/chat/completions',
      DEEPSEEK_MODEL: 'deepseek-v4-pro',
      FALLBACK_ENABLED: 'no',
      FALLBACK_PROVIDER: 'openrouter',
      PROMPT_CACHE_ENABLED: '0',
      PROMPT_CACHE_POLICY: 'always',
      PROMPT_CACHE_TTL_MS: '1000',
      SEMANTIC_CACHE_ENABLED: 'yes',
      SEMANTIC_CACHE_THRESHOLD: '0.95',
      SEMANTIC_CACHE_TTL_MS: '2000',
      LOG_LEVEL: 'debug',
      TIER_SIMPLE: 'ollama:qwen2.5-coder:7b',
      TIER_MEDIUM: 'ollama/llama3.2:3b',
      TIER_COMPLEX: 'openai:gpt-4o',
      TIER_REASONING: 'anthropic:claude-sonnet-4-5',
    };
    // The test covers the whole table: a new variable without a case here fails.
    expect(Object.keys(vars).sort()).toEqual(envVars.map((v) => v.name).sort());

    const { input, origins } = settingsFromEnv(vars);
    expect(input.server).toEqual({ port: 9000, host: '0.0.0.0', apiKey: 'inbound-key-0123456789' });
    expect(input.mode).toBe('local');
    expect(input.defaultModel).toBe('openai/gpt-4.1-mini');
    expect(input.ollama).toEqual({ model: 'llama3.2:3b', embeddingsModel: 'mxbai-embed-large' });
    expect(provider(input, 'ollama')).toEqual({ id: 'ollama', kind: 'ollama', baseUrl: 'http://gpu-box:11434', keepAlive: '10m' });
    expect(provider(input, 'openai')).toEqual({ id: 'openai', kind: 'openai', apiKey: 'sk-openai-xyz', baseUrl: 'https://api.openai.com/v1', models: ['gpt-4.1-mini'] });
    expect(provider(input, 'openrouter')).toMatchObject({ kind: 'openrouter', apiKey: 'sk-or-xyz', baseUrl: 'https://openrouter.ai/api/v1', models: ['anthropic/claude-3.5-sonnet'] });
    expect(provider(input, 'lmstudio')).toEqual({ id: 'lmstudio', kind: 'lmstudio', baseUrl: 'http://localhost:1234/v1' });
    expect(provider(input, 'llamacpp')).toEqual({ id: 'llamacpp', kind: 'llamacpp', baseUrl: 'http://localhost:8080/v1' });
    expect(provider(input, 'anthropic')).toMatchObject({ kind: 'anthropic', apiKey: 'sk-ant-xyz', baseUrl: 'https://anthropic.example' });
    expect(provider(input, 'bedrock')).toMatchObject({ kind: 'bedrock', apiKey: 'bedrock-key', region: 'eu-west-1', models: ['anthropic.claude-3-haiku'] });
    expect(provider(input, 'azure-openai')).toMatchObject({ kind: 'azure-openai', apiKey: 'azure-key', baseUrl: 'https://me.openai.azure.com', deployment: 'gpt4o-prod', apiVersion: '2024-10-21' });
    expect(provider(input, 'gemini')).toMatchObject({ kind: 'gemini', apiKey: 'g-key' });
    expect(provider(input, 'groq')).toEqual({ id: 'groq', kind: 'groq', apiKey: 'gsk_groq-key', baseUrl: 'https://groq.proxy.example/openai/v1', models: ['llama-3.3-70b-versatile'] });
    expect(provider(input, 'mistral')).toEqual({ id: 'mistral', kind: 'mistral', apiKey: 'mistral-key', baseUrl: 'https://api.mistral.ai/v1', models: ['mistral-large-latest'] });
    expect(provider(input, 'deepseek')).toEqual({ id: 'deepseek', kind: 'deepseek', apiKey: 'sk-deepseek-key', baseUrl: 'https://api.deepseek.com', models: ['deepseek-v4-pro'] });
    expect(input.fallback).toEqual({ enabled: false, provider: 'openrouter' });
    expect(input.cache).toEqual({ exact: { enabled: false, policy: 'always', ttlMs: 1000 }, semantic: { enabled: true, threshold: 0.95, ttlMs: 2000 } });
    expect(input.log).toEqual({ level: 'debug' });
    expect(input.tiers).toEqual({ SIMPLE: 'ollama/qwen2.5-coder:7b', MEDIUM: 'ollama/llama3.2:3b', COMPLEX: 'openai/gpt-4o', REASONING: 'anthropic/claude-sonnet-4-5' });
    expect(origins.get('server.port')).toBe('PORT');
    expect(origins.get('providers[openai].apiKey')).toBe('OPENAI_API_KEY');
    // The mapped result is valid for the schema as a whole.
    expect(settingsSchema.safeParse(input).success).toBe(true);
  });

  it('MODEL_PROVIDER picks the provider model, or its default one', () => {
    expect(settingsFromEnv({ MODEL_PROVIDER: 'ollama', OLLAMA_MODEL: 'phi4' }).input.defaultModel).toBe('ollama/phi4');
    expect(settingsFromEnv({ MODEL_PROVIDER: 'ollama' }).input.defaultModel).toBe(`ollama/${settingsSchema.parse({}).ollama.model}`);
    expect(settingsFromEnv({ MODEL_PROVIDER: 'openrouter' }).input.defaultModel).toBe('openrouter/openai/gpt-4o-mini');
    expect(settingsFromEnv({ MODEL_PROVIDER: 'azure', AZURE_OPENAI_DEPLOYMENT: 'dep' }).input.defaultModel).toBe('azure-openai/dep');
    // A deployment named as an embedder is not a chat default (the rule defaults.ts applies to the aliases).
    expect(settingsFromEnv({ MODEL_PROVIDER: 'azure', AZURE_OPENAI_DEPLOYMENT: 'text-embedding-3-small' }).input.defaultModel).toBe('azure-openai/default');
    expect(settingsFromEnv({ MODEL_PROVIDER: 'google' }).input.defaultModel).toBe('gemini/gemini-2.0-flash');
    expect(settingsFromEnv({ MODEL_PROVIDER: 'groq' }).input.defaultModel).toBe('groq/llama-3.1-8b-instant');
    expect(settingsFromEnv({ MODEL_PROVIDER: 'deepseek', DEEPSEEK_MODEL: 'deepseek-v4-pro' }).input.defaultModel).toBe('deepseek/deepseek-v4-pro');
    // The default model is a chat model: an embedding model set as the provider's model is passed over.
    expect(settingsFromEnv({ MODEL_PROVIDER: 'openai', OPENAI_MODEL: 'text-embedding-3-small' }).input.defaultModel).toBe(`openai/${catalogEntry('openai')?.fast}`);
    expect(catalogEntry('openai')?.fast).toMatch(/^gpt-/);
  });

  it.each([
    ['true', true], ['TRUE', true], ['1', true], ['yes', true],
    ['false', false], ['0', false], ['No', false],
  ])('boolean %s → %s', (raw, value) => {
    expect(settingsFromEnv({ FALLBACK_ENABLED: raw }).input.fallback).toEqual({ enabled: value });
  });

  it('a bad value is an error naming the variable and the key', () => {
    expect(() => settingsFromEnv({ FALLBACK_ENABLED: 'maybe' })).toThrow('settings: fallback.enabled: expected true/false/1/0/yes/no, got "maybe" (from FALLBACK_ENABLED)');
    expect(() => settingsFromEnv({ PORT: '80a' })).toThrow(/server\.port: expected an integer, got "80a" \(from PORT\)/);
    expect(() => settingsFromEnv({ OPENAI_ENDPOINT: 'not a url' })).toThrow(/\(from OPENAI_ENDPOINT\)/);
    expect(() => settingsFromEnv({ MODEL_PROVIDER: 'skynet' })).toThrow(/defaultModel: unknown provider "skynet".*\(from MODEL_PROVIDER\)/);
    expect(() => settingsFromEnv({ TIER_SIMPLE: 'no-model' })).toThrow(/tiers\.SIMPLE: expected provider:model/);
    // Every issue at once, not just the first.
    try {
      settingsFromEnv({ PORT: 'x', LOG_LEVEL: 'loud' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(SettingsError);
      expect((err as SettingsError).issues.map((i) => i.source)).toEqual(['PORT', 'LOG_LEVEL']);
    }
  });

  it('normalises endpoints', () => {
    expect(normaliseOpenAiEndpoint('https://api.openai.com/v1/chat/completions')).toBe('https://api.openai.com/v1');
    expect(normaliseOpenAiEndpoint('https://openrouter.ai/api/v1/chat/completions/')).toBe('https://openrouter.ai/api/v1');
    expect(normaliseOpenAiEndpoint('https://api.openai.com/v1/')).toBe('https://api.openai.com/v1');
    expect(normaliseOpenAiEndpoint('http://proxy.local/openai/v1')).toBe('http://proxy.local/openai/v1');
    expect(normaliseLocalEndpoint('http://localhost:1234')).toBe('http://localhost:1234/v1');
    expect(normaliseLocalEndpoint('http://localhost:1234/v1/chat/completions')).toBe('http://localhost:1234/v1');
  });

  it('turns Lynkr targets into provider/model, splitting at the first colon', () => {
    expect(toTarget('ollama:qwen2.5-coder:7b')).toBe('ollama/qwen2.5-coder:7b');
    expect(toTarget('openrouter:anthropic/claude-3.5-sonnet')).toBe('openrouter/anthropic/claude-3.5-sonnet');
    expect(toTarget('gpt-4o')).toBeUndefined();
  });

  it('the README table has a default and a description for each name', () => {
    const rows = envTable();
    expect(rows).toHaveLength(envVars.length);
    expect(rows.find((r) => r.name === 'PORT')?.default).toBe('8081');
    expect(rows.find((r) => r.name === 'HOST')?.default).toBe('127.0.0.1');
    expect(rows.find((r) => r.name === 'OLLAMA_ENDPOINT')?.default).toBe('http://localhost:11434');
    expect(rows.find((r) => r.name === 'SEMANTIC_CACHE_ENABLED')?.default).toBe('false');
    for (const r of rows) {
      expect(r.default, r.name).not.toBe('');
      expect(r.description.length, r.name).toBeGreaterThan(5);
    }
  });
});
