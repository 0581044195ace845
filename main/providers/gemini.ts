// Google Gemini through its OpenAI-compatible endpoint (https://generativelanguage.googleapis.com/v1beta/openai),
// with the API key (Lynkr's GOOGLE_API_KEY) as a bearer token: the OpenAI chat adapter with Gemini's defaults.
import type { ProviderSettings } from '../settings/schema.js';
import type { AdapterEnv } from './anthropic.js';
import { baseUrlFor, localityOf } from './defaults.js';
import { OpenAICompatibleProvider } from './openai-compatible.js';

export class GeminiProvider extends OpenAICompatibleProvider {
  constructor(p: ProviderSettings, env: AdapterEnv) {
    super({
      id: p.id,
      kind: 'gemini',
      baseUrl: baseUrlFor('gemini', p.baseUrl) as string,
      locality: localityOf('gemini', p.local),
      timeouts: env.timeouts,
      apiKey: p.apiKey,
      headers: p.headers,
      parseTextToolCalls: p.parseTextToolCalls ?? false,
    });
  }
}
