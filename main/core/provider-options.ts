// The namespaced `providerOptions` bag of the internal request (after the Vercel AI SDK's providerOptions: the outer
// record is keyed by who understands the options, the inner one by that upstream's own field names). Inbound parsers
// fill it with what they do not model; each kind reads its own namespace(s); the pipeline names the rest as dropped.
import type { FittedRequest } from './provider.js';
import type { ChatRequest, ProviderRequest } from './types.js';

export type ProviderOptions = NonNullable<ChatRequest['providerOptions']>;

/**
 * What a kind reads from the bag: whole namespaces, and single options of another one that its fit() translates to
 * its own wire (`ns.key`, or `ns.key.member` for one member of a group).
 */
export interface OptionsRead {
  namespaces: readonly string[];
  translates?: readonly string[];
}

/**
 * Where each client format files its reasoning effort: OpenAI chat `reasoning_effort` (Responses `reasoning.effort`
 * is filed there too) and Anthropic `output_config.effort`. A kind that reasons translates both: its fit() carries
 * the effort asked in another format to its own field (`carryEffort`, or Ollama's `think`).
 */
export const EFFORT_OPTIONS = ['openai.reasoning_effort', 'anthropic.output_config.effort'] as const;
export type EffortOption = (typeof EFFORT_OPTIONS)[number];

/** What a kind that speaks OpenAI's chat API reads, which is most of them (each kind says, in providers/kinds/). */
export const OPENAI_CHAT_OPTIONS: OptionsRead = { namespaces: ['openai'], translates: EFFORT_OPTIONS };

/** Options whose value holds many knobs of their own: each knob is named (and may be translated) on its own. */
const GROUPS: ReadonlySet<string> = new Set(['ollama.options', 'anthropic.output_config']);

const isPlainObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * The request with only the options this target reads, and the names of the others, for `x-lynkr-dropped`: a
 * fallback to another kind never loses a client's option silently.
 */
export function keepReadOptions(req: ProviderRequest, read: OptionsRead): FittedRequest {
  const bag = req.providerOptions;
  if (!bag) return { request: req, dropped: [] };
  const kept: ProviderOptions = {};
  const dropped: string[] = [];
  const keep = (namespace: string, key: string, value: unknown): void => {
    (kept[namespace] ??= {})[key] = value;
  };
  const translated = (name: string): boolean => read.translates?.includes(name) ?? false;
  for (const [namespace, options] of Object.entries(bag)) {
    if (read.namespaces.includes(namespace)) {
      kept[namespace] = options;
      continue;
    }
    for (const [key, value] of Object.entries(options)) {
      if (value === undefined) continue;
      const name = `${namespace}.${key}`;
      if (translated(name)) keep(namespace, key, value);
      else if (!GROUPS.has(name) || !isPlainObject(value)) dropped.push(name);
      else {
        const carried: Record<string, unknown> = {};
        for (const [member, v] of Object.entries(value)) {
          if (v === undefined) continue;
          if (translated(`${name}.${member}`)) carried[member] = v;
          else dropped.push(`${name}.${member}`);
        }
        if (Object.keys(carried).length) keep(namespace, key, carried);
      }
    }
  }
  if (!dropped.length) return { request: req, dropped };
  return { request: { ...req, providerOptions: Object.keys(kept).length ? kept : undefined }, dropped };
}

/** One namespace of the bag, or an empty record. */
export const optionsIn = (req: ChatRequest, namespace: string): Readonly<Record<string, unknown>> => req.providerOptions?.[namespace] ?? {};

/** The request with one namespace replaced (undefined members left out, removed when empty); `req` is not changed. */
export function withOptions<R extends ChatRequest>(req: R, namespace: string, options: Readonly<Record<string, unknown>>): R {
  const set = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  const bag: ProviderOptions = { ...req.providerOptions };
  if (Object.keys(set).length) bag[namespace] = set;
  else delete bag[namespace];
  return { ...req, providerOptions: Object.keys(bag).length ? bag : undefined };
}

/**
 * Merges a namespace into the wire body an adapter built: the body's own fields win (the bag holds only what the
 * internal request does not model), and an object present in both (Anthropic's `output_config`, Ollama's `options`)
 * is merged one level deep.
 */
export function mergeOptions(body: Record<string, unknown>, options: Readonly<Record<string, unknown>>): Record<string, unknown> {
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined) continue;
    const own = body[key];
    if (own === undefined) body[key] = value;
    else if (isPlainObject(own) && isPlainObject(value)) body[key] = { ...value, ...own };
  }
  return body;
}

