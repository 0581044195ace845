import { EFFORT_OPTIONS } from '../../core/provider-options.js';
import { AnthropicProvider } from '../anthropic.js';
import type { ProviderKindDefinition } from './definition.js';

export const anthropic: ProviderKindDefinition<'anthropic'> = {
  kind: 'anthropic',
  label: 'Anthropic',
  defaultBaseUrl: 'https://api.anthropic.com',
  locality: 'cloud',
  env: [
    { name: 'ANTHROPIC_API_KEY', field: 'apiKey', kind: 'string', default: '(none)', description: 'Anthropic key. The anthropic provider exists only when it is set.' },
    { name: 'ANTHROPIC_ENDPOINT', field: 'baseUrl', kind: 'url', default: 'https://api.anthropic.com', description: 'Anthropic API base URL.' },
  ],
  models: { fast: 'claude-3-5-haiku-latest', strong: 'claude-sonnet-4-5', reasoning: 'claude-sonnet-4-5' },
  form: { fields: ['apiKey', 'baseUrl'], required: ['apiKey'], placeholders: { apiKey: 'sk-ant-…' } },
  readsOptions: { namespaces: ['anthropic'], translates: EFFORT_OPTIONS },
  create: (p, env) => new AnthropicProvider(p, env),
};
