// Which aliases a mode would leave without any target: asked before a mode switch (window, tray, CLI), so the
// user learns it from a warning instead of from 503s. It runs the router's own plan() under the other mode, so
// the answer is exactly what requests would get (tier targets, the default model, the last-resort fallback).
import { GatewayError } from '../core/errors.js';
import type { ProviderRegistry } from '../providers/registry.js';
import type { Settings } from '../settings/schema.js';
import { effectiveAliases, type DiscoveredModels } from './catalog.js';
import { createRouter } from './router.js';
import type { Mode, UnroutedAlias } from './types.js';

export function unroutedAliases(settings: Settings, providers: ProviderRegistry, mode: Mode, discovered?: DiscoveredModels): UnroutedAlias[] {
  const asIf: Settings = { ...settings, mode };
  const probe = createRouter({ settings: () => asIf, providers });
  for (const [id, models] of discovered ?? []) probe.setDiscoveredModels(id, [...models]);
  const out: UnroutedAlias[] = [];
  for (const a of effectiveAliases(settings)) {
    try {
      probe.plan({ model: a.name, messages: [], stream: false });
    } catch (e) {
      if (e instanceof GatewayError) out.push({ alias: a.name, message: e.message });
      else throw e;
    }
  }
  return out;
}

/** The discovered lists back from a router's catalog (`id/model` labels), for unroutedAliases. */
export function discoveredFrom(models: readonly string[]): Map<string, string[]> {
  const byProvider = new Map<string, string[]>();
  for (const label of models) {
    const i = label.indexOf('/');
    if (i <= 0) continue;
    const id = label.slice(0, i);
    byProvider.set(id, [...(byProvider.get(id) ?? []), label.slice(i + 1)]);
  }
  return byProvider;
}
