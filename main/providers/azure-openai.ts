// Azure OpenAI: the OpenAI chat wire at deployment URLs —
//   {endpoint}/openai/deployments/{deployment}/chat/completions?api-version=…   with an `api-key` header.
// Accepts Lynkr's AZURE_OPENAI_ENDPOINT either as the resource URL or as a full deployment URL (the deployment
// and api-version in it are used when the settings give none).
import { invalidRequest } from '../core/errors.js';
import type { ModelInfo } from '../core/types.js';
import type { ProviderSettings } from '../settings/schema.js';
import type { AdapterEnv } from './anthropic.js';
import type { ProviderEnv } from './kinds/definition.js';
import { OpenAICompatibleProvider } from './openai-compatible.js';

export const AZURE_DEFAULT_API_VERSION = '2024-10-21';

export function parseAzureEndpoint(url: string): { origin: string; deployment?: string; apiVersion?: string } {
  const u = new URL(url);
  const deployment = /\/openai\/deployments\/([^/]+)/.exec(u.pathname)?.[1];
  return { origin: u.origin, deployment: deployment && decodeURIComponent(deployment), apiVersion: u.searchParams.get('api-version') ?? undefined };
}

export class AzureOpenAIProvider extends OpenAICompatibleProvider {
  private readonly deployments: string[];

  constructor(p: ProviderSettings, env: AdapterEnv & Pick<ProviderEnv, 'openAIChat'>) {
    const url = env.baseUrl;
    if (!url) throw invalidRequest(`provider "${p.id}" (azure-openai) needs baseUrl, e.g. https://<resource>.openai.azure.com`, 'providers');
    const parsed = parseAzureEndpoint(url);
    const fallback = p.deployment ?? parsed.deployment;
    // A model listed in `models` is a deployment name; anything else goes to the configured deployment.
    const deploymentFor = (model: string): string => encodeURIComponent(p.models.includes(model) ? model : (fallback ?? model));
    super({
      id: p.id,
      kind: 'azure-openai',
      baseUrl: parsed.origin,
      locality: env.locality,
      timeouts: env.timeouts,
      apiKey: p.apiKey,
      headers: p.headers,
      authHeaders: (key) => ({ 'api-key': key }),
      query: `api-version=${encodeURIComponent(p.apiVersion ?? parsed.apiVersion ?? AZURE_DEFAULT_API_VERSION)}`,
      chatPath: (model) => `/openai/deployments/${deploymentFor(model)}/chat/completions`,
      embeddingsPath: (model) => `/openai/deployments/${deploymentFor(model)}/embeddings`,
      parseTextToolCalls: p.parseTextToolCalls ?? false,
      openAIChat: env.openAIChat,
    });
    this.deployments = [...new Set([...(fallback ? [fallback] : []), ...p.models])];
  }

  /** Azure lists deployments only through its management API; the configured ones are what we serve. */
  override async listModels(): Promise<ModelInfo[]> {
    return this.deployments.map((id) => ({ id }));
  }
}
