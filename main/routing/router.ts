// The Router port (core/ports.ts) and the BreakerBoard (breaker.ts) in one object: plan() resolves the name,
// scores tiered aliases, filters by mode and adds the last-resort target; the rest is the fallback policy.
import { GatewayError } from '../core/errors.js';
import type { RoutePlan, RouteTarget, Router, Tier } from '../core/ports.js';
import type { Provider } from '../core/provider.js';
import type { ChatRequest, ModelInfo } from '../core/types.js';
import type { ProviderRegistry } from '../providers/registry.js';
import { firstChatNamed } from '../settings/model-names.js';
import { tierNames, type Settings } from '../settings/schema.js';
import { BreakerSet, isKeyProblem, type BreakerBoard } from './breaker.js';
import { aliasViews, concreteModels, effectiveAliases, modeAllows, splitTarget } from './catalog.js';
import { cannotEmbed, defaultEmbeddingModel, EmbeddingAbilities, noEmbeddingModel, sameModelTargets } from './embedding.js';
import { resolveModel } from './resolve.js';
import { retryDelayMs } from './retry.js';
import type { ScoredPlan } from './route-header.js';
import { scoreRequest } from './tier-scorer.js';
import type { AliasView } from './types.js';

/** The part of a pino logger the router uses. */
export interface RouterLogger {
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

export interface RouterDeps {
  settings: () => Settings;
  providers: ProviderRegistry;
  now?: () => number;
  random?: () => number;
  /** Key problems (401/403) and breaker transitions are logged here. */
  logger?: RouterLogger;
}

export interface ModelCatalog {
  /** Aliases first (the short, stable menu), each with its description. */
  aliases: { name: string; description: string; tiered: boolean }[];
  /** Then concrete `provider/model` names of enabled providers. */
  models: string[];
}

export interface GatewayRouter extends Router, BreakerBoard {
  plan(req: ChatRequest): ScoredPlan;
  /**
   * Fill the model list a provider reports (e.g. Ollama's /api/tags), so bare names resolve without I/O in plan();
   * with ModelInfo, what each model can do (embedding or chat) is learned too.
   */
  setDiscoveredModels(providerId: string, models: readonly (string | ModelInfo)[]): void;
  /** Ask every local provider for its models (short timeout; failures keep the previous list). */
  refreshDiscoveredModels(opts?: { timeoutMs?: number }): Promise<void>;
  /** For GET /v1/models. */
  catalog(): ModelCatalog;
  /** For GET /admin/aliases. */
  aliasViews(): AliasView[];
}

/** The tier's own target, else the nearest configured stronger tier, else the nearest weaker one. */
function tierTarget(tiers: Settings['tiers'], tier: Tier): string | undefined {
  const i = tierNames.indexOf(tier);
  const order = [...tierNames.slice(i), ...tierNames.slice(0, i).reverse()];
  for (const t of order) if (tiers[t]) return tiers[t];
  return undefined;
}

/** How to get out of "mode X has no provider": a target the mode allows, or the mode that allows the ones there are. */
function modeFix(mode: Settings['mode'], alias: string | undefined): string {
  const add = alias
    ? `add a ${mode} target to ${alias} (Routing page, or \`lynkr alias set ${alias} <provider/model> …\`)`
    : `use a ${mode} model`;
  return `To fix it, ${add}, or switch the mode to auto (\`lynkr mode auto\`).`;
}

function unavailable(message: string): GatewayError {
  return new GatewayError({ kind: 'unavailable', status: 503, code: 'no_provider_available', message });
}

/** What collect() made of a plan's labels. */
interface Found {
  targets: RouteTarget[];
  /** `label (why)` of targets that are down, disabled or outside the mode. */
  skipped: string[];
  /** `label: why` of targets that can't do what was asked (embeddings from a chat model). */
  refused: string[];
  modeFiltered: boolean;
}

/** The 503 of a plan left without targets, naming each one and why. */
function noTarget(s: Settings, what: string, alias: string | undefined, found: Found): GatewayError {
  const all = [...found.skipped, ...found.refused];
  const targets = all.length > 0 ? all.join(', ') : 'none configured';
  return unavailable(
    found.modeFiltered
      ? `mode ${s.mode} has no provider for ${what} (targets: ${targets}). ${modeFix(s.mode, alias)}`
      : `no provider is available for ${what} (targets: ${targets})`,
  );
}

export function createRouter(deps: RouterDeps): GatewayRouter {
  const now = deps.now ?? Date.now;
  const random = deps.random ?? Math.random;
  const discovered = new Map<string, string[]>();
  const abilities = new EmbeddingAbilities();
  const setDiscovered = (providerId: string, models: readonly (string | ModelInfo)[]): void => {
    discovered.set(providerId, models.map((m) => (typeof m === 'string' ? m : m.id)));
    abilities.note(providerId, models);
  };
  const breakers = new BreakerSet(() => {
    const f = deps.settings().fallback;
    return { threshold: f.breakerThreshold, cooldownMs: f.breakerCooldownMs };
  }, now);
  /**
   * First targets of plans whose every breaker was open: admit() lets each through as a half-open probe, so that
   * a request is never failed without one try (and the provider that is back is noticed by the next request).
   */
  const probeAnyway = new WeakSet<RouteTarget>();
  const allOpen = (targets: RouteTarget[]): boolean => {
    for (const t of targets) if (breakers.wouldAdmit(t.provider.id)) return false;
    return true;
  };

  /** FALLBACK_PROVIDER: `provider/model`, or `provider` alone meaning its first known chat model (not an embedder). */
  function lastResortLabel(s: Settings): string | undefined {
    const fp = s.fallback.provider?.trim();
    if (!fp) return undefined;
    if (splitTarget(fp)) return fp;
    const p = s.providers.find((x) => x.id === fp);
    // The discovered list is filtered only when the configured models name no chat model: this runs on every plan.
    const model =
      firstChatNamed(p?.models) ??
      firstChatNamed(discovered.get(fp)?.filter((m) => !abilities.embeds(fp, m))) ??
      (p?.kind === 'ollama' ? s.ollama.model : undefined);
    return model ? `${fp}/${model}` : undefined;
  }

  function plan(req: ChatRequest): ScoredPlan {
    const s = deps.settings();
    const resolution = resolveModel(req.model, s, discovered);
    const alias = resolution.alias;
    let labels = resolution.labels;
    const out: ScoredPlan = { targets: [] };
    if (alias) out.alias = alias.name;
    if (resolution.mappedFrom) out.mappedFrom = resolution.mappedFrom;

    if (alias?.tiered) {
      const scored = scoreRequest(req);
      out.tier = scored.tier;
      out.score = scored.score;
      out.reasons = scored.reasons;
      const t = tierTarget(s.tiers, scored.tier);
      labels = t ? [t, ...labels] : labels;
      // A tiered alias with no tiers and no targets of its own serves the default model's targets.
      if (labels.length === 0 && s.defaultModel !== alias.name && req.model.trim() !== '') {
        try {
          labels = resolveModel(s.defaultModel, s, discovered).labels;
        } catch {
          // A missing default is reported below as this alias having no target, not as a 404 for another name.
        }
      }
    }

    const found = collect(labels, s, { lastResort: true });
    out.targets = found.targets;
    if (out.targets.length === 0) throw noTarget(s, alias ? `alias ${alias.name}` : `model ${req.model.trim() || s.defaultModel}`, alias?.name, found);
    if (allOpen(out.targets)) probeAnyway.add(out.targets[0]);
    return out;
  }

  /**
   * The targets for `labels`, in order: those whose provider is enabled, running and allowed by the mode (and, for
   * embeddings, can embed). The last-resort fallback (FALLBACK_PROVIDER) is a chat model: chat plans only.
   */
  function collect(labels: readonly string[], s: Settings, opts: { lastResort: boolean; refusal?: (p: Provider, model: string) => string | undefined }): Found {
    const found: Found = { targets: [], skipped: [], refused: [], modeFiltered: false };
    const seen = new Set<string>();
    const consider = (label: string): void => {
      if (seen.has(label)) return;
      seen.add(label);
      const split = splitTarget(label);
      const cfg = split && s.providers.find((p) => p.id === split[0]);
      const provider = split && cfg?.enabled ? deps.providers.get(split[0]) : undefined;
      if (!split || !provider) {
        found.skipped.push(`${label} (${!cfg ? 'not configured' : cfg.enabled ? 'provider not running' : 'disabled'})`);
        return;
      }
      const refusal = opts.refusal?.(provider, split[1]);
      if (refusal) {
        found.refused.push(`${label}: ${refusal}`);
        return;
      }
      if (!modeAllows(s.mode, provider.locality)) {
        found.modeFiltered = true;
        found.skipped.push(`${label} (${provider.locality})`);
        return;
      }
      found.targets.push({ provider, upstreamModel: split[1], label });
    };
    for (const label of labels) consider(label);
    if (!s.fallback.enabled) found.targets.splice(1);
    else if (opts.lastResort) {
      const last = lastResortLabel(s);
      if (last) consider(last);
    }
    return found;
  }

  /**
   * An embeddings plan: the client's name ('' → the default embedding model) routed to targets that can embed and
   * serve the same model as the first of them.
   */
  function planEmbedding(model: string): RoutePlan {
    const s = deps.settings();
    const name = model.trim() || defaultEmbeddingModel(s);
    if (!name) throw noEmbeddingModel();
    const resolution = resolveModel(name, s, discovered);
    const alias = resolution.alias;
    // A tiered alias scores chat prompts; only its own targets may embed.
    const found = collect(resolution.labels, s, { lastResort: false, refusal: (p, m) => abilities.refusal(p, m) });
    // Fallback only to the same model: another model's vectors would be wrong, not merely different.
    const out: RoutePlan = { targets: sameModelTargets(found.targets) };
    if (alias) out.alias = alias.name;
    if (resolution.mappedFrom) out.mappedFrom = resolution.mappedFrom;
    if (out.targets.length === 0) {
      // Nothing that could embed is merely down or filtered out: the name itself is the client's mistake.
      if (found.skipped.length === 0) throw cannotEmbed(name, found.refused, abilities.known());
      throw noTarget(s, alias ? `alias ${alias.name}` : `model ${name}`, alias?.name, found);
    }
    if (allOpen(out.targets)) probeAnyway.add(out.targets[0]);
    return out;
  }

  return {
    plan,
    planEmbedding,
    admit(t: RouteTarget) {
      if (breakers.admit(t.provider.id)) return true;
      if (!probeAnyway.delete(t)) return false;
      breakers.probeNow(t.provider.id);
      return true;
    },
    retryDelayMs(t: RouteTarget, err: GatewayError, attempt: number) {
      if (breakers.isOpen(t.provider.id)) return null;
      const f = deps.settings().fallback;
      return retryDelayMs({ retries: f.retries, backoffMs: f.backoffMs }, err, attempt, random);
    },
    recordSuccess(t: RouteTarget) {
      const wasOpen = breakers.isOpen(t.provider.id);
      breakers.recordSuccess(t.provider.id);
      if (wasOpen) deps.logger?.info({ provider: t.provider.id }, 'circuit closed: the provider answered again');
    },
    recordFailure(t: RouteTarget, err: GatewayError) {
      const id = t.provider.id;
      const wasOpen = breakers.isOpen(id);
      breakers.recordFailure(id, err);
      const view = breakers.view(id);
      if (isKeyProblem(err)) deps.logger?.warn({ provider: id, target: t.label, status: err.upstreamStatus ?? err.status }, view.lastError ?? 'key problem');
      if (!wasOpen && view.state !== 'closed') {
        deps.logger?.warn({ provider: id, failures: view.consecutiveFailures, retryAt: view.retryAt, lastError: view.lastError }, 'circuit open: skipping the provider');
      }
    },
    view: (id: string) => breakers.view(id),
    reset: (id?: string) => breakers.reset(id),
    setDiscoveredModels: setDiscovered,
    async refreshDiscoveredModels(opts = {}) {
      const local = deps.providers.all().filter((p) => p.locality === 'local');
      await Promise.all(
        local.map(async (p) => {
          try {
            const signal = AbortSignal.timeout(opts.timeoutMs ?? 2_000);
            const models = await p.listModels({ signal, requestId: 'model-discovery' });
            setDiscovered(p.id, models);
          } catch {
            // Keep the previous list: a provider that is down now may be back by the next refresh.
          }
        }),
      );
    },
    catalog() {
      const s = deps.settings();
      return {
        aliases: effectiveAliases(s).map((a) => ({ name: a.name, description: a.description, tiered: a.tiered })),
        models: concreteModels(s, discovered),
      };
    },
    aliasViews: () => aliasViews(deps.settings(), deps.providers),
  };
}
