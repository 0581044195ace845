// Read-only routing lookups for the Routing page and the CLI: where a name would go (the router's own plan(),
// nothing sent upstream), every provider's chat models for the target pickers, and which aliases a mode would
// leave without a target.
import type { Router } from 'express';
import { z } from 'zod';
import { GatewayError } from '../../core/errors.js';
import { scrub } from '../../observability/secrets.js';
import type { ModelCatalog } from '../../pipeline/catalog.js';
import { canonicalModelName, localityOf } from '../../routing/catalog.js';
import { globMatch } from '../../routing/glob.js';
import { discoveredFrom, unroutedAliases } from '../../routing/mode-check.js';
import type { GatewayRouter } from '../../routing/router.js';
import type { Mode, ModeCheck, ProviderModels, RouteResolution, UnroutedAlias } from '../contract.js';
import type { AdminDeps } from '../deps.js';

export interface RoutingLive {
  router: GatewayRouter;
  catalog: ModelCatalog;
}

const modeQuery = z.object({ mode: z.enum(['local', 'cloud', 'auto']) });
const resolveQuery = z.object({ model: z.string().max(500) });

function parseQuery<S extends z.ZodType>(schema: S, query: unknown): z.infer<S> {
  const r = schema.safeParse(query);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const param = issue.path.map(String).join('.');
  throw new GatewayError({ kind: 'invalid_request', status: 400, param, message: `${param}: ${issue.message}` });
}

export function unroutedFor(deps: AdminDeps, live: RoutingLive, mode: Mode): UnroutedAlias[] {
  return unroutedAliases(deps.settings.get(), deps.providers, mode, discoveredFrom(live.router.catalog().models));
}

export function resolveRoute(live: RoutingLive, deps: AdminDeps, model: string): RouteResolution {
  const s = deps.settings.get();
  try {
    const plan = live.router.plan({ model, messages: [], stream: false });
    const pattern = plan.mappedFrom ? s.modelMap.find((m) => globMatch(m.pattern, model.trim()))?.pattern : undefined;
    return {
      model,
      alias: plan.alias,
      pattern,
      tier: plan.tier,
      targets: plan.targets.map((t) => ({ label: t.label, provider: t.provider.id, model: t.upstreamModel, locality: t.provider.locality })),
    };
  } catch (e) {
    if (!(e instanceof GatewayError)) throw e;
    return { model, targets: [], error: { status: e.status, message: e.message } };
  }
}

/** Configured models first, then discovered ones not already listed (Ollama's `x` is `x:latest`), embedders left out. */
async function providerModels(deps: AdminDeps, live: RoutingLive, refresh: boolean): Promise<ProviderModels[]> {
  const s = deps.settings.get();
  return Promise.all(
    s.providers.map(async (p): Promise<ProviderModels> => {
      const locality = localityOf(s, deps.providers, p.id) ?? 'cloud';
      const base = { provider: p.id, kind: p.kind, locality, enabled: p.enabled };
      const instance = p.enabled ? deps.providers.get(p.id) : undefined;
      if (!instance) return { ...base, models: [...p.models] };
      const probe = await live.catalog.probe(instance, refresh);
      const embedding = new Set(probe.embeddingModels);
      const seen = new Set<string>();
      const models: string[] = [];
      for (const m of [...p.models, ...probe.models.filter((x) => !embedding.has(x))]) {
        const key = canonicalModelName(p.kind, m);
        if (seen.has(key)) continue;
        seen.add(key);
        models.push(m);
      }
      return { ...base, reachable: probe.reachable, models, error: probe.error && scrub(probe.error) };
    }),
  );
}

export function registerRoutingLookups(router: Router, deps: AdminDeps, live: RoutingLive): void {
  router.get('/resolve', (req, res) => {
    const { model } = parseQuery(resolveQuery, req.query);
    res.json(resolveRoute(live, deps, model) satisfies RouteResolution);
  });

  router.get('/models', async (req, res) => {
    res.json(await providerModels(deps, live, req.query.refresh === '1'));
  });

  router.get('/mode/check', (req, res) => {
    const { mode } = parseQuery(modeQuery, req.query);
    res.json({ mode, unrouted: unroutedFor(deps, live, mode) } satisfies ModeCheck);
  });
}
