// Routing controls: aliases with what the current mode allows, the mode switch, breaker reset.
// Mode changes take effect on the next plan(); a request in flight keeps the plan it captured.
import type { Router } from 'express';
import { z } from 'zod';
import { GatewayError } from '../../core/errors.js';
import { aliasViews } from '../../routing/catalog.js';
import type { AliasView, Mode } from '../contract.js';
import type { AdminDeps } from '../deps.js';
import { parseBody } from '../validate.js';

const modeBody = z.object({ mode: z.enum(['local', 'cloud', 'auto']) });
const resetBody = z.object({ provider: z.string().min(1).optional() });

export function registerRoutingRoutes(router: Router, deps: AdminDeps): void {
  router.get('/aliases', (_req, res) => {
    const views: AliasView[] = aliasViews(deps.settings.get(), deps.providers);
    res.json(views);
  });

  router.put('/mode', (req, res) => {
    const { mode } = parseBody(modeBody, req);
    const next = deps.settings.update((draft) => {
      draft.mode = mode;
    });
    res.json({ mode: next.mode satisfies Mode });
  });

  router.post('/breakers/reset', (req, res) => {
    const { provider } = parseBody(resetBody, req);
    if (provider !== undefined && !deps.settings.get().providers.some((p) => p.id === provider)) {
      throw new GatewayError({ kind: 'not_found', status: 404, param: 'provider', message: `no provider '${provider}'` });
    }
    deps.breakers.reset(provider);
    res.json({ ok: true });
  });
}
