// Lynkr's environment names → a partial settings input. The table below is the single description of every
// variable (each provider kind's own names come from its file in providers/kinds/); the README's env table is
// generated from it (envTable()).
import type { KindEnvVar } from '../providers/kinds/definition.js';
import { providerKinds } from '../providers/kinds/index.js';
import { catalog, catalogEntry } from './catalog.js';
import { firstChatNamed } from './model-names.js';
import { getPath, setPath } from './paths-in-object.js';
import { settingsSchema, type SettingsInput } from './schema.js';

export type EnvKind =
  | 'string'
  | 'int'
  | 'number'
  | 'bool'
  | 'url'
  /** An OpenAI-family endpoint: a base URL (…/v1) or Lynkr's full …/v1/chat/completions form. */
  | 'openai-url'
  /** A local OpenAI-compatible server: `/v1` is added when the URL has no path. */
  | 'local-url'
  /** One model name (stored as a one-element list). */
  | 'model'
  /** `provider:model` (Lynkr) or `provider/model`. */
  | 'target'
  | 'provider';

export interface EnvVar {
  name: string;
  /** Where it lands; `providers[openai].apiKey` addresses the provider entry with that id. */
  path: string;
  kind: EnvKind;
  description: string;
  /** For the README when the schema has no default at `path`. */
  default?: string;
  /** Accepted values, for the README. */
  values?: readonly string[];
}

const p = (id: string, field: string): string => `providers[${id}].${field}`;

/** A kind's env name with its provider field turned into a settings path (the provider's id is the kind). */
function kindEnvVar(kind: string, { field, path, ...v }: KindEnvVar): EnvVar {
  return { ...v, path: path ?? p(kind, String(field)) };
}

export const envVars: readonly EnvVar[] = [
  { name: 'PORT', path: 'server.port', kind: 'int', description: 'Port the gateway listens on.' },
  { name: 'HOST', path: 'server.host', kind: 'string', description: 'Address to listen on. Keep 127.0.0.1 unless clients on other machines need it.' },
  { name: 'LYNKR_API_KEY', path: 'server.apiKey', kind: 'string', default: '(none)', description: 'Inbound key clients must send as `Authorization: Bearer …` (required from non-loopback peers). At least 16 characters.' },
  { name: 'LYNKR_MODE', path: 'mode', kind: 'string', values: ['local', 'cloud', 'auto'], description: 'Routing mode: only local providers, only cloud providers, or local first then cloud.' },
  { name: 'MODEL_PROVIDER', path: 'defaultModel', kind: 'provider', default: '(none: the default model is chat-fast)', values: Object.keys(catalog), description: 'Provider whose model answers requests that name no model: sets the default model to `<provider>/<its model>`.' },
  ...providerKinds.flatMap((k) => k.env.map((v) => kindEnvVar(k.kind, v))),
  { name: 'FALLBACK_ENABLED', path: 'fallback.enabled', kind: 'bool', description: 'Try the next target of an alias when one fails.' },
  { name: 'FALLBACK_PROVIDER', path: 'fallback.provider', kind: 'string', default: '(none)', description: 'Extra last-resort target: a provider id or `provider/model`.' },
  { name: 'PROMPT_CACHE_ENABLED', path: 'cache.exact.enabled', kind: 'bool', description: 'Exact response cache.' },
  { name: 'PROMPT_CACHE_POLICY', path: 'cache.exact.policy', kind: 'string', description: 'Which requests the exact cache answers: deterministic (temperature 0 or a seed; default), always, off.' },
  { name: 'PROMPT_CACHE_TTL_MS', path: 'cache.exact.ttlMs', kind: 'int', description: 'Exact cache entry lifetime (ms).' },
  { name: 'SEMANTIC_CACHE_ENABLED', path: 'cache.semantic.enabled', kind: 'bool', description: 'Semantic (similar-prompt) cache.' },
  { name: 'SEMANTIC_CACHE_THRESHOLD', path: 'cache.semantic.threshold', kind: 'number', description: 'Cosine similarity (0–1) a cached prompt needs to be reused.' },
  { name: 'SEMANTIC_CACHE_TTL_MS', path: 'cache.semantic.ttlMs', kind: 'int', description: 'Semantic cache entry lifetime (ms).' },
  { name: 'LOG_LEVEL', path: 'log.level', kind: 'string', values: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], description: 'Log level.' },
  { name: 'TIER_SIMPLE', path: 'tiers.SIMPLE', kind: 'target', default: '(local model)', description: 'Target for SIMPLE requests of the `auto` alias, as `provider:model`.' },
  { name: 'TIER_MEDIUM', path: 'tiers.MEDIUM', kind: 'target', default: '(local model)', description: 'Target for MEDIUM requests, as `provider:model`.' },
  { name: 'TIER_COMPLEX', path: 'tiers.COMPLEX', kind: 'target', default: '(strong cloud model, else local)', description: 'Target for COMPLEX requests, as `provider:model`.' },
  { name: 'TIER_REASONING', path: 'tiers.REASONING', kind: 'target', default: '(reasoning cloud model, else local)', description: 'Target for REASONING requests, as `provider:model`.' },
];

