// The admin API's JSON shapes: the one control API that the renderer, the CLI and scripts use.
// Every route is under /admin, loopback-only, and needs `Authorization: Bearer <admin token>`.
// Types only: the renderer imports this file as types, never at run time.
//
//   GET    /admin/status                     → StatusResponse
//   PUT    /admin/mode          {mode}       → ModeResponse {mode, pinnedBy?, unrouted}
//   GET    /admin/aliases                    → AliasView[]
//   PUT    /admin/aliases/:name {targets?, description?, tiered?} → AliasView (creates or edits)
//   DELETE /admin/aliases/:name              → {ok:true}
//   POST   /admin/aliases/:name/rename {name} → AliasView (model-map entries and defaultModel follow; 409 if taken)
//   GET    /admin/routing                    → RoutingView (mode, tier targets, fallback, model map, default model)
//   PUT    /admin/routing/tiers {SIMPLE?,MEDIUM?,COMPLEX?,REASONING?} → RoutingView (the whole set; '' or absent = unset)
//   PUT    /admin/routing/model-map {modelMap} → RoutingView (the whole list, first match wins)
//   PUT    /admin/routing/fallback FallbackInput → RoutingView
//   PUT    /admin/routing/default-model {defaultModel} → RoutingView
//   GET    /admin/resolve?model=NAME         → RouteResolution (where a request for NAME would go; sends nothing)
//   GET    /admin/models?refresh=1           → ProviderModels[] (every provider's chat models, for target pickers)
//   GET    /admin/mode/check?mode=cloud      → ModeCheck (aliases the mode would leave without a target)
//   GET    /admin/provider-kinds             → ProviderKindView[]      (what the add/edit form asks, per kind)
//   GET    /admin/providers                  → ProviderView[]          (keys masked, never plaintext)
//   POST   /admin/providers     ProviderInput → ProviderView
//   PUT    /admin/providers/:id ProviderInput → ProviderView            (apiKey omitted = keep the old one)
//   DELETE /admin/providers/:id              → {ok:true}
//   POST   /admin/providers/:id/test         → ProviderTestResult
//   POST   /admin/breakers/reset {provider?} → {ok:true}
//   GET    /admin/cache/stats                → CacheStats
//   POST   /admin/cache/clear    {alias?}    → {removed:number}
//   PUT    /admin/cache/threshold {threshold}→ {threshold}
//   GET    /admin/cache/settings             → CacheSettingsView (switches, exact policy, embedder and the choices)
//   PUT    /admin/cache/settings CacheSettingsInput → CacheSettingsView (saved to the settings file, applied live)
//   GET    /admin/logs?limit&before&q        → {rows: RequestRecord[]}
//   GET    /admin/logs/stream                → SSE, one `data: RequestRecord` per finished request
//   GET    /admin/traffic                    → TrafficSeries (per-minute buckets for the charts)
//   GET    /admin/ollama                     → OllamaStatus
//   POST   /admin/ollama/start               → OllamaStatus
//   POST   /admin/ollama/pull   {model}      → SSE of PullProgress; closing the connection cancels
//   GET    /admin/librechat                  → LibreChatSetup
//   PUT    /admin/server        {allowDocker?, port?, host?} → StatusResponse (the gateway rebinds; 409 port_in_use/listen_failed leaves it as it was)
//   POST   /admin/server/rotate-key          → {keyMasked}
//   POST   /admin/server/key/reveal          → {key} (the plaintext inbound key, only here; 404 no_gateway_key when none)
//
// The shapes that a lower module produces live with it (types flow down: nothing below admin/ imports from here);
// they are re-exported so that the window and the CLI keep one place to import from.
import type { CacheHealth, CacheStats, EmbedderHealth } from '../cache/types.js';
import type { RequestRecord } from '../core/ports.js';
import type { TrafficBucket, TrafficSeries } from '../observability/traffic.js';
import type { OllamaStatus, PullProgress } from '../ollama/types.js';
import type { FormField, ProviderKindView } from '../providers/kinds/definition.js';
import type { AliasView, BreakerView, MissingModel, Mode, ProviderHealth, UnroutedAlias } from '../routing/types.js';

