import type { Router } from 'express';
import { gatewayUrls } from '../../core/urls.js';
import type { OllamaStatus, StatusResponse } from '../contract.js';
import type { AdminDeps } from '../deps.js';
import { maskKey } from '../../core/keys.js';
import { reachabilityById } from '../../routing/health.js';
import { missingModels } from '../../routing/installed-model.js';
import { unroutedAliases } from '../../routing/mode-check.js';
import { providerViews } from './providers.js';

type Probe = Awaited<ReturnType<NonNullable<AdminDeps['probeLocal']>>>[number];

/**
 * The Ollama panel's state and the ollama provider's health must agree: when the panel's cached check (up to a
 * minute old) disagrees with the provider's newer probe, check again.
 */
async function ollamaStatus(deps: AdminDeps, probes: Probe[]): Promise<OllamaStatus> {
  const status = await deps.ollama.status();
  const first = deps.settings.get().providers.find((p) => p.kind === 'ollama' && p.enabled);
  const probe = first && probes.find((p) => p.id === first.id);
  return probe && probe.reachable !== (status.state === 'running') ? deps.ollama.status(true) : status;
}

export async function buildStatus(deps: AdminDeps): Promise<StatusResponse> {
  const s = deps.settings.get();
  const { port, listening, startedAt } = deps.server.info();
  const probes = (await deps.probeLocal?.()) ?? [];
  const installed = new Map(probes.filter((p) => p.kind === 'ollama' && p.reachable).map((p) => [p.id, p.models]));
  return {
    service: 'lynkr-desktop',
    version: deps.version,
    ...gatewayUrls(port),
    port,
    listening,
    mode: s.mode,
    allowDocker: s.server.allowDocker,
    gatewayKeyMasked: maskKey(s.server.apiKey),
    uptimeMs: Date.now() - startedAt,
    requestsToday: deps.requests.requestsToday(),
    providers: providerViews(deps, reachabilityById(probes)),
    ollama: await ollamaStatus(deps, probes),
    cache: deps.cache.health(),
    librechatSeenAt: deps.requests.librechatSeenAt(),
    warnings: deps.warnings(),
    pinned: { ...deps.pinned },
    unroutedByMode: Object.fromEntries(
      (['local', 'cloud', 'auto'] as const).filter((m) => m !== s.mode).map((m) => [m, unroutedAliases(s, deps.providers, m).map((u) => u.alias)]),
    ),
    missingModels: missingModels(s, installed),
    ollamaModel: { name: s.ollama.model, chosenBy: deps.ollamaModelChosenBy?.() ?? 'default' },
  };
}

export function registerStatusRoutes(router: Router, deps: AdminDeps): void {
  router.get('/status', async (_req, res) => {
    res.json(await buildStatus(deps));
  });
}
