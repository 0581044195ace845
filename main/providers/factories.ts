// A provider instance from its settings: the kind's definition (kinds/) resolves what every adapter needs and
// builds it. Adding a kind needs nothing here.
import { invalidRequest } from '../core/errors.js';
import type { Provider } from '../core/provider.js';
import type { ProviderSettings, Settings } from '../settings/schema.js';
import { timeoutsFrom } from './http.js';
import { resolvedBaseUrl, resolvedLocality } from './kinds/definition.js';
import { kindDefinition } from './kinds/index.js';

export type { CommonProviderOptions, ProviderEnv } from './kinds/definition.js';

export function createProvider(p: ProviderSettings, settings: Settings): Provider {
  const kind = kindDefinition(p.kind);
  if (!kind) throw invalidRequest(`provider kind "${p.kind}" is not known`, 'providers');
  return kind.create(p, {
    baseUrl: resolvedBaseUrl(kind, p.baseUrl),
    locality: resolvedLocality(kind, p.local),
    timeouts: timeoutsFrom(settings.server),
    settings,
    openAIChat: kind.openAIChat ?? {},
  });
}
