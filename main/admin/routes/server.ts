import type { Router } from 'express';
import { z } from 'zod';
import type { AdminDeps } from '../deps.js';
import { generateGatewayKey, maskKey } from '../../core/keys.js';
import { GatewayError } from '../../core/errors.js';
import { ListenError } from '../../server/security/listen.js';
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
    const before = deps.settings.get().server;
    deps.settings.update((draft) => {
      Object.assign(draft.server, input);
      // Letting containers in means non-loopback peers: they must present a key, so make sure there is one.
      if (draft.server.allowDocker && !draft.server.apiKey) draft.server.apiKey = generateGatewayKey();
    });
    // This connection may belong to a server the rebind closes: don't let the client reuse it.
    res.setHeader('connection', 'close');
    try {
      await deps.server.rebind();
    } catch (err) {
      // The gateway still listens where it did: the settings say so too, and the error says why.
      deps.settings.update((draft) => {
        draft.server = before;
      });
      if (!(err instanceof ListenError)) throw err;
      throw new GatewayError({ kind: 'unavailable', status: 409, code: err.code === 'EADDRINUSE' ? 'port_in_use' : 'listen_failed', message: err.message });
    }
    res.json(await buildStatus(deps));
  });

  // The plaintext key, only on this explicit POST (the window's Reveal / Copy key): GET views stay masked, so a
  // screenshot or a status dump never carries it. Admin routes are loopback-only and need the admin token.
  router.post('/server/key/reveal', (_req, res) => {
    const key = deps.settings.get().server.apiKey;
    if (!key) {
      throw new GatewayError({
        kind: 'not_found',
        status: 404,
        code: 'no_gateway_key',
        message: 'no gateway key is set: turn on "Allow Docker containers" or use Rotate key to create one',
      });
    }
    res.setHeader('cache-control', 'no-store');
    res.json({ key });
  });

  router.post('/server/rotate-key', (_req, res) => {
    const next = deps.settings.update((draft) => {
      draft.server.apiKey = generateGatewayKey();
    });
    res.json({ keyMasked: maskKey(next.server.apiKey) });
  });
}
