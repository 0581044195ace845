// The namespaced `providerOptions` bag of the internal request (after the Vercel AI SDK's providerOptions: the outer
// record is keyed by who understands the options, the inner one by that upstream's own field names). Inbound parsers
// fill it with what they do not model; each kind reads its own namespace(s); the pipeline names the rest as dropped.
import type { FittedRequest } from './provider.js';
import type { ChatRequest, ProviderRequest } from './types.js';

export type ProviderOptions = NonNullable<ChatRequest['providerOptions']>;

/** What a kind reads from the bag: whole namespaces, and single options of another one that it translates (`ns.key`). */
export interface OptionsRead {
  namespaces: readonly string[];
  translates?: readonly string[];
}

/** What a kind that speaks OpenAI's chat API reads, which is most of them (each kind says, in providers/kinds/). */
export const OPENAI_CHAT_OPTIONS: OptionsRead = { namespaces: ['openai'] };

/** Options whose value holds many knobs of their own: each knob is named when dropped (`ollama.options.min_p`). */
const GROUPS: ReadonlySet<string> = new Set(['ollama.options']);

const isPlainObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

function namesOf(namespace: string, key: string, value: unknown): string[] {
  const name = `${namespace}.${key}`;
  return GROUPS.has(name) && isPlainObject(value) ? Object.keys(value).map((k) => `${name}.${k}`) : [name];
}

/**
 * The request with only the options this target reads, and the names of the others, for `x-lynkr-dropped`: a
 * fallback to another kind never loses a client's option silently.
 */
export function keepReadOptions(req: ProviderRequest, read: OptionsRead): FittedRequest {
  const bag = req.providerOptions;
  if (!bag) return { request: req, dropped: [] };
  const kept: ProviderOptions = {};
  const dropped: string[] = [];
  for (const [namespace, options] of Object.entries(bag)) {
    if (read.namespaces.includes(namespace)) {
      kept[namespace] = options;
      continue;
    }
    for (const [key, value] of Object.entries(options)) {
      if (value === undefined) continue;
      if (read.translates?.includes(`${namespace}.${key}`)) (kept[namespace] ??= {})[key] = value;
      else dropped.push(...namesOf(namespace, key, value));
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
