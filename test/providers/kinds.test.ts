// The kinds list (main/providers/kinds/) is the one place a provider kind is described: the settings schema, the
// env names, the catalog and the window's form come from it, and each kind's defaults reach the wire.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizeOllamaBaseUrl, normalizeOpenAIBaseUrl } from '../../main/providers/defaults.js';
import { kindView } from '../../main/providers/kinds/definition.js';
import { baseUrlFor, kindNames, localityOf, optionsReadBy, providerKinds } from '../../main/providers/kinds/index.js';
import { catalog } from '../../main/settings/catalog.js';
import { withDefaults } from '../../main/settings/defaults.js';
import { envVars, settingsFromEnv } from '../../main/settings/env.js';
import { providerSchema, settingsSchema } from '../../main/settings/schema.js';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/openai.js';
import { ctx, makeProvider, request } from './helpers.js';

describe('base URLs and locality', () => {
  it('normalises OpenAI base URLs, including Lynkr’s full form', () => {
    expect(normalizeOpenAIBaseUrl('https://api.openai.com/v1/chat/completions')).toBe('https://api.openai.com/v1');
    expect(normalizeOpenAIBaseUrl('https://openrouter.ai/api/v1/')).toBe('https://openrouter.ai/api/v1');
    expect(normalizeOpenAIBaseUrl('http://localhost:1234/v1/models')).toBe('http://localhost:1234/v1');
    expect(normalizeOpenAIBaseUrl('http://h/openai/v1/embeddings?x=1')).toBe('http://h/openai/v1?x=1');
    expect(normalizeOllamaBaseUrl('http://localhost:11434/api/chat')).toBe('http://localhost:11434');
    expect(normalizeOllamaBaseUrl('http://localhost:11434/v1/')).toBe('http://localhost:11434');
  });

  it('gives each kind its base URL and locality', () => {
    expect(baseUrlFor('openai')).toBe('https://api.openai.com/v1');
    expect(baseUrlFor('openrouter')).toBe('https://openrouter.ai/api/v1');
    expect(baseUrlFor('lmstudio')).toBe('http://localhost:1234/v1');
    expect(baseUrlFor('llamacpp')).toBe('http://localhost:8080/v1');
    expect(baseUrlFor('ollama')).toBe('http://localhost:11434');
    expect(baseUrlFor('gemini')).toBe('https://generativelanguage.googleapis.com/v1beta/openai');
    expect(baseUrlFor('anthropic')).toBe('https://api.anthropic.com');
    expect(baseUrlFor('groq')).toBe('https://api.groq.com/openai/v1');
    expect(baseUrlFor('mistral')).toBe('https://api.mistral.ai/v1');
    expect(baseUrlFor('deepseek')).toBe('https://api.deepseek.com');
    expect(baseUrlFor('openai-compatible')).toBeUndefined();
    expect(baseUrlFor('azure-openai')).toBeUndefined();
    expect(baseUrlFor('lmstudio', 'http://127.0.0.1:1234/')).toBe('http://127.0.0.1:1234/v1');
    expect(baseUrlFor('llamacpp', 'http://127.0.0.1:8080/v1/chat/completions')).toBe('http://127.0.0.1:8080/v1');
    expect(baseUrlFor('openai-compatible', 'http://h:9/')).toBe('http://h:9');
    expect(baseUrlFor('deepseek', 'https://api.deepseek.com/chat/completions')).toBe('https://api.deepseek.com');
    expect(baseUrlFor('anthropic', 'https://proxy.example/')).toBe('https://proxy.example');
    expect(localityOf('ollama')).toBe('local');
    expect(localityOf('llamacpp')).toBe('local');
    expect(localityOf('openai')).toBe('cloud');
    expect(localityOf('groq')).toBe('cloud');
    expect(localityOf('openai-compatible', true)).toBe('local');
    expect(localityOf('ollama', false)).toBe('cloud');
  });
});

