import type { Router } from 'express';
import { z } from 'zod';
import type { AdminDeps } from '../deps.js';
import { generateGatewayKey, maskKey } from '../../core/keys.js';
import { parseBody } from '../validate.js';
import { buildStatus } from './status.js';

const serverInput = z.object({
  allowDocker: z.boolean().optional(),
  port: z.number().int().min(1).max(65535).optional(),
  host: z.string().min(1).optional(),
});

export function registerServerRoutes(router: Router, deps: AdminDeps): void {
  router.put('/server', async (req, res) => {
    const input = parseBody(serverInput, req);
    deps.settings.update((draft) => {
      Object.assign(draft.server, input);
      // Letting containers in means non-loopback peers: they must present a key, so make sure there is one.
      if (draft.server.allowDocker && !draft.server.apiKey) draft.server.apiKey = generateGatewayKey();
    });
    // This connection may belong to a server the rebind closes: don't let the client reuse it.
    res.setHeader('connection', 'close');
    await deps.server.rebind();
    res.json(await buildStatus(deps));
  });

  router.post('/server/rotate-key', (_req, res) => {
    const next = deps.settings.update((draft) => {
      draft.server.apiKey = generateGatewayKey();
    });
    res.json({ keyMasked: maskKey(next.server.apiKey) });
  });
}
