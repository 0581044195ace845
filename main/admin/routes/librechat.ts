// GET /admin/librechat: the base URLs and snippets the LibreChat page shows. Admin responses carry no secrets,
// so the snippet references the gateway key as ${LYNKR_API_KEY} (the user puts the key in LibreChat's .env).
import type { Router } from 'express';
import type { LibreChatSetup } from '../contract.js';
import type { AdminDeps } from '../deps.js';
import type { Settings } from '../../settings/schema.js';
import { composeOverride, librechatYaml, type LibreChatApiKey } from '../librechat.js';
import { gatewayUrls } from '../../core/urls.js';

export function libreChatSetup(settings: Settings, port: number, librechatSeenAt: number | undefined): LibreChatSetup {
  const { baseUrl, dockerBaseUrl } = gatewayUrls(port);
  const { allowDocker, requireKeyOnLoopback } = settings.server;
  const aliases = Object.keys(settings.aliases);
  const titleModel = aliases.includes(settings.defaultModel) || aliases.length === 0 ? settings.defaultModel : aliases[0];
  // A container reaches us through the bridge, where the gateway demands its key.
  const apiKey: LibreChatApiKey | undefined = allowDocker || requireKeyOnLoopback ? '${LYNKR_API_KEY}' : undefined;
  return {
    baseUrl,
    dockerBaseUrl,
    yaml: librechatYaml({ baseUrl: allowDocker ? dockerBaseUrl : baseUrl, apiKey, aliases, titleModel }),
    composeOverride: composeOverride(),
    allowDocker,
    ...(librechatSeenAt !== undefined ? { librechatSeenAt } : {}),
  };
}

/** Mounted under /admin by admin/index.ts. */
export function registerLibreChatRoutes(router: Router, deps: AdminDeps): void {
  router.get('/librechat', (_req, res) => {
    res.json(libreChatSetup(deps.settings.get(), deps.server.info().port, deps.requests.librechatSeenAt()));
  });
}
