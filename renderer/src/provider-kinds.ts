// What the add/edit form asks for, per provider kind.
export type Field = 'baseUrl' | 'apiKey' | 'region' | 'apiVersion' | 'deployment' | 'local';

export interface KindSpec {
  label: string;
  fields: Field[];
  /** Fields that must be filled in. */
  required: Field[];
  baseUrlHint?: string;
  keyHint?: string;
  modelsHint: string;
}

export const kinds: Record<string, KindSpec> = {
  ollama: { label: 'Ollama', fields: ['baseUrl'], required: [], baseUrlHint: 'http://localhost:11434', modelsHint: 'qwen2.5-coder:7b' },
  openai: { label: 'OpenAI', fields: ['apiKey', 'baseUrl'], required: ['apiKey'], baseUrlHint: 'https://api.openai.com/v1', keyHint: 'sk-…', modelsHint: 'gpt-4o-mini' },
  openrouter: { label: 'OpenRouter', fields: ['apiKey', 'baseUrl'], required: ['apiKey'], baseUrlHint: 'https://openrouter.ai/api/v1', keyHint: 'sk-or-…', modelsHint: 'anthropic/claude-3.5-sonnet' },
  anthropic: { label: 'Anthropic', fields: ['apiKey', 'baseUrl'], required: ['apiKey'], baseUrlHint: 'https://api.anthropic.com', keyHint: 'sk-ant-…', modelsHint: 'claude-3-5-haiku-latest' },
  bedrock: { label: 'AWS Bedrock', fields: ['region', 'apiKey'], required: ['region'], keyHint: 'Bedrock API key (or leave empty to use the AWS credential chain)', modelsHint: 'anthropic.claude-3-5-haiku-20241022-v1:0' },
  'azure-openai': { label: 'Azure OpenAI', fields: ['baseUrl', 'apiKey', 'deployment', 'apiVersion'], required: ['baseUrl', 'apiKey'], baseUrlHint: 'https://RESOURCE.openai.azure.com', modelsHint: 'gpt-4o' },
  gemini: { label: 'Google Gemini', fields: ['apiKey', 'baseUrl'], required: ['apiKey'], baseUrlHint: 'https://generativelanguage.googleapis.com/v1beta/openai', modelsHint: 'gemini-2.0-flash' },
  'openai-compatible': { label: 'OpenAI-compatible', fields: ['baseUrl', 'apiKey', 'local'], required: ['baseUrl'], baseUrlHint: 'http://localhost:8000/v1', modelsHint: 'my-model' },
  lmstudio: { label: 'LM Studio', fields: ['baseUrl'], required: [], baseUrlHint: 'http://localhost:1234/v1', modelsHint: 'qwen2.5-coder-7b-instruct' },
  llamacpp: { label: 'llama.cpp server', fields: ['baseUrl'], required: [], baseUrlHint: 'http://localhost:8080/v1', modelsHint: 'default' },
};

export const fieldLabels: Record<Field, string> = {
  baseUrl: 'Base URL',
  apiKey: 'API key',
  region: 'Region',
  apiVersion: 'API version',
  deployment: 'Deployment',
  local: 'Counts as local (on this machine or LAN)',
};