/** The given fields of a client's body that are set (null counts as unset: clients send it for a cleared setting). */
export function pickOptions(body: Readonly<Record<string, unknown>>, fields: readonly string[]): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  for (const f of fields) if (body[f] != null) out[f] = body[f];
  return Object.keys(out).length ? out : undefined;
}

/** A bag of the namespaces that have options, or undefined when none has. */
export function optionsBag(namespaces: Record<string, Record<string, unknown> | undefined>): ProviderOptions | undefined {
  const bag: ProviderOptions = {};
  for (const [namespace, options] of Object.entries(namespaces)) if (options) bag[namespace] = options;
  return Object.keys(bag).length ? bag : undefined;
}

/**
 * Levels of reasoning effort, lowest first: OpenAI's `ReasoningEffort` (node_modules/openai resources/shared.d.ts:
 * none, minimal, low, medium, high, xhigh, max). Anthropic's `OutputConfig.effort` (node_modules/@anthropic-ai/sdk
 * resources/messages/messages.d.ts: low, medium, high, xhigh, max) is the same scale without its bottom two.
 */
export const EFFORT_LEVELS = ['none', 'minimal', 'low', 'medium', 'high', 'xhigh', 'max'] as const;
export type EffortLevel = (typeof EFFORT_LEVELS)[number];

export interface RequestedEffort {
  /** Where the client's format filed it: its name in `x-lynkr-dropped` when it cannot cross. */
  option: EffortOption;
  /** Its level; undefined for a value neither API names (a target of another format has no equivalent for it). */
  level?: EffortLevel;
}

/** The effort a request asks for, from whichever format filed it (a request carries its own client's). */
export function requestedEffort(req: ChatRequest): RequestedEffort | undefined {
  if (!req.providerOptions) return undefined;
  for (const option of EFFORT_OPTIONS) {
    const value = optionAt(req, option);
    if (value == null) continue;
    const text = String(value).toLowerCase();
    return { option, level: EFFORT_LEVELS.find((l) => l === text) };
  }
  return undefined;
}

/**
 * The level a target that takes `levels` (lowest first) gives to the one asked: the same; else the highest below it,
 * as Claude Code does ("xhigh runs as high on Opus 4.6", code.claude.com/docs/en/model-config); else its lowest.
 * `none` (no reasoning at all) has no equivalent where it is not taken, and is never what a higher level becomes.
 */
export function nearestEffort(asked: EffortLevel, levels: readonly EffortLevel[]): EffortLevel | undefined {
  if (levels.includes(asked)) return asked;
  if (asked === 'none') return undefined;
  const rank = (l: EffortLevel): number => EFFORT_LEVELS.indexOf(l);
  const reasoning = levels.filter((l) => l !== 'none');
  return reasoning.filter((l) => rank(l) < rank(asked)).at(-1) ?? reasoning[0];
}

/** The request without an effort in any format. */
export function withoutEffort<R extends ChatRequest>(req: R): R {
  return EFFORT_OPTIONS.reduce((r, option) => (optionAt(r, option) === undefined ? r : withOptionAt(r, option, undefined)), req);
}

/**
 * Carries an effort asked in another format to this target's own option (`to`), at the nearest level the model
 * takes (`levels`, lowest first; empty when it takes none). Without an equivalent there it is removed, and its name
 * returned for `x-lynkr-dropped`. An effort already in `to` is left to the target's own rules.
 */
export function carryEffort<R extends ChatRequest>(req: R, to: EffortOption, levels: readonly EffortLevel[]): { request: R; dropped: string[] } {
  const asked = requestedEffort(req);
  if (!asked || asked.option === to) return { request: req, dropped: [] };
  const level = asked.level && nearestEffort(asked.level, levels);
  const rest = withoutEffort(req);
  return level ? { request: withOptionAt(rest, to, level), dropped: [] } : { request: rest, dropped: [asked.option] };
}

/** The option named `namespace.key` or `namespace.key.member` (a member of a group such as `output_config`). */
function optionAt(req: ChatRequest, name: string): unknown {
  const [namespace, key, member] = name.split('.');
  const value = optionsIn(req, namespace)[key];
  return member === undefined ? value : isPlainObject(value) ? value[member] : undefined;
}

/** The request with that option set (or removed, for undefined; an emptied group goes too). */
function withOptionAt<R extends ChatRequest>(req: R, name: string, value: unknown): R {
  const [namespace, key, member] = name.split('.');
  const options = optionsIn(req, namespace);
  if (member === undefined) return withOptions(req, namespace, { ...options, [key]: value });
  const group = Object.entries({ ...(isPlainObject(options[key]) ? options[key] : {}), [member]: value }).filter(([, v]) => v !== undefined);
  return withOptions(req, namespace, { ...options, [key]: group.length ? Object.fromEntries(group) : undefined });
}
