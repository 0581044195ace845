// The semantic side of the cache: the last user prompt is embedded and looked up among the answers given in the same
// context (key.ts contextHash); the nearest one above the threshold is a hit unless the near-miss check finds that
// the two prompts differ where it matters ("add" against "remove"). Requests never wait for an embedder to load, and
// an embedder failure only skips the semantic cache for that request.
import { createHash } from 'node:crypto';
import type { CacheContext, CacheLookup } from '../core/ports.js';
import type { ChatRequest } from '../core/types.js';
import type { ProviderRegistry } from '../providers/registry.js';
import type { Settings } from '../settings/schema.js';
import type { CacheFile } from './cache-file.js';
import type { CacheCounters } from './counters.js';
import { type CacheLogger, errorMessage } from './db.js';
import { createEmbedder, currentEmbedder, type Embedder, type EmbedderState } from './embedders/index.js';
import { lastUserIndex, messageText, resolvedTarget } from './key.js';
import { nearMissReason } from './near-miss.js';
import { semanticSkipReason } from './skip.js';
import type { EntryStore } from './store.js';

const EMBED_TIMEOUT_MS = 5_000;

/** What the semantic side hands from lookup() to store(). */
export interface SemanticToken {
  ctx: string;
  prompt: string;
  vector?: Float32Array;
  /** The embedder that made `vector` (for `auto`, the one it had chosen then): its table is where it is stored. */
  embedder?: Embedder;
}

export interface EmbedderSource {
  providers: ProviderRegistry;
  /** Overrides the configured embedder (tests, benchmarks); settings never replace it. */
  embedder?: Embedder;
}

/** An answer to keep: the request's context and the response as stored. */
export interface StoredAnswer {
  ctx: CacheContext;
  json: string;
  local: boolean;
}

/** The embedder to use, its loading started (when the semantic cache is on) so that requests don't wait for it. */
export function startEmbedder(settings: Settings, source: EmbedderSource, log?: CacheLogger): Embedder {
  const embedder = source.embedder ?? createEmbedder(settings, source.providers);
  if (settings.cache.semantic.enabled) preload(embedder, log);
  return embedder;
}

function preload(e: Embedder, log?: CacheLogger): void {
  const p = (e as { preload?: () => Promise<void> }).preload;
  p?.call(e).catch((err: unknown) => log?.warn({ embedder: e.id, err: String(err) }, 'embedder preload failed'));
}

async function embedOne(e: Embedder, text: string): Promise<Float32Array> {
  const [v] = await e.embed([text], AbortSignal.timeout(EMBED_TIMEOUT_MS));
  if (!v) throw new Error('embedder returned no vector');
  return v;
}


export class SemanticCache {
  /** Similarity at or above which a stored answer may be served. */
  threshold: number;

  constructor(
    private settings: Settings,
    private embedder: Embedder,
    private readonly file: CacheFile,
    private readonly counters: CacheCounters,
    private readonly deps: EmbedderSource & { log?: CacheLogger; now: () => number },
  ) {
    this.threshold = settings.cache.semantic.threshold;
  }

  /** On in the settings, with sqlite-vec loaded and no semantic failure since. */
  on(): boolean {
    return this.settings.cache.semantic.enabled && !this.file.vecReason && !this.file.semanticReason;
  }

  /** The prompt to look up (the last user turn's text), or why this request can't use the semantic cache. */
  candidate(req: ChatRequest): { prompt?: string; skip: string | null } {
    const last = lastUserIndex(req.messages);
    const prompt = last < 0 ? undefined : messageText(req.messages[last]);
    return { prompt, skip: semanticSkipReason(req, prompt, this.settings.cache.semantic.maxTemperature) };
  }