export interface ProviderView {
  id: string;
  kind: string;
  enabled: boolean;
  locality: 'local' | 'cloud';
  baseUrl?: string;
  /** e.g. `sk-…abcd`; absent when no key is set. */
  apiKeyMasked?: string;
  /** Names of the extra headers sent upstream; their values are secrets and never leave the gateway. */
  headerNames?: string[];
  models: string[];
  /** Set when the user overrode the kind's locality. */
  local?: boolean;
  region?: string;
  apiVersion?: string;
  deployment?: string;
  breaker: BreakerView;
  /** Up, down or cooling down, from reachability and the breaker (routing/health.ts): the words every view uses. */
  health?: ProviderHealth;
  /** Fields an env variable or flag sets at every start (`{apiKey: 'OPENAI_API_KEY'}`): edits last until restart. */
  setAtStart?: Record<string, string>;
}

export interface ProviderInput {
  id: string;
  kind: string;
  enabled?: boolean;
  baseUrl?: string;
  apiKey?: string;
  models?: string[];
  local?: boolean;
  region?: string;
  apiVersion?: string;
  deployment?: string;
}

export interface ProviderTestResult {
  ok: boolean;
  latencyMs: number;
  models?: string[];
  /** The exact error, secrets removed. */
  error?: string;
}

export type TierName = 'SIMPLE' | 'MEDIUM' | 'COMPLEX' | 'REASONING';

export interface FallbackView {
  enabled: boolean;
  /** A last-resort target tried after an alias's own (`provider` or `provider/model`). */
  provider?: string;
  /** Retries of the same target before moving on (0-5). */
  retries: number;
  backoffMs: number;
  /** Consecutive upstream faults that open a provider's breaker. */
  breakerThreshold: number;
  /** How long an open breaker skips its provider before one probe. */
  breakerCooldownMs: number;
}

/** PUT /admin/routing/fallback: fields left out keep their value; `provider: null` or '' removes the last resort. */
export type FallbackInput = Partial<Omit<FallbackView, 'provider'>> & { provider?: string | null };

export interface RoutingView {
  mode: Mode;
  tiers: Partial<Record<TierName, string>>;
  fallback: FallbackView;
  modelMap: { pattern: string; alias: string }[];
  /** Used when a request names no model: an alias or a `provider/model`. */
  defaultModel: string;
}

/** GET /admin/resolve: the route a request for `model` would take now, in the current mode. */
export interface RouteResolution {
  model: string;
  alias?: string;
  /** The model-map pattern that sent the name to its alias or model. */
  pattern?: string;
  /** For a tiered alias: the tier a short prompt gets (real requests are scored one by one). */
  tier?: TierName;
  /** Tried in this order (fallback included), after the mode filter. */
  targets: { label: string; provider: string; model: string; locality: 'local' | 'cloud' }[];
  /** What the request would get instead: 404 unknown name, 503 no target in this mode. */
  error?: { status: number; message: string };
}

/** GET /admin/models: one provider's chat models, configured and discovered. */
export interface ProviderModels {
  provider: string;
  kind: string;
  locality: 'local' | 'cloud';
  enabled: boolean;
  /** Whether the provider answered its model list just now (undefined: not asked, e.g. disabled). */
  reachable?: boolean;
  /** Chat models, configured first; embedding-only models are left out. */
  models: string[];
  error?: string;
}

export interface ModeCheck {
  mode: Mode;
  unrouted: UnroutedAlias[];
}

