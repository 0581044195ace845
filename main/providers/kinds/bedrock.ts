import { BEDROCK_DEFAULT_REGION, BedrockProvider } from '../bedrock.js';
import type { ProviderKindDefinition } from './definition.js';

const models = { fast: 'anthropic.claude-3-5-haiku-20241022-v1:0', strong: 'anthropic.claude-3-7-sonnet-20250219-v1:0' };

export const bedrock: ProviderKindDefinition<'bedrock'> = {
  kind: 'bedrock',
  label: 'AWS Bedrock',
  // No default: the SDK builds the regional endpoint; a baseUrl only overrides it (VPC endpoints, tests).
  locality: 'cloud',
  env: [
    { name: 'AWS_BEDROCK_API_KEY', field: 'apiKey', kind: 'string', default: '(none)', description: 'Amazon Bedrock API key (bearer token). The bedrock provider exists only when it is set.' },
    { name: 'AWS_BEDROCK_REGION', field: 'region', kind: 'string', default: BEDROCK_DEFAULT_REGION, description: 'Bedrock region.' },
    { name: 'AWS_BEDROCK_MODEL_ID', field: 'models', kind: 'model', default: models.fast, description: 'Bedrock model id for MODEL_PROVIDER=bedrock.' },
  ],
  models,
  form: {
    fields: ['region', 'apiKey'],
    required: ['region'],
    placeholders: { region: BEDROCK_DEFAULT_REGION, apiKey: 'Bedrock API key (or leave empty to use the AWS credential chain)' },
  },
  // Converse takes none of the OpenAI, Anthropic or Ollama wire fields.
  readsOptions: { namespaces: [] },
  create: (p, env) => new BedrockProvider(p, env),
};
