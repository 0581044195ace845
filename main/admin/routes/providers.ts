import type { Router } from 'express';
import { z } from 'zod';
import { GatewayError } from '../../core/errors.js';
import { kindView } from '../../providers/kinds/definition.js';
import { kindNames, localityOf, providerKinds } from '../../providers/kinds/index.js';
import type { ProviderSettings } from '../../settings/schema.js';
import type { BreakerView, ProviderTestResult, ProviderView } from '../contract.js';
import { scrub } from '../../observability/secrets.js';
import type { AdminDeps } from '../deps.js';
import { maskKey, maskUrlCredentials } from '../../core/keys.js';
import { parseBody } from '../validate.js';
import { providerHealth, reachabilityById, type Reachability } from '../../routing/health.js';

const providerInput = z.object({
  id: z.string(),
  kind: z.enum(kindNames),
  enabled: z.boolean().optional(),
  baseUrl: z.url().optional().or(z.literal('').transform(() => undefined)),
  apiKey: z.string().optional(),
  models: z.array(z.string().min(1)).optional(),
  local: z.boolean().optional(),
  region: z.string().optional(),
  apiVersion: z.string().optional(),
  deployment: z.string().optional(),
});

/** `providers[openai].apiKey → OPENAI_API_KEY` in deps.pinned becomes `{apiKey: 'OPENAI_API_KEY'}` for openai. */
function setAtStart(pinned: Readonly<Record<string, string>>, id: string): Record<string, string> | undefined {
  const prefix = `providers[${id}].`;
  const fields = Object.entries(pinned).filter(([path]) => path.startsWith(prefix));
  return fields.length ? Object.fromEntries(fields.map(([path, by]) => [path.slice(prefix.length), by])) : undefined;
}

/** A breaker's last error is an upstream's text, which may echo a credential. */
function scrubbedBreaker(view: BreakerView): BreakerView {
  return view.lastError ? { ...view, lastError: scrub(view.lastError) } : view;
}

/** `reach`: what probes found (local providers); the health of a provider not probed comes from its breaker. */
export function providerViews(deps: AdminDeps, reach?: ReadonlyMap<string, Reachability>): ProviderView[] {
  return deps.settings.get().providers.map((p) => {
    const live = deps.providers.get(p.id);
    const breaker = scrubbedBreaker(deps.breakers.view(p.id));
    return {
      id: p.id,
      kind: p.kind,
      enabled: p.enabled,
      locality: live?.locality ?? localityOf(p.kind, p.local),
      baseUrl: maskUrlCredentials(p.baseUrl),
      apiKeyMasked: maskKey(p.apiKey),
      headerNames: Object.keys(p.headers),
      models: p.models,
      local: p.local,
      region: p.region,
      apiVersion: p.apiVersion,
      deployment: p.deployment,
      breaker,
      health: providerHealth(p.enabled, breaker, reach?.get(p.id)),
      setAtStart: setAtStart(deps.pinned, p.id),
    };
  });
}

const notFound = (id: string): GatewayError => new GatewayError({ kind: 'not_found', status: 404, message: `no provider "${id}"` });

/** The same for every request: the kinds list does not change while the gateway runs. */
const kindViews = providerKinds.map(kindView);

export function registerProviderRoutes(router: Router, deps: AdminDeps): void {
  router.get('/provider-kinds', (_req, res) => {
    res.json(kindViews);
  });

  router.get('/providers', async (_req, res) => {
    res.json(providerViews(deps, reachabilityById((await deps.probeLocal?.()) ?? [])));
  });

  router.post('/providers', (req, res) => {
    const input = parseBody(providerInput, req);
    deps.settings.update((draft) => {
      if (draft.providers.some((p) => p.id === input.id)) {
        throw new GatewayError({ kind: 'invalid_request', status: 409, param: 'id', message: `provider "${input.id}" already exists` });
      }
      draft.providers.push({ enabled: true, models: [], headers: {}, maxConcurrent: 64, ...input } as ProviderSettings);
    });
    res.status(201).json(providerViews(deps).find((p) => p.id === input.id));
  });

  router.put('/providers/:id', (req, res) => {
    const input = parseBody(providerInput.partial(), req);
    deps.settings.update((draft) => {
      const current = draft.providers.find((p) => p.id === req.params.id);
      if (!current) throw notFound(req.params.id);
      // An omitted or empty key keeps the stored one: keys are replaced, never read back. The same holds for a base
      // URL sent back as the masked form this API showed (its credentials are never read back either).
      const { apiKey, ...rest } = input;
      if (rest.baseUrl !== undefined && rest.baseUrl === maskUrlCredentials(current.baseUrl)) delete rest.baseUrl;
      Object.assign(current, rest, apiKey ? { apiKey } : {});
    });
    res.json(providerViews(deps).find((p) => p.id === (input.id ?? req.params.id)));
  });

  router.delete('/providers/:id', (req, res) => {
    deps.settings.update((draft) => {
      const before = draft.providers.length;
      draft.providers = draft.providers.filter((p) => p.id !== req.params.id);
      if (draft.providers.length === before) throw notFound(req.params.id);
    });
    res.json({ ok: true });
  });

  router.post('/providers/:id/test', async (req, res) => {
    const provider = deps.providers.get(req.params.id);
    if (!provider) throw notFound(req.params.id);
    const started = performance.now();
    let result: ProviderTestResult;
    try {
      const models = await provider.listModels({ signal: AbortSignal.timeout(8_000), requestId: 'admin-test' });
      result = { ok: true, latencyMs: performance.now() - started, models: models.map((m) => m.id) };
    } catch (e) {
      result = { ok: false, latencyMs: performance.now() - started, error: e instanceof Error ? e.message : String(e) };
    }
    res.json(result);
  });
}