  /** Embeds the prompt and looks for a close answer; the vector stays in the token for store(). */
  async lookup(token: { semantic?: SemanticToken }, sem: SemanticToken, t: number): Promise<CacheLookup> {
    const e = currentEmbedder(this.embedder);
    if (e.ready === false) {
      // Loading started at startup (or when the semantic cache was turned on); requests are not made to wait.
      preload(this.embedder, this.deps.log);
      delete token.semantic;
      return this.counters.bypass('embedder-loading', token);
    }
    let vector: Float32Array;
    try {
      vector = await embedOne(e, sem.prompt);
    } catch (err) {
      this.counters.embedderFailures++;
      this.deps.log?.warn({ embedder: e.id, err: errorMessage(err) }, 'embedder failed; semantic cache skipped for this request');
      delete token.semantic;
      return this.counters.bypass('embedder-error', token);
    }
    sem.vector = vector;
    sem.embedder = e;
    const store = this.file.store;
    if (!store) return this.counters.bypass('disabled');
    try {
      return this.nearest(store, sem, e, vector, t) ?? this.counters.miss(token);
    } catch (err) {
      this.file.onSemanticError(err, 'semantic lookup');
      delete token.semantic;
      return this.counters.bypass('cache-error', token);
    }
  }

  /** Stores the answer under the prompt's vector. */
  store(sem: SemanticToken, answer: StoredAnswer): void {
    const e = sem.embedder ?? currentEmbedder(this.embedder);
    if (e.ready === false) return;
    const key = `s:${createHash('sha256').update(`${e.id}\0${sem.ctx}\0${sem.prompt}`).digest('hex')}`;
    if (sem.vector) return this.put(key, answer, sem, sem.vector, e);
    // Cache-Control: no-cache skipped the lookup, so the prompt was never embedded: do it now, off the request path.
    embedOne(e, sem.prompt).then(
      (vector) => this.put(key, answer, sem, vector, e),
      (err: unknown) => {
        this.counters.embedderFailures++;
        this.deps.log?.warn({ embedder: e.id, err: errorMessage(err) }, 'embedder failed; response not stored semantically');
      },
    );
  }

  /** How the embedder is doing, for /health/ready: 'off' while the semantic cache is. */
  embedderHealth(): EmbedderState | 'off' {
    const e = currentEmbedder(this.embedder);
    if (!this.on()) return 'off';
    return e.state ?? (e.ready === false ? 'loading' : 'ready');
  }

  /** The embedder's id: it names the vector space. */
  embedderId(): string {
    return currentEmbedder(this.embedder).id;
  }

  /** Takes new settings: a changed threshold, and a new embedder when its choice changed. */
  applySettings(next: Settings): void {
    const p = this.settings.cache.semantic;
    const s = next.cache.semantic;
    this.settings = next;
    if (s.threshold !== p.threshold) this.threshold = s.threshold;
    if (!this.deps.embedder && (s.embedder !== p.embedder || s.embedderModel !== p.embedderModel || s.embedderProvider !== p.embedderProvider)) {
      this.embedder = startEmbedder(next, this.deps, this.deps.log);
    }
  }

  /** The best stored answer at or above the threshold that is not a near miss, touched as used. */
  private nearest(store: EntryStore, sem: SemanticToken, e: Embedder, vector: Float32Array, t: number): CacheLookup | undefined {
    const index = store.vecIndex(e.id, vector.length);
    for (const c of index.search(sem.ctx, vector, this.deps.now())) {
      if (c.similarity < this.threshold) break;
      const entry = store.getById(c.id, t);
      if (!entry?.prompt) continue;
      if (nearMissReason(sem.prompt, entry.prompt)) {
        this.counters.nearMissRejects++;
        continue;
      }
      store.touch(entry.id, t);
      return this.counters.hit('semantic', entry, Math.round(c.similarity * 10_000) / 10_000);
    }
    return undefined;
  }

  private put(key: string, answer: StoredAnswer, sem: SemanticToken, vector: Float32Array, e: Embedder): void {
    const { ctx, json, local } = answer;
    const entry = { kind: 'semantic' as const, key, alias: resolvedTarget(ctx), scope: ctx.scope, prompt: sem.prompt, response: json, local, ttlMs: this.settings.cache.semantic.ttlMs };
    this.file.put(entry, this.deps.now(), { embedderId: e.id, ctx: sem.ctx, vector });
  }
}
