import type { Router } from 'express';
import { gatewayUrls } from '../../core/urls.js';
import type { StatusResponse } from '../contract.js';
import type { AdminDeps } from '../deps.js';
import { maskKey } from '../../core/keys.js';
import { providerViews } from './providers.js';

export async function buildStatus(deps: AdminDeps): Promise<StatusResponse> {
  const s = deps.settings.get();
  const { port, listening, startedAt } = deps.server.info();
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
    providers: providerViews(deps),
    ollama: await deps.ollama.status(),
    cache: deps.cache.health(),
    librechatSeenAt: deps.requests.librechatSeenAt(),
    warnings: deps.warnings(),
    pinned: { ...deps.pinned },
  };
}

export function registerStatusRoutes(router: Router, deps: AdminDeps): void {
  router.get('/status', async (_req, res) => {
    res.json(await buildStatus(deps));
  });
}
