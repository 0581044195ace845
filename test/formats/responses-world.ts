// The gateway the Responses tests drive: an OpenAI-compatible fake (`oai`) and an Ollama fake behind it, the exact
// cache and fallback off (each request reaches the upstream it names), and the openai SDK pointed at it.
import OpenAI from 'openai';
import type { SettingsInput } from '../../main/settings/schema.js';
import { startFakeOllama, type FakeOllama } from '../fakes/ollama.js';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/openai.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

export interface ResponsesWorld {
  gw: TestGateway;
  oai: FakeOpenAI;
  ollama: FakeOllama;
  client: OpenAI;
  close(): Promise<void>;
}

/** `extraProviders` come first (e.g. a custom upstream a test file brings). */
export async function startResponsesWorld(extraProviders: NonNullable<SettingsInput['providers']> = []): Promise<ResponsesWorld> {
  const [oai, ollama] = await Promise.all([startFakeOpenAI(), startFakeOllama({ models: ['qwen2.5-coder:7b'] })]);
  const gw = await startTestGateway({
    providers: [...extraProviders, { id: 'oai', kind: 'openai-compatible', baseUrl: oai.url }, { id: 'ollama', kind: 'ollama', baseUrl: ollama.url }],
    cache: { exact: { enabled: false } },
    fallback: { enabled: false, retries: 0 },
  });
  const client = new OpenAI({ apiKey: 'k', baseURL: `${gw.baseUrl}/v1`, maxRetries: 0 });
  return {
    gw,
    oai,
    ollama,
    client,
    close: async () => {
      await gw.close();
      await Promise.all([oai.close(), ollama.close()]);
    },
  };
}
