// A gateway whose one provider is the OpenAI fake speaking a stricter server's dialect (Mistral, Groq), and the
// OpenAI SDK pointed at the gateway: the setup of the dialects' end-to-end tests.
import OpenAI from 'openai';
import type { ProviderKind } from '../../main/providers/kinds/index.js';
import { startFakeOpenAI, type FakeOpenAI, type FakeOpenAIOptions } from '../fakes/openai.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

export interface DialectGateway {
  fake: FakeOpenAI;
  gw: TestGateway;
  sdk: OpenAI;
  /** The body of the last chat request the fake received. */
  lastSent(): Record<string, unknown>;
  close(): Promise<void>;
}

export async function dialectGateway(kind: ProviderKind, dialect: NonNullable<FakeOpenAIOptions['dialect']>, model: string): Promise<DialectGateway> {
  const fake = await startFakeOpenAI({ dialect, models: [model] });
  const gw = await startTestGateway({
    providers: [{ id: kind, kind, baseUrl: fake.url, apiKey: `${kind}-test-0123456789`, models: [model] }],
    fallback: { enabled: false, retries: 0 },
    cache: { exact: { enabled: false }, semantic: { enabled: false } },
  });
  return {
    fake,
    gw,
    sdk: new OpenAI({ baseURL: `${gw.baseUrl}/v1`, apiKey: 'unused', maxRetries: 0 }),
    lastSent: () => fake.requests.filter((r) => r.path.endsWith('/chat/completions')).at(-1)?.body as Record<string, unknown>,
    close: async () => {
      await gw.close();
      await fake.close();
    },
  };
}
