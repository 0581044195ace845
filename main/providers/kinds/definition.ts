// What one provider kind is, whole: its name and label, default base URL, locality, Lynkr's `.env` names, what the
// window's form asks, and how an instance is built. Each file beside this one exports one definition; index.ts
// lists them, and the settings schema, catalog, env names, factories and the window's form derive from that list.
import { invalidRequest } from '../../core/errors.js';
import type { OptionsRead } from '../../core/provider-options.js';
import type { Locality, Provider } from '../../core/provider.js';
import type { EnvVar } from '../../settings/env.js';
import type { ProviderSettings, Settings } from '../../settings/schema.js';
import type { HttpTimeouts } from '../http.js';
import type { ProviderKind } from './index.js';

/** The provider settings the add/edit form can ask for (besides name, models and enabled, which it always asks). */
export type FormField = 'baseUrl' | 'apiKey' | 'region' | 'apiVersion' | 'deployment' | 'local';

/** A Lynkr `.env` name: like env.ts's EnvVar, with a field of this kind's provider entry instead of a full path. */
export type KindEnvVar = Omit<EnvVar, 'path'> &
  (
    | { /** A field of the provider entry whose id is the kind, e.g. `apiKey`. */ field: keyof ProviderSettings; path?: never }
    | { /** A settings path outside the provider entry, e.g. `ollama.model`. */ path: string; field?: never }
  );

/**
 * How a server that speaks OpenAI's chat API differs from the common case, for the fields openai-fit.ts decides
 * (wireRules). Each kind's file states its own, with its source; a kind that states none is the common case.
 */
export interface OpenAIChatDialect {
  /**
   * The field the server takes the output budget in on models that don't reason. Default `max_tokens`, which servers
   * other than OpenAI know; OpenAI's reasoning models take `max_completion_tokens` wherever they are hosted.
   */
  maxTokensField?: 'max_tokens' | 'max_completion_tokens';
  /** Whether the server takes `top_k` (OpenAI's chat API has no such field). Default: no, it is dropped and named. */
  takesTopK?: boolean;
  /**
   * OpenAI's own API (and Azure's copy of it): it refuses `reasoning_effort` (and `verbosity`) on non-reasoning
   * models, and a model it doesn't know may be one, so they go only to models known to reason. Other servers take
   * or ignore them, so there only OpenAI's known non-reasoning models lose them. Default: no.
   */
  refusesEffortOnNonReasoningModels?: boolean;
  /**
   * The request fields the server defines, where it refuses any other instead of ignoring it (Mistral: 422 "Extra
   * inputs are not permitted"). Other fields are left out and named in `x-lynkr-dropped`. Default: none refused.
   */
  onlyFields?: ReadonlySet<string>;
  /** The field the server takes the sampling seed in. Default `seed`; Mistral's is `random_seed`. */
  seedField?: 'seed' | 'random_seed';
  /** The server sends a stream's usage unasked and refuses `stream_options` (Mistral). Default: it is asked for. */
  streamUsageUnasked?: boolean;
  /**
   * The roles the server takes and each one's fields, where it refuses others (Mistral, Groq). A client's own body that
   * has another role or field is not passed through: the request is rebuilt from the internal one (where OpenAI's
   * `developer` is a system message), and each field it had to leave is named. Default: any OpenAI message is taken.
   */
  messageFields?: Readonly<Record<string, ReadonlySet<string>>>;
}

/** What create() gets besides the provider's own settings, resolved from the definition by the factory. */
export interface ProviderEnv {
  /** The provider's base URL normalised the kind's way, else the kind's default; undefined when neither is set. */
  baseUrl?: string;
  /** The kind's locality unless the provider's `local` setting overrides it. */
  locality: Locality;
  timeouts: HttpTimeouts;
  settings: Settings;
  /** The kind's `openAIChat` (the common case when it states none), for the adapters that speak OpenAI's chat API. */
  openAIChat: OpenAIChatDialect;
}

/**
 * One kind, whole. Each file declares its constant with the kind's name as `K` (`ProviderKindDefinition<'groq'>`):
 * the list's `ProviderKind` is the union of those names, and the settings schema is built from it.
 */
