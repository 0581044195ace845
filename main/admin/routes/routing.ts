// Routing controls: aliases with what the current mode allows, the mode switch, breaker reset.
// Mode changes take effect on the next plan(); a request in flight keeps the plan it captured.
import type { Router } from 'express';
import { z } from 'zod';
import { GatewayError } from '../../core/errors.js';
import { aliasViews } from '../../routing/catalog.js';
import { aliasSchema } from '../../settings/schema.js';
import type { AliasView, ModeResponse, RoutingView } from '../contract.js';
import type { AdminDeps } from '../deps.js';
import { parseBody } from '../validate.js';

const modeBody = z.object({ mode: z.enum(['local', 'cloud', 'auto']) });
const resetBody = z.object({ provider: z.string().min(1).optional() });
const aliasBody = aliasSchema.partial();

export function registerRoutingRoutes(router: Router, deps: AdminDeps): void {
  router.get('/aliases', (_req, res) => {
    const views: AliasView[] = aliasViews(deps.settings.get(), deps.providers);
    res.json(views);
  });

  // Creates or edits an alias; targets are validated as `provider/model` by the settings schema.
  router.put('/aliases/:name', (req, res) => {
    const input = parseBody(aliasBody, req);
    const name = req.params.name;
    deps.settings.update((draft) => {
      const existing = Object.hasOwn(draft.aliases, name) ? draft.aliases[name] : { description: '', targets: [], tiered: false };
      draft.aliases[name] = { ...existing, ...input };
    });
    res.json(aliasViews(deps.settings.get(), deps.providers).find((a) => a.name === name));
  });

  router.delete('/aliases/:name', (req, res) => {
    deps.settings.update((draft) => {
      if (!Object.hasOwn(draft.aliases, req.params.name)) {
        throw new GatewayError({ kind: 'not_found', status: 404, message: `no alias '${req.params.name}'` });
      }
      delete draft.aliases[req.params.name];
    });
    res.json({ ok: true });
  });

  router.get('/routing', (_req, res) => {
    const s = deps.settings.get();
    const view: RoutingView = {
      mode: s.mode,
      tiers: s.tiers,
      fallback: { enabled: s.fallback.enabled, provider: s.fallback.provider, retries: s.fallback.retries },
      modelMap: s.modelMap,
    };
    res.json(view);
  });

  router.put('/mode', (req, res) => {
    const { mode } = parseBody(modeBody, req);
    const next = deps.settings.update((draft) => {
      draft.mode = mode;
    });
    const body: ModeResponse = { mode: next.mode, pinnedBy: deps.pinned.mode };
    res.json(body);
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