describe('the kinds list covers every place a kind is named', () => {
  it('the settings schema takes exactly the listed kinds', () => {
    expect(providerSchema.shape.kind.options).toEqual(providerKinds.map((k) => k.kind));
    expect(new Set(kindNames).size).toBe(providerKinds.length);
    for (const kind of kindNames) expect(providerSchema.safeParse({ id: 'x', kind }).success, kind).toBe(true);
    expect(providerSchema.safeParse({ id: 'x', kind: 'skynet' }).success).toBe(false);
  });

  it('every kind has a form: a label, fields it can ask, required ones among them, a models placeholder', () => {
    const askable = new Set(['baseUrl', 'apiKey', 'region', 'apiVersion', 'deployment', 'local']);
    for (const k of providerKinds) {
      const view = kindView(k);
      expect(view.label, k.kind).not.toBe('');
      for (const f of view.fields) expect(askable.has(f), `${k.kind}.${f}`).toBe(true);
      for (const f of view.required) expect(view.fields, `${k.kind} requires ${f}`).toContain(f);
      // Where there is no default URL, the form must ask for one.
      if (!k.defaultBaseUrl && k.kind !== 'bedrock') expect(view.fields, k.kind).toContain('baseUrl');
      expect(view.placeholders.models, k.kind).toBeTruthy();
    }
  });

  it('every env name of a kind is in the env map, and setting its key (or endpoint) adds a provider of that kind', () => {
    const names = new Set(envVars.map((v) => v.name));
    for (const k of providerKinds) {
      for (const v of k.env) expect(names.has(v.name), v.name).toBe(true);
      if (k.env.length === 0) continue;
      expect(catalog[k.kind]?.kind, k.kind).toBe(k.kind);
      const creator = k.env.find((v) => v.field === 'apiKey') ?? k.env.find((v) => v.field === 'baseUrl');
      expect(creator, `${k.kind} has no env name that adds it`).toBeDefined();
      const value = creator!.field === 'apiKey' ? 'key-0123456789' : 'http://127.0.0.1:9/v1';
      const { input } = settingsFromEnv({ [creator!.name]: value, MODEL_PROVIDER: k.kind });
      expect(input.providers?.find((p) => p.id === k.kind)?.kind, creator!.name).toBe(k.kind);
      expect(input.defaultModel?.startsWith(`${k.kind}/`), k.kind).toBe(true);
      expect(settingsSchema.safeParse(input).success, k.kind).toBe(true);
    }
  });

  it('a kind with env names and models joins the default aliases when its key is set', () => {
    const s = settingsSchema.parse(withDefaults(settingsFromEnv({ MISTRAL_API_KEY: 'mistral-key' }).input));
    expect(s.providers.find((p) => p.id === 'mistral')).toMatchObject({ kind: 'mistral', apiKey: 'mistral-key' });
    expect(s.aliases['chat-fast'].targets).toContain('mistral/mistral-small-latest');
    expect(s.aliases['chat-quality'].targets[0]).toBe('mistral/mistral-large-latest');
  });
});

describe('which providerOptions a kind reads comes from its file', () => {
  it('OpenAI-wire kinds read openai by default; Ollama, Anthropic and Bedrock say what they read; all but Bedrock translate the effort of either format', () => {
    const effort = ['openai.reasoning_effort', 'anthropic.output_config.effort'];
    for (const kind of ['openai', 'groq', 'mistral', 'deepseek', 'lmstudio', 'openai-compatible']) expect(optionsReadBy(kind)).toEqual({ namespaces: ['openai'], translates: effort });
    expect(optionsReadBy('ollama')).toEqual({ namespaces: ['ollama'], translates: effort });
    expect(optionsReadBy('anthropic')).toEqual({ namespaces: ['anthropic'], translates: effort });
    expect(optionsReadBy('bedrock')).toEqual({ namespaces: [] });
  });
});

describe('the new OpenAI-compatible kinds reach the wire', () => {
  let fake: FakeOpenAI;
  beforeAll(async () => {
    fake = await startFakeOpenAI();
  });
  afterAll(() => fake.close());

  it.each(['groq', 'mistral', 'deepseek'] as const)('%s: default endpoint, and a given base URL gets a bearer-key chat call', async (kind) => {
    expect(makeProvider({ id: kind, kind, apiKey: 'k-0123456789' }).endpoint).toBe(baseUrlFor(kind));
    const provider = makeProvider({ id: kind, kind, apiKey: `${kind}-key-0123456789`, baseUrl: `${fake.url}/chat/completions` });
    expect([provider.kind, provider.locality]).toEqual([kind, 'cloud']);
    const before = fake.requests.length;
    const answer = await provider.chat(request(), ctx());
    expect(answer.model).toBeTruthy();
    const sent = fake.requests[before];
    expect(sent.path).toBe(new URL(`${fake.url}/chat/completions`).pathname);
    expect(sent.headers.authorization).toBe(`Bearer ${kind}-key-0123456789`);
    expect(sent.body).toMatchObject({ model: 'fake-model' });
  });
});
