// Routing controls: aliases (create, edit, rename, delete), tiers, the model map, fallback settings, the default
// model and the mode switch. Every change is saved through the settings store and applies to the next plan();
// a request in flight keeps the plan it captured. Lookups (resolve, models, mode check) are in routing-lookup.ts.
import type { Router } from 'express';
import { z } from 'zod';
import { GatewayError } from '../../core/errors.js';
import { AUTO_ALIAS, aliasViews, findAlias, splitTarget } from '../../routing/catalog.js';
import { noteAliasCreated, noteAliasRemoved, noteModelMapChange } from '../../settings/defaults.js';
import { aliasSchema, tierNames, type Settings } from '../../settings/schema.js';
import type { AliasView, ModeResponse, RoutingView } from '../contract.js';
import type { AdminDeps } from '../deps.js';
import type { RouteRegistrar } from '../index.js';
import { parseBody } from '../validate.js';
import { registerRoutingLookups, unroutedFor, type RoutingLive } from './routing-lookup.js';

const modeBody = z.object({ mode: z.enum(['local', 'cloud', 'auto']) });
const resetBody = z.object({ provider: z.string().min(1).optional() });
const aliasBody = aliasSchema.partial().strict();
/** Alias names are what clients type as `model`: no slash (that is `provider/model`), no spaces. */
const aliasName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/, 'letters, digits, ".", "_", ":" or "-" (no "/" or spaces), at most 64');
const renameBody = z.object({ name: aliasName }).strict();
const tiersBody = z.object(Object.fromEntries(tierNames.map((t) => [t, z.string().trim().optional()]))).strict();
const modelMapBody = z
  .object({ modelMap: z.array(z.object({ pattern: z.string().trim().min(1).max(200), alias: z.string().trim().min(1) }).strict()).max(500) })
  .strict();
const fallbackBody = z
  .object({
    enabled: z.boolean().optional(),
    provider: z.string().trim().nullable().optional(),
    retries: z.number().int().min(0).max(5).optional(),
    backoffMs: z.number().int().min(0).max(60_000).optional(),
    breakerThreshold: z.number().int().min(1).max(1000).optional(),
    breakerCooldownMs: z.number().int().min(1000).max(3_600_000).optional(),
  })
  .strict();
const defaultModelBody = z.object({ defaultModel: z.string().trim().min(1) }).strict();

const invalid = (param: string, message: string): GatewayError =>
  new GatewayError({ kind: 'invalid_request', status: 400, param, message: `${param}: ${message}` });
/** 404 for an unknown alias; 409 for `auto`, which always exists (it is the tier router). */
const noAlias = (name: string): GatewayError =>
  name === AUTO_ALIAS
    ? new GatewayError({ kind: 'invalid_request', status: 409, param: 'name', message: `'${AUTO_ALIAS}' is built in: edit its tiers and targets instead` })
    : new GatewayError({ kind: 'not_found', status: 404, message: `no alias '${name}'` });

/** A target must name a configured provider: a typo would otherwise be skipped silently at every request. */
function checkTarget(s: Settings, label: string, param: string): void {
  const split = splitTarget(label);
  if (!split) throw invalid(param, `'${label}' is not "provider/model"`);
  if (!s.providers.some((p) => p.id === split[0])) throw invalid(param, `no provider '${split[0]}' (add it on the Providers page first)`);
}

/** What a map entry or the default model may name: an alias, or a `provider/model` of a configured provider. */
function checkRouteName(s: Settings, name: string, param: string): void {
  if (findAlias(s, name)) return;
  if (!splitTarget(name)) throw invalid(param, `no alias '${name}' (name an alias, or a "provider/model")`);
  checkTarget(s, name, param);
}

export function routingView(s: Settings): RoutingView {
  const { enabled, provider, retries, backoffMs, breakerThreshold, breakerCooldownMs } = s.fallback;
  return {
    mode: s.mode,
    tiers: s.tiers,
    fallback: { enabled, provider, retries, backoffMs, breakerThreshold, breakerCooldownMs },
    modelMap: s.modelMap,
    defaultModel: s.defaultModel,
  };
}

/** The routing routes need the live router (resolve, discovered models) and the model catalog. */
export function routingRoutes(live: RoutingLive): RouteRegistrar {
  return (router, deps) => {
    registerAliasRoutes(router, deps);
    registerSettingsRoutes(router, deps);
    registerRoutingLookups(router, deps, live);
    registerModeRoutes(router, deps, live);
  };
}

