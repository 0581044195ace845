// What the gateway does for LibreChat on its own side (issue 19): the sampling fields LibreChat sends are parsed
// into the internal request, /v1/models offers chat models only, and GET /api/tags answers in Ollama's shape,
// behind the same key as /v1/models.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Provider } from '../../main/core/provider.js';
import { GatewayError } from '../../main/core/errors.js';
import type { ModelInfo } from '../../main/core/types.js';
import { ModelCatalog } from '../../main/pipeline/catalog.js';
import { listModels } from '../../main/server/models.js';
import { ollamaTags } from '../../main/server/ollama-tags.js';
import { parseOpenAIChat } from '../../main/server/openai-chat/parse.js';
import { settingsSchema, type Settings } from '../../main/settings/schema.js';
import { startFakeOllama, type FakeOllama } from '../fakes/ollama.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const messages = [{ role: 'user', content: 'hi' }];

function rejected(body: unknown): GatewayError {
  try {
    parseOpenAIChat(body);
  } catch (e) {
    if (e instanceof GatewayError) return e;
    throw e;
  }
  throw new Error('expected a 400');
}

describe('OpenAI chat inbound: sampling fields', () => {
  it('parses top_k and both penalties into the internal request, min_p and repeat_penalty as Ollama options, and keeps them once in the native body', () => {
    const body = { model: 'm', messages, top_k: 40, min_p: 0.05, repeat_penalty: 1.1, frequency_penalty: 0.5, presence_penalty: -0.25 };
    const { request, native } = parseOpenAIChat(body);
    expect(request).toMatchObject({ topK: 40, frequencyPenalty: 0.5, presencePenalty: -0.25 });
    expect(request.providerOptions).toEqual({ ollama: { options: { min_p: 0.05, repeat_penalty: 1.1 } } });
    expect(native?.body).toMatchObject({ top_k: 40, min_p: 0.05, repeat_penalty: 1.1, frequency_penalty: 0.5, presence_penalty: -0.25 });
    expect(Object.keys(native?.body ?? {}).filter((k) => k === 'top_k' || k === 'topK')).toEqual(['top_k']);
  });

  it('leaves them unset when absent or null (LibreChat sends nulls for cleared settings)', () => {
    const { request } = parseOpenAIChat({ model: 'm', messages, top_k: null, frequency_penalty: null, min_p: null });
    for (const k of ['topK', 'frequencyPenalty', 'presencePenalty', 'providerOptions'] as const) expect(request[k]).toBeUndefined();
  });

  it('answers 400 naming the field for values no upstream takes', () => {
    for (const [field, value] of [
      ['frequency_penalty', 2.5],
      ['presence_penalty', -3],
      ['top_k', 1.5],
      ['top_k', -1],
      ['min_p', 2],
      ['repeat_penalty', -0.1],
      ['repeat_penalty', 'high'],
    ] as const) {
      const e = rejected({ model: 'm', messages, [field]: value });
      expect(e.status).toBe(400);
      expect(e.param).toBe(field);
    }
  });
});

function stubProvider(id: string, models: ModelInfo[], kind: Provider['kind'] = 'ollama'): Provider {
  const never = (): never => {
    throw new Error('not called');
  };
  return { id, kind, locality: 'local', endpoint: `http://127.0.0.1:1/${id}`, chat: never, stream: never, listModels: async () => models };
}

const settings = (providers: { id: string; kind: 'ollama' | 'lmstudio'; models?: string[] }[]): Settings =>
  settingsSchema.parse({ providers, aliases: { 'chat-fast': { description: 'Fast', targets: [] } } });

describe('GET /v1/models and /api/tags: chat models only', () => {
  const local = stubProvider('ollama', [
    { id: 'llama3.2:latest', kind: 'chat' },
    { id: 'nomic-embed-text:latest', kind: 'embedding' },
    { id: 'mystery:latest' },
  ]);
  const s = settings([{ id: 'ollama', kind: 'ollama', models: ['nomic-embed-text', 'llama3.2'] }]);

  it('leaves out what a provider reports as embedding-only, configured or discovered, and keeps models of unknown kind', async () => {
    const ids = (await listModels(s, new ModelCatalog(() => [local]))).map((m) => m.id);
    expect(ids).toEqual(['chat-fast', 'auto', 'ollama/llama3.2', 'ollama/mystery:latest']);
  });

  it('filters nothing when the provider does not say what its models are', async () => {
    const plain = stubProvider('lms', [{ id: 'text-embedding-nomic' }, { id: 'qwen' }], 'lmstudio');
    const ids = (await listModels(settings([{ id: 'lms', kind: 'lmstudio' }]), new ModelCatalog(() => [plain]))).map((m) => m.id);
    expect(ids).toEqual(['chat-fast', 'auto', 'lms/text-embedding-nomic', 'lms/qwen']);
  });

  it('/api/tags lists the same names in Ollama\'s shape (ollama package ListResponse / ModelResponse)', async () => {
    const now = new Date('2025-05-10T08:06:48.000Z');
    const tags = await ollamaTags(s, new ModelCatalog(() => [local]), now);
    expect(tags.models.map((m) => m.name)).toEqual(['chat-fast', 'auto', 'ollama/llama3.2', 'ollama/mystery:latest']);
    expect(tags.models[2]).toEqual({
      name: 'ollama/llama3.2',
      model: 'ollama/llama3.2',
      modified_at: '2025-05-10T08:06:48.000Z',
      size: 0,
      digest: '',
      details: { parent_model: '', format: '', family: 'ollama', families: ['ollama'], parameter_size: '', quantization_level: '' },
    });
  });
});

describe('GET /api/tags on a running gateway', () => {
  const KEY = 'lynkr-test-gateway-key-0123456789';
  let ollama: FakeOllama;
  let gw: TestGateway;
  beforeAll(async () => {
    ollama = await startFakeOllama({ models: ['qwen2.5-coder:7b'] });
    gw = await startTestGateway({
      providers: [{ id: 'ollama', kind: 'ollama', baseUrl: ollama.url }],
      aliases: { 'chat-fast': { description: 'Local', targets: ['ollama/qwen2.5-coder:7b'] } },
      server: { apiKey: KEY, requireKeyOnLoopback: true },
    });
  });
  afterAll(async () => {
    await gw?.close();
    await ollama?.close();
  });

  it('answers at the origin (LibreChat strips the path) with the /v1/models names, behind the same key', async () => {
    const auth = { authorization: `Bearer ${KEY}` };
    expect((await fetch(`${gw.baseUrl}/api/tags`)).status).toBe(401);
    expect((await fetch(`${gw.baseUrl}/v1/models`)).status).toBe(401);
    const tags = await fetch(`${gw.baseUrl}/api/tags`, { headers: auth });
    expect(tags.status).toBe(200);
    expect(tags.headers.get('content-type')).toContain('application/json');
    const names = ((await tags.json()) as { models: { name: string }[] }).models.map((m) => m.name);
    const ids = ((await (await fetch(`${gw.baseUrl}/v1/models`, { headers: auth })).json()) as { data: { id: string }[] }).data.map((m) => m.id);
    expect(names).toEqual(ids);
    expect(names).toEqual(expect.arrayContaining(['chat-fast', 'ollama/qwen2.5-coder:7b']));
  });
});
