import { AZURE_DEFAULT_API_VERSION, AzureOpenAIProvider } from '../azure-openai.js';
import type { OpenAIChatDialect, ProviderKindDefinition } from './definition.js';

// Azure serves OpenAI's own models and API, with its refusal of reasoning_effort on non-reasoning models (see
// openai.ts). Its max-tokens field stays the common max_tokens here, as before issue 20's rebuild.
const openAIChat: OpenAIChatDialect = { refusesEffortOnNonReasoningModels: true };

export const azureOpenAI: ProviderKindDefinition<'azure-openai'> = {
  kind: 'azure-openai',
  label: 'Azure OpenAI',
  // No default: each Azure resource has its own URL.
  locality: 'cloud',
  env: [
    { name: 'AZURE_OPENAI_ENDPOINT', field: 'baseUrl', kind: 'url', default: '(none)', description: 'Azure OpenAI resource URL (https://NAME.openai.azure.com).' },
    { name: 'AZURE_OPENAI_API_KEY', field: 'apiKey', kind: 'string', default: '(none)', description: 'Azure OpenAI key. The azure-openai provider exists only when it is set.' },
    { name: 'AZURE_OPENAI_DEPLOYMENT', field: 'deployment', kind: 'string', default: '(none)', description: 'Azure OpenAI deployment name (also the model name `azure-openai/<deployment>`).' },
    { name: 'AZURE_OPENAI_API_VERSION', field: 'apiVersion', kind: 'string', default: AZURE_DEFAULT_API_VERSION, description: 'Azure OpenAI api-version.' },
  ],
  otherNames: ['azure'],
  form: {
    fields: ['baseUrl', 'apiKey', 'deployment', 'apiVersion'],
    required: ['baseUrl', 'apiKey'],
    placeholders: { baseUrl: 'https://RESOURCE.openai.azure.com', apiVersion: AZURE_DEFAULT_API_VERSION, models: 'gpt-4o' },
  },
  openAIChat,
  create: (p, env) => new AzureOpenAIProvider(p, env),
};
