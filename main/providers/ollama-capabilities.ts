// What an Ollama model can do and how much context it was trained for, learned from `POST /api/show` and cached
// per model (one cache per provider). Ollama's docs/api.md "Show Model Information": the answer has
// `capabilities` ("completion", "tools", "thinking", "vision", "embedding", "insert"), `model_info` with
// `<general.architecture>.context_length`, and `parameters` (the Modelfile's, e.g. "num_ctx 8192").
// A failed lookup never fails a request: the caller gets `unknown` facts and the lookup is tried again later.
import { z } from 'zod';

export interface OllamaModelFacts {
  /** Undefined when the lookup failed (or the server is too old to report capabilities). */
  capabilities?: ReadonlySet<string>;
  /** The model's trained context (`<arch>.context_length`), where reported. */
  contextLength?: number;
  /** A `num_ctx` set in the model's Modelfile, where there is one. */
  modelfileNumCtx?: number;
  family?: string;
}

const unknownFacts: OllamaModelFacts = {};

/** Ollama's own rule (docs/api.md "Model names"): a name without a tag means `:latest`. */
export const canonicalModel = (name: string): string => (name.includes(':') ? name : `${name}:latest`);

const showSchema = z.object({
  capabilities: z.array(z.string()).optional(),
  model_info: z.record(z.string(), z.unknown()).optional(),
  parameters: z.string().optional(),
  details: z.object({ family: z.string().optional() }).partial().optional(),
});

/** The facts in an /api/show answer (fields it lacks stay unknown). */
export function factsFromShow(body: unknown): OllamaModelFacts {
  const parsed = showSchema.safeParse(body);
  if (!parsed.success) return unknownFacts;
  const { capabilities, model_info: info = {}, parameters = '', details } = parsed.data;
  const arch = typeof info['general.architecture'] === 'string' ? info['general.architecture'] : undefined;
  const lengthKey = arch !== undefined && `${arch}.context_length` in info ? `${arch}.context_length` : Object.keys(info).find((k) => k.endsWith('.context_length'));
  const contextLength = lengthKey !== undefined && typeof info[lengthKey] === 'number' && info[lengthKey] > 0 ? info[lengthKey] : undefined;
  const numCtx = /^\s*num_ctx\s+(\d+)\s*$/m.exec(parameters)?.[1];
  return {
    capabilities: capabilities ? new Set(capabilities) : undefined,
    contextLength,
    modelfileNumCtx: numCtx ? Number(numCtx) : undefined,
    family: details?.family ?? arch,
  };
}

// Families of embedding-only architectures, for when capabilities are unknown (older servers, failed lookups).
const embeddingFamilies = new Set(['bert', 'nomic-bert', 'nomic-bert-moe', 'jina-bert-v2', 'xlm-roberta', 'gemma-embedding', 'gemma3-embedding']);

/** 'embedding' for a model that only embeds; 'chat' otherwise (including when nothing is known). */
export function modelKind(name: string, facts: OllamaModelFacts, family?: string): 'chat' | 'embedding' {
  const caps = facts.capabilities;
  if (caps) return caps.has('embedding') && !caps.has('completion') ? 'embedding' : 'chat';
  const fam = (facts.family ?? family ?? '').toLowerCase();
  return embeddingFamilies.has(fam) || /embed/i.test(name) ? 'embedding' : 'chat';
}

export interface FactsCacheOptions {
  /** How long a successful answer is kept (a re-pulled model may change). */
  ttlMs?: number;
  /** How long a failed lookup is remembered before the next try. */
  retryMs?: number;
  now?: () => number;
}

interface Entry {
  facts: Promise<OllamaModelFacts>;
  expires: number;
}

/** Per-model facts, one lookup at a time per model; `lookup` is bounded by its own deadline, never by one client. */
export class OllamaFactsCache {
  private readonly entries = new Map<string, Entry>();
  private readonly ttlMs: number;
  private readonly retryMs: number;
  private readonly now: () => number;

  constructor(
    private readonly lookup: (model: string) => Promise<unknown>,
    opts: FactsCacheOptions = {},
  ) {
    this.ttlMs = opts.ttlMs ?? 10 * 60_000;
    this.retryMs = opts.retryMs ?? 15_000;
    this.now = opts.now ?? Date.now;
  }

  get(model: string): Promise<OllamaModelFacts> {
    const key = canonicalModel(model);
    const hit = this.entries.get(key);
    if (hit && hit.expires > this.now()) return hit.facts;
    const entry: Entry = { facts: Promise.resolve(unknownFacts), expires: Infinity };
    entry.facts = this.lookup(model).then(
      (body) => {
        entry.expires = this.now() + this.ttlMs;
        return factsFromShow(body);
      },
      () => {
        entry.expires = this.now() + this.retryMs;
        return unknownFacts;
      },
    );
    this.entries.set(key, entry);
    return entry.facts;
  }

  /** Forget a model (Ollama refused what its cached capabilities allowed: it was probably re-pulled). */
  forget(model: string): void {
    this.entries.delete(canonicalModel(model));
  }
}