function registerAliasRoutes(router: Router, deps: AdminDeps): void {
  const views = (): AliasView[] => {
    const s = deps.settings.get();
    return aliasViews(s, deps.providers).map((v) => ({ ...v, ownTargets: findAlias(s, v.name)?.targets ?? [] }));
  };
  const viewOf = (name: string): AliasView | undefined => views().find((a) => a.name === name);

  router.get('/aliases', (_req, res) => {
    res.json(views());
  });

  // Creates or edits an alias. A new alias's name is checked; an existing one keeps the name it has.
  router.put('/aliases/:name', (req, res) => {
    const input = parseBody(aliasBody, req);
    const name = req.params.name;
    deps.settings.update((draft) => {
      const exists = Object.hasOwn(draft.aliases, name);
      if (!exists && !aliasName.safeParse(name).success) throw invalid('name', aliasName.safeParse(name).error?.issues[0].message ?? 'invalid');
      input.targets?.forEach((t, i) => checkTarget(draft, t, `targets.${i}`));
      const existing = exists ? draft.aliases[name] : { description: '', targets: [], tiered: name === AUTO_ALIAS };
      draft.aliases[name] = { ...existing, ...input };
      if (!exists) noteAliasCreated(draft, name);
    });
    res.json(viewOf(name));
  });

  // Renaming moves what points at the alias: model-map entries and the default model.
  router.post('/aliases/:name/rename', (req, res) => {
    const from = req.params.name;
    const { name: to } = parseBody(renameBody, req);
    deps.settings.update((draft) => {
      if (from === AUTO_ALIAS || !Object.hasOwn(draft.aliases, from)) throw noAlias(from);
      if (to === from) return;
      if (Object.hasOwn(draft.aliases, to) || to === AUTO_ALIAS) {
        throw new GatewayError({ kind: 'invalid_request', status: 409, param: 'name', message: `name: an alias '${to}' already exists` });
      }
      // Rebuilt in order, so the renamed alias keeps its place in lists.
      draft.aliases = Object.fromEntries(Object.entries(draft.aliases).map(([k, v]) => [k === from ? to : k, v]));
      draft.modelMap = draft.modelMap.map((m) => (m.alias === from ? { ...m, alias: to } : m));
      if (draft.defaultModel === from) draft.defaultModel = to;
      // A renamed default alias must not come back under its old name at the next start.
      noteAliasRemoved(draft, from);
      noteAliasCreated(draft, to);
    });
    res.json(viewOf(to));
  });

  // Deleting also removes the model-map entries that sent names to it; the default model must move first.
  router.delete('/aliases/:name', (req, res) => {
    const name = req.params.name;
    let removedMapEntries = 0;
    deps.settings.update((draft) => {
      if (name === AUTO_ALIAS || !Object.hasOwn(draft.aliases, name)) throw noAlias(name);
      if (draft.defaultModel === name) {
        throw new GatewayError({
          kind: 'invalid_request',
          status: 409,
          param: 'defaultModel',
          message: `'${name}' is the default model (used when a request names none); choose another default model first`,
        });
      }
      delete draft.aliases[name];
      const before = draft.modelMap;
      draft.modelMap = before.filter((m) => m.alias !== name);
      removedMapEntries = before.length - draft.modelMap.length;
      // Deleted defaults (the alias, and the built-in patterns that named it) stay deleted across restarts.
      noteAliasRemoved(draft, name);
      noteModelMapChange(draft, before);
    });
    res.json({ ok: true, removedMapEntries });
  });
}

function registerSettingsRoutes(router: Router, deps: AdminDeps): void {
  router.get('/routing', (_req, res) => {
    res.json(routingView(deps.settings.get()));
  });

  router.put('/routing/tiers', (req, res) => {
    const input = parseBody(tiersBody, req) as Record<string, string | undefined>;
    const next = deps.settings.update((draft) => {
      const tiers: Settings['tiers'] = {};
      for (const t of tierNames) {
        const label = input[t];
        if (!label) continue;
        checkTarget(draft, label, t);
        tiers[t] = label;
      }
      draft.tiers = tiers;
    });
    res.json(routingView(next));
  });

  router.put('/routing/model-map', (req, res) => {
    const { modelMap } = parseBody(modelMapBody, req);
    const next = deps.settings.update((draft) => {
      modelMap.forEach((m, i) => checkRouteName(draft, m.alias, `modelMap.${i}.alias`));
      const before = draft.modelMap;
      draft.modelMap = modelMap;
      noteModelMapChange(draft, before);
    });
    res.json(routingView(next));
  });

  router.put('/routing/fallback', (req, res) => {
    const { provider, ...rest } = parseBody(fallbackBody, req);
    const next = deps.settings.update((draft) => {
      Object.assign(draft.fallback, Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)));
      if (provider === null || provider === '') delete draft.fallback.provider;
      else if (provider !== undefined) {
        const id = splitTarget(provider)?.[0] ?? provider;
        if (!draft.providers.some((p) => p.id === id)) throw invalid('provider', `no provider '${id}'`);
        draft.fallback.provider = provider;
      }
    });
    res.json(routingView(next));
  });

  router.put('/routing/default-model', (req, res) => {
    const { defaultModel } = parseBody(defaultModelBody, req);
    const next = deps.settings.update((draft) => {
      checkRouteName(draft, defaultModel, 'defaultModel');
      draft.defaultModel = defaultModel;
    });
    res.json(routingView(next));
  });
}

function registerModeRoutes(router: Router, deps: AdminDeps, live: RoutingLive): void {
  // The switch always happens (the caller asked for it, and has warned the user with /mode/check); the answer
  // names the aliases it left without a target.
  router.put('/mode', (req, res) => {
    const { mode } = parseBody(modeBody, req);
    const next = deps.settings.update((draft) => {
      draft.mode = mode;
    });
    const body: ModeResponse = { mode: next.mode, pinnedBy: deps.pinned.mode, unrouted: unroutedFor(deps, live, mode) };
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