export interface EnvIssue {
  path: string;
  message: string;
  source: string;
}

/** A config problem; the message names each bad key path, why, and where the value came from. */
export class SettingsError extends Error {
  constructor(readonly issues: EnvIssue[]) {
    super(issues.map((i) => `settings: ${i.path}: ${i.message} (from ${i.source})`).join('\n'));
    this.name = 'SettingsError';
  }
}

export interface EnvLayer {
  input: SettingsInput;
  /** Setting path → where its value came from (e.g. `PORT` or `.env PORT`). */
  origins: Map<string, string>;
}

/** Maps env-style variables; `label(name)` says where each came from, for error messages. */
export function settingsFromEnv(vars: Record<string, string | undefined>, label: (name: string) => string = (n) => n): EnvLayer {
  const out: Record<string, unknown> = {};
  const origins = new Map<string, string>();
  const issues: EnvIssue[] = [];
  for (const v of envVars) {
    const raw = vars[v.name]?.trim();
    if (raw === undefined || raw === '' || v.kind === 'provider') continue;
    const parsed = parseValue(v, raw);
    if (!parsed.ok) {
      issues.push({ path: v.path, message: parsed.message, source: label(v.name) });
      continue;
    }
    setPath(out, v.path, parsed.value);
    origins.set(v.path, label(v.name));
  }
  const provider = vars.MODEL_PROVIDER?.trim().toLowerCase();
  if (provider) {
    const id = normaliseProviderName(provider);
    if (!id) {
      issues.push({ path: 'defaultModel', message: `unknown provider "${provider}"; one of ${Object.keys(catalog).join(', ')}`, source: label('MODEL_PROVIDER') });
    } else {
      out.defaultModel = `${id}/${providerModel(id, out)}`;
      origins.set('defaultModel', label('MODEL_PROVIDER'));
    }
  }
  if (issues.length) throw new SettingsError(issues);
  return { input: withProviderArray(out), origins };
}

function providerModel(id: string, out: Record<string, unknown>): string {
  if (id === 'ollama') return (getPath(out, 'ollama.model') as string | undefined) ?? settingsSchema.parse({}).ollama.model;
  // The default model is a chat model: not a listed embedding model.
  const listed = firstChatNamed(getPath(out, `providers[${id}].models`) as string[] | undefined);
  if (listed) return listed;
  // A deployment named as an embedder is no chat default either (defaults.ts modelFor, the same rule).
  if (id === 'azure-openai') return firstChatNamed([getPath(out, p(id, 'deployment')) as string | undefined].filter((d) => d !== undefined)) ?? 'default';
  return catalogEntry(id)?.fast ?? 'default';
}

/** MODEL_PROVIDER's value → a catalog id: the id itself or another name its kind is known by (`azure`, `google`…). */
function normaliseProviderName(name: string): string | undefined {
  const kind = providerKinds.find((k) => k.kind === name || k.otherNames?.includes(name))?.kind;
  return kind && catalogEntry(kind) ? kind : undefined;
}