export interface ProviderKindDefinition<K extends string = string> {
  kind: K;
  /** The name the window shows. */
  label: string;
  /** Where a provider of this kind is sent when its settings give no baseUrl; none means one must be given. */
  defaultBaseUrl?: string;
  /** The base URL as the adapter appends paths to it (e.g. Lynkr's `…/v1/chat/completions` → `…/v1`). Default: trailing slashes trimmed. */
  normalizeBaseUrl?: (url: string) => string;
  locality: Locality;
  /** Lynkr's `.env` names that create and configure a provider of this kind (its id is the kind). Empty: none. */
  env: readonly KindEnvVar[];
  /** Other names Lynkr's MODEL_PROVIDER accepts for this kind (e.g. `azure`). */
  otherNames?: readonly string[];
  /** The models the default aliases use when this provider exists: quick (chat-fast), strong (chat-quality), reasoning tier. */
  models?: { fast?: string; strong?: string; reasoning?: string };
  form: {
    /** What the form asks, in order. */
    fields: readonly FormField[];
    required: readonly FormField[];
    /** Placeholders; `baseUrl` defaults to defaultBaseUrl and `models` to models.fast. */
    placeholders?: Partial<Record<FormField | 'models', string>>;
  };
  /**
   * The `providerOptions` namespaces this kind merges into the body it sends (and single options of another one it
   * translates in its fit(), e.g. the effort asked in either format); the pipeline names the rest in `x-lynkr-dropped`.
   * Default: OPENAI_CHAT_OPTIONS, the OpenAI chat wire's.
   */
  readsOptions?: OptionsRead;
  /** For a kind that speaks OpenAI's chat API: how its server differs (the factory hands it to create() in its env). */
  openAIChat?: OpenAIChatDialect;
  create(p: ProviderSettings, env: ProviderEnv): Provider;
}

/** The fields every adapter needs, resolved: base URL, locality, timeouts, key and extra headers. */
export interface CommonProviderOptions {
  id: string;
  kind: ProviderKind;
  baseUrl: string;
  locality: Locality;
  timeouts: HttpTimeouts;
  apiKey?: string;
  headers: Record<string, string>;
}

/** For kinds that cannot work without a base URL: throws (the registry reports it as the provider's problem). */
export function commonOptions(p: ProviderSettings, env: ProviderEnv): CommonProviderOptions {
  if (env.baseUrl === undefined) throw invalidRequest(`provider "${p.id}" (${p.kind}) needs a baseUrl`, 'providers');
  return { id: p.id, kind: p.kind, baseUrl: env.baseUrl, locality: env.locality, timeouts: env.timeouts, apiKey: p.apiKey, headers: p.headers };
}

const trimSlashes = (url: string): string => url.trim().replace(/\/+$/, '');

/** The base URL a provider of this kind uses: its own (normalised) or the kind's default. */
export function resolvedBaseUrl(definition: ProviderKindDefinition, baseUrl?: string): string | undefined {
  const url = baseUrl ?? definition.defaultBaseUrl;
  return url === undefined ? undefined : (definition.normalizeBaseUrl ?? trimSlashes)(url);
}

export function resolvedLocality(definition: ProviderKindDefinition, local?: boolean): Locality {
  return local === undefined ? definition.locality : local ? 'local' : 'cloud';
}

/** What the window's add/edit form shows for a kind (GET /admin/provider-kinds). */
export interface ProviderKindView {
  kind: string;
  label: string;
  locality: Locality;
  defaultBaseUrl?: string;
  fields: FormField[];
  required: FormField[];
  placeholders: Partial<Record<FormField | 'models', string>>;
}

export function kindView(d: ProviderKindDefinition): ProviderKindView {
  const defaults: Partial<Record<FormField | 'models', string>> = {};
  if (d.defaultBaseUrl) defaults.baseUrl = d.defaultBaseUrl;
  if (d.models?.fast) defaults.models = d.models.fast;
  return {
    kind: d.kind,
    label: d.label,
    locality: d.locality,
    defaultBaseUrl: d.defaultBaseUrl,
    fields: [...d.form.fields],
    required: [...d.form.required],
    placeholders: { ...defaults, ...d.form.placeholders },
  };
}
