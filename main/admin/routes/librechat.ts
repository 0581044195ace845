// GET /admin/librechat: the base URLs and snippets the LibreChat page shows. Admin responses carry no secrets,
// so the snippet references the gateway key as ${LYNKR_API_KEY} (the user puts the key in LibreChat's .env).
import type { Router } from 'express';
import type { LibreChatSetup } from '../contract.js';
import type { AdminDeps } from '../deps.js';
import type { Settings } from '../../settings/schema.js';
import { composeOverride, librechatYaml, type LibreChatApiKey } from '../librechat.js';
import { gatewayUrls } from '../../core/urls.js';
import { planBind } from '../../server/security/bind-policy.js';

/** Addresses that take every interface: the fallback when Allow Docker is on and no docker bridge exists. */
const ALL_INTERFACES = new Set(['0.0.0.0', '::']);

export function libreChatSetup(settings: Settings, port: number, librechatSeenAt: number | undefined, listening: string[] = []): LibreChatSetup {
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
    listening,
    // The same plan the gateway bound with (cli/start.ts), so the reason names what it chose and why.
    bindReason: planBind(settings.server).reason,
    allInterfaces: listening.some((a) => ALL_INTERFACES.has(a.replace(/^\[?([^\]]*)\]?:\d+$/, '$1'))),
    ...(librechatSeenAt !== undefined ? { librechatSeenAt } : {}),
  };
}

/** Mounted under /admin by admin/index.ts. */
export function registerLibreChatRoutes(router: Router, deps: AdminDeps): void {
  router.get('/librechat', (_req, res) => {
    const { port, listening } = deps.server.info();
    res.json(libreChatSetup(deps.settings.get(), port, deps.requests.librechatSeenAt(), listening));
  });
}