export interface StatusResponse {
  service: 'lynkr-desktop';
  version: string;
  /** e.g. http://localhost:8081/v1 */
  baseUrl: string;
  dockerBaseUrl: string;
  port: number;
  listening: string[];
  mode: Mode;
  allowDocker: boolean;
  /** Inbound key for non-loopback clients, masked. */
  gatewayKeyMasked?: string;
  uptimeMs: number;
  requestsToday: number;
  providers: ProviderView[];
  ollama: OllamaStatus;
  /** The cache's health (CacheHealth); `embedder` is absent only from gateways older than the auto embedder. */
  cache: Omit<CacheHealth, 'embedder'> & { embedder?: EmbedderHealth };
  /** Epoch ms of the first request with a LibreChat user agent, if any. */
  librechatSeenAt?: number;
  /** Warnings to show in the window (e.g. no OS secret store). */
  warnings: string[];
  /**
   * Settings that an environment variable or a CLI flag set at start (setting path → its name, e.g.
   * `{mode: 'LYNKR_MODE'}`). They win over the saved settings at every start, so a change made here lasts only
   * until the gateway restarts. Names only, never values.
   */
  pinned: Record<string, string>;
  /** For each mode other than the current one, the aliases it would leave without a target (the tray's warning). */
  unroutedByMode?: Partial<Record<Mode, string[]>>;
  /** Models the routes name that the running Ollama does not have (each with its `ollama pull`). */
  missingModels?: MissingModel[];
  /** The Ollama model the default aliases use, and who chose it (installed: picked from Ollama's models at start). */
  ollamaModel?: { name: string; chosenBy: 'user' | 'installed' | 'default' };
}

export interface ModeResponse {
  mode: Mode;
  /** The variable or flag that sets the mode at start, when one does (see StatusResponse.pinned). */
  pinnedBy?: string;
  /** Aliases the new mode leaves without a target (their requests get 503 until one is added). */
  unrouted?: UnroutedAlias[];
}

/** What the semantic cache can embed with: the settings' `cache.semantic.embedder` plus a model or provider. */
export type EmbedderKind = 'auto' | 'builtin' | 'ollama' | 'openai';

export interface EmbedderChoice {
  embedder: EmbedderKind;
  model?: string;
  provider?: string;
  /** e.g. `Built-in (word vectors + n-grams)`, `Ollama · nomic-embed-text`. */
  label: string;
}

export interface EmbedderOption extends EmbedderChoice {
  /** False for an Ollama model that is not pulled yet (the window offers Pull). */
  installed: boolean;
}

export interface CacheSettingsView {
  exactEnabled: boolean;
  /** Which requests the exact cache answers (settings `cache.exact.policy`). */
  exactPolicy: 'deterministic' | 'always' | 'off';
  semanticEnabled: boolean;
  threshold: number;
  /** The configured embedder, readable. */
  embedder: EmbedderChoice;
  /**
   * The embedder the cache uses right now: for `auto`, the one it picked (an Ollama model or the built-in), or id
   * `auto` with a "Choosing…" label until it has looked (it looks again every few minutes).
   */
  inUse: { id: string; label: string };
  /** Built-in, every installed Ollama embedding model (plus nomic-embed-text to pull), OpenAI-style providers. */
  options: EmbedderOption[];
}

/** PUT /admin/cache/settings: fields left out keep their value. */
export interface CacheSettingsInput {
  semanticEnabled?: boolean;
  exactPolicy?: CacheSettingsView['exactPolicy'];
  embedder?: EmbedderKind;
  /** null: the kind's default model. */
  embedderModel?: string | null;
  embedderProvider?: string | null;
}

export interface LibreChatSetup {
  baseUrl: string;
  dockerBaseUrl: string;
  yaml: string;
  composeOverride: string;
  allowDocker: boolean;
  librechatSeenAt?: number;
  /** Where the gateway listens now (`127.0.0.1:8081`, `0.0.0.0:8081`…). */
  listening?: string[];
  /** Why it listens there (server/security/bind-policy.ts), e.g. no docker0 bridge, so 0.0.0.0. */
  bindReason?: string;
  /** It listens on every interface: other machines on the network can reach it (with the gateway key). */
  allInterfaces?: boolean;
}

export type {
  AliasView,
  BreakerView,
  CacheHealth,
  CacheStats,
  EmbedderHealth,
  FormField,
  MissingModel,
  Mode,
  OllamaStatus,
  ProviderHealth,
  ProviderKindView,
  PullProgress,
  RequestRecord,
  TrafficBucket,
  TrafficSeries,
  UnroutedAlias,
};