/** `setPath` keeps providers as {id: entry}; the schema wants a list with id and kind. */
function withProviderArray(out: Record<string, unknown>): SettingsInput {
  const byId = out.providers as Record<string, Record<string, unknown>> | undefined;
  if (!byId) return out as SettingsInput;
  const providers = Object.entries(byId).map(([id, fields]) => ({ id, kind: catalogEntry(id)?.kind ?? id, ...fields }));
  return { ...out, providers } as SettingsInput;
}

type Parsed = { ok: true; value: unknown } | { ok: false; message: string };

const TRUE = new Set(['true', '1', 'yes', 'on']);
const FALSE = new Set(['false', '0', 'no', 'off']);

export function parseBool(raw: string): boolean | undefined {
  const v = raw.toLowerCase();
  return TRUE.has(v) ? true : FALSE.has(v) ? false : undefined;
}

function parseValue(v: EnvVar, raw: string): Parsed {
  switch (v.kind) {
    case 'string':
      if (v.values && !v.values.includes(raw.toLowerCase())) return { ok: false, message: `expected one of ${v.values.join(', ')}, got "${raw}"` };
      return { ok: true, value: v.values ? raw.toLowerCase() : raw };
    case 'int':
      return /^-?\d+$/.test(raw) ? { ok: true, value: Number(raw) } : { ok: false, message: `expected an integer, got "${raw}"` };
    case 'number':
      return raw !== '' && Number.isFinite(Number(raw)) ? { ok: true, value: Number(raw) } : { ok: false, message: `expected a number, got "${raw}"` };
    case 'bool': {
      const b = parseBool(raw);
      return b === undefined ? { ok: false, message: `expected true/false/1/0/yes/no, got "${raw}"` } : { ok: true, value: b };
    }
    case 'url':
      return isUrl(raw) ? { ok: true, value: raw.replace(/\/+$/, '') } : { ok: false, message: `expected an http(s) URL, got "${raw}"` };
    case 'openai-url':
      return isUrl(raw) ? { ok: true, value: normaliseOpenAiEndpoint(raw) } : { ok: false, message: `expected an http(s) URL, got "${raw}"` };
    case 'local-url':
      return isUrl(raw) ? { ok: true, value: normaliseLocalEndpoint(raw) } : { ok: false, message: `expected an http(s) URL, got "${raw}"` };
    case 'model':
      return { ok: true, value: [raw] };
    case 'target': {
      const t = toTarget(raw);
      return t ? { ok: true, value: t } : { ok: false, message: `expected provider:model, got "${raw}"` };
    }
    case 'provider':
      return { ok: true, value: raw };
  }
}

function isUrl(raw: string): boolean {
  try {
    const u = new URL(raw);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

/** `https://api.openai.com/v1/chat/completions` → `https://api.openai.com/v1`; a base URL is kept. */
export function normaliseOpenAiEndpoint(raw: string): string {
  return raw.trim().replace(/\/+$/, '').replace(/\/(chat\/)?completions$/, '').replace(/\/+$/, '');
}

/** Local servers are often given as `http://localhost:1234`; their OpenAI API lives under /v1. */
export function normaliseLocalEndpoint(raw: string): string {
  const base = normaliseOpenAiEndpoint(raw);
  return new URL(base).pathname.replace(/\/+$/, '') === '' ? `${base}/v1` : base;
}

/** Lynkr's `provider:model` (split at the first colon: `ollama:qwen2.5-coder:7b`) or `provider/model`. */
export function toTarget(raw: string): string | undefined {
  const m = /^([a-z0-9][a-z0-9._-]*)[:/](.+)$/i.exec(raw.trim());
  return m ? `${m[1].toLowerCase()}/${m[2]}` : undefined;
}

export interface EnvTableRow {
  name: string;
  default: string;
  description: string;
}

/** For the README: every variable with its effective default. */
export function envTable(): EnvTableRow[] {
  const defaults = settingsSchema.parse({});
  return envVars.map((v) => {
    const fromSchema = v.default === undefined ? getPath(defaults, v.path) : undefined;
    const def = v.default ?? (fromSchema === undefined ? '(none)' : String(fromSchema));
    const values = v.values ? ` One of: ${v.values.join(', ')}.` : '';
    return { name: v.name, default: def, description: v.description + values };
  });
}
