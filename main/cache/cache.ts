// The response cache: exact prompt cache + semantic cache over one SQLite file. Implements the pipeline's
// ResponseCache and the admin API's CacheAdmin. A cache problem never fails a request: every path returns a
// status (`bypass:<reason>` when the cache could not help) and store() never throws.
import { createHash, randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { CacheContext, CacheLookup, ResponseCache, RouteTarget } from '../core/ports.js';
import type { ChatRequest, ChatResponse } from '../core/types.js';
import type { ProviderRegistry } from '../providers/registry.js';
import type { Settings } from '../settings/schema.js';
import type { CacheAdmin, CacheStats } from './types.js';
import { type CacheLogger, describeDbError, openCacheDb } from './db.js';
import { createEmbedder, currentEmbedder, type Embedder, type EmbedderState } from './embedders/index.js';
import { contextHash, exactKey, lastUserIndex, messageText, resolvedTarget } from './key.js';
import { nearMissReason } from './near-miss.js';
import { estimateCostUsd } from './pricing.js';
import { exactSkipReason, semanticSkipReason, unstorableReason } from './skip.js';
import { EntryStore, type StoredEntry } from './store.js';

export interface CacheDeps {
  dataDir: string;
  providers: ProviderRegistry;
  logger?: CacheLogger;
  /** Overrides the configured embedder (tests, benchmarks). */
  embedder?: Embedder;
  /** Overrides the sqlite-vec library path (tests). */
  vecPath?: string;
  /** Called once the database is open (tests use it to set e.g. PRAGMA max_page_count). */
  configureDb?: (db: Database.Database) => void;
  now?: () => number;
}

export type Cache = ResponseCache &
  Omit<CacheAdmin, 'health'> & {
    /** Also says how the semantic cache's embedder is doing (/health/ready): 'off' when the semantic cache is. */
    health(): ReturnType<CacheAdmin['health']> & { embedder: EmbedderState | 'off' };
    /** Applies changed cache settings (limits, TTLs, threshold, embedder) without reopening the file. */
    applySettings(settings: Settings): void;
    close(): void;
  };

interface SemanticToken {
  ctx: string;
  prompt: string;
  vector?: Float32Array;
  /** The embedder that made `vector` (for `auto`, the one it had chosen then): its table is where it is stored. */
  embedder?: Embedder;
}
interface Token {
  exactKey?: string;
  semantic?: SemanticToken;
}

const EMBED_TIMEOUT_MS = 5_000;
/** Consecutive SQLITE_BUSY failures after which another process is taken to own the file. */
const MAX_BUSY = 3;

export function createCache(initial: Settings, deps: CacheDeps): Cache {
  const log = deps.logger;
  const now = deps.now ?? Date.now;
  let settings = initial;
  let threshold = settings.cache.semantic.threshold;
  let embedder = deps.embedder ?? createEmbedder(settings, deps.providers);
  preload(embedder);

  const opened = openCacheDb(deps.dataDir, { logger: log, vecPath: deps.vecPath });
  let db = opened.db;
  let disabledReason = opened.disabledReason;
  const vecReason = opened.vecReason;
  let store: EntryStore | undefined;
  if (db) {
    try {
      deps.configureDb?.(db);
      store = new EntryStore(db, { maxEntries: settings.cache.maxEntries, maxBytes: settings.cache.maxBytes });
    } catch (err) {
      disable(err);
    }
  }

  const stats = { hitsExact: 0, hitsSemantic: 0, misses: 0, bypasses: 0, tokensSaved: 0, costSavedUsd: 0, embedderFailures: 0, nearMissRejects: 0 };
  let busyFailures = 0;

  function disable(err: unknown): void {
    disabledReason = describeDbError(err);
    log?.warn({ reason: disabledReason }, 'cache disabled');
    try {
      db?.close();
    } catch {
      // already unusable
    }
    db = undefined;
    store = undefined;
  }

  /** Routes a SQLite failure: a busy lock is skipped a few times, anything else disables the cache. */
  function onDbError(err: unknown, during: string): void {
    const code = (err as { code?: string }).code ?? '';
    if (code.startsWith('SQLITE_BUSY') && ++busyFailures < MAX_BUSY) {
      log?.warn({ during, code }, 'cache database busy; skipped');
      return;
    }
    log?.error({ during, code, err: err instanceof Error ? err.message : String(err) }, 'cache error');
    disable(err);
  }

  function preload(e: Embedder, evenIfOff = false): void {
    const p = (e as { preload?: () => Promise<void> }).preload;
    if ((evenIfOff || settings.cache.semantic.enabled) && p) {
      p.call(e).catch((err: unknown) => log?.warn({ embedder: e.id, err: String(err) }, 'embedder preload failed'));
    }
  }

  /** A non-storage failure inside the vector search (a bug, an odd vector) turns off only the semantic cache. */
  let semanticReason: string | undefined;
  function onSemanticError(err: unknown, during: string): void {
    const code = (err as { code?: string }).code ?? '';
    if (/^SQLITE_(FULL|READONLY|BUSY|LOCKED|CORRUPT|NOTADB|IOERR|CANTOPEN)/.test(code)) return onDbError(err, during);
    semanticReason = `semantic cache error: ${err instanceof Error ? err.message : String(err)}`;
    log?.error({ during, code, reason: semanticReason }, 'semantic cache disabled');
  }

  const semanticOn = (): boolean => settings.cache.semantic.enabled && !vecReason && !semanticReason;
  const reason = (): string | undefined => disabledReason ?? (settings.cache.semantic.enabled ? (vecReason ?? semanticReason) : undefined);

  function bypass(reason: string, token?: Token): CacheLookup {
    stats.bypasses++;
    return { status: `bypass:${reason}`, token };
  }

  function countHit(kind: 'exact' | 'semantic', cached: ChatResponse, local: number): void {
    const inTok = cached.usage?.inputTokens ?? 0;
    const outTok = cached.usage?.outputTokens ?? 0;
    stats.tokensSaved += inTok + outTok;
    stats.costSavedUsd += estimateCostUsd(cached.model, local === 1, inTok, outTok);
    if (kind === 'exact') stats.hitsExact++;
    else stats.hitsSemantic++;
  }

  function hit(kind: 'exact' | 'semantic', entry: StoredEntry, similarity?: number): CacheLookup {
    const cached = JSON.parse(entry.response) as ChatResponse;
    countHit(kind, cached, entry.local);
    // A hit gets its own id and timestamp, like any fresh answer.
    const response: ChatResponse = { ...cached };
    response.id = freshId(cached.id);
    response.created = Math.floor(now() / 1000);
    if (kind === 'semantic') return { status: 'hit-semantic', response, similarity };
    return { status: 'hit-exact', response };
  }

  async function embedOne(e: Embedder, text: string): Promise<Float32Array> {
    const [v] = await e.embed([text], AbortSignal.timeout(EMBED_TIMEOUT_MS));
    if (!v) throw new Error('embedder returned no vector');
    return v;
  }

  function semanticCandidate(req: ChatRequest): { prompt?: string; skip: string | null } {
    const last = lastUserIndex(req.messages);
    const prompt = last < 0 ? undefined : messageText(req.messages[last]);
    return { prompt, skip: semanticSkipReason(req, prompt, settings.cache.semantic.maxTemperature) };
  }

  async function lookup(req: ChatRequest, ctx: CacheContext): Promise<CacheLookup> {
    if (!store) return bypass('disabled');
    const exactOn = settings.cache.exact.enabled;
    if (!exactOn && !semanticOn()) return bypass('disabled');
    try {
      const token: Token = {};
      const exactSkip = exactOn ? exactSkipReason(req, settings.cache.exact.policy) : 'disabled';
      if (!exactSkip) token.exactKey = exactKey(req, ctx);
      const sem = semanticOn() ? semanticCandidate(req) : undefined;
      if (!sem && exactSkip) return bypass(exactSkip);
      if (sem && !sem.skip && sem.prompt !== undefined) token.semantic = { ctx: contextHash(req, ctx), prompt: sem.prompt };
      if (ctx.noRead) return bypass('no-cache', token);

      const t = now();
      if (token.exactKey) {
        const e = store.getLive(`x:${token.exactKey}`, t);
        if (e) return hit('exact', e);
      }
      if (!sem) {
        stats.misses++;
        return { status: 'miss', token };
      }
      if (sem.skip || !token.semantic) return bypass(sem.skip ?? 'no-text-prompt', token);

      const e = currentEmbedder(embedder);
      if (e.ready === false) {
        // Loading started at startup (or when the semantic cache was turned on); requests are not made to wait.
        preload(embedder, true);
        delete token.semantic;
        return bypass('embedder-loading', token);
      }
      let vector: Float32Array;
      try {
        vector = await embedOne(e, token.semantic.prompt);
      } catch (err) {
        stats.embedderFailures++;
        log?.warn({ embedder: e.id, err: err instanceof Error ? err.message : String(err) }, 'embedder failed; semantic cache skipped for this request');
        delete token.semantic;
        return bypass('embedder-error', token);
      }
      token.semantic.vector = vector;
      token.semantic.embedder = e;
      if (!store) return bypass('disabled');
      try {
        const index = store.vecIndex(e.id, vector.length);
        for (const c of index.search(token.semantic.ctx, vector, now())) {
          if (c.similarity < threshold) break;
          const e = store.getById(c.id, t);
          if (!e?.prompt) continue;
          if (nearMissReason(token.semantic.prompt, e.prompt)) {
            stats.nearMissRejects++;
            continue;
          }
          store.touch(e.id, t);
          return hit('semantic', e, Math.round(c.similarity * 10_000) / 10_000);
        }
      } catch (err) {
        onSemanticError(err, 'semantic lookup');
        delete token.semantic;
        return bypass('cache-error', token);
      }
      stats.misses++;
      return { status: 'miss', token };
    } catch (err) {
      onDbError(err, 'lookup');
      return bypass('cache-error');
    }
  }

  function put(kind: 'exact' | 'semantic', key: string, ctx: CacheContext, json: string, local: boolean, sem?: SemanticToken & { vector: Float32Array; embedder: Embedder }): void {
    if (!store) return;
    try {
      const ttlMs = kind === 'exact' ? settings.cache.exact.ttlMs : settings.cache.semantic.ttlMs;
      const entry = { kind, key, alias: resolvedTarget(ctx), scope: ctx.scope, prompt: sem?.prompt, response: json, local, ttlMs };
      const vec = sem ? { index: store.vecIndex(sem.embedder.id, sem.vector.length), ctx: sem.ctx, vector: sem.vector } : undefined;
      store.put(entry, now(), vec);
      busyFailures = 0;
    } catch (err) {
      if (sem) onSemanticError(err, 'semantic store');
      else onDbError(err, 'store');
    }
  }

  function storeResponse(req: ChatRequest, ctx: CacheContext, lookup: CacheLookup, response: ChatResponse, answeredBy: RouteTarget): void {
    try {
      if (!store || ctx.noStore || lookup.status.startsWith('hit')) return;
      const token = lookup.token as Token | undefined;
      if (!token || unstorableReason(response)) return;
      const json = JSON.stringify(response);
      const local = answeredBy.provider.locality === 'local';
      if (token.exactKey) put('exact', `x:${token.exactKey}`, ctx, json, local);
      const sem = token.semantic;
      if (!sem) return;
      const e = sem.embedder ?? currentEmbedder(embedder);
      if (e.ready === false) return;
      const key = `s:${createHash('sha256').update(`${e.id}\0${sem.ctx}\0${sem.prompt}`).digest('hex')}`;
      if (sem.vector) put('semantic', key, ctx, json, local, { ...sem, vector: sem.vector, embedder: e });
      else {
        // Cache-Control: no-cache skipped the lookup, so the prompt was never embedded: do it now, off the request path.
        embedOne(e, sem.prompt).then(
          (vector) => put('semantic', key, ctx, json, local, { ...sem, vector, embedder: e }),
          (err: unknown) => {
            stats.embedderFailures++;
            log?.warn({ embedder: e.id, err: err instanceof Error ? err.message : String(err) }, 'embedder failed; response not stored semantically');
          },
        );
      }
    } catch (err) {
      log?.error({ err: err instanceof Error ? err.message : String(err) }, 'cache store failed');
    }
  }

  return {
    lookup,
    store: storeResponse,
    stats(): CacheStats {
      return {
        entries: store?.entries ?? 0,
        bytes: store?.bytes ?? 0,
        hits: { exact: stats.hitsExact, semantic: stats.hitsSemantic },
        misses: stats.misses,
        bypasses: stats.bypasses,
        tokensSaved: stats.tokensSaved,
        costSavedUsd: Math.round(stats.costSavedUsd * 1e6) / 1e6,
        embedderFailures: stats.embedderFailures,
        threshold,
        embedder: currentEmbedder(embedder).id,
        disabledReason: reason(),
      };
    },
    clear(alias?: string): number {
      if (!store) return 0;
      try {
        return store.clear(alias);
      } catch (err) {
        onDbError(err, 'clear');
        return 0;
      }
    },
    setThreshold(t: number): void {
      if (!(t >= 0 && t <= 1)) throw new RangeError('threshold must be between 0 and 1');
      threshold = t;
    },
    health() {
      const ok = store !== undefined;
      const e = currentEmbedder(embedder);
      return {
        exact: ok && settings.cache.exact.enabled,
        semantic: ok && semanticOn(),
        embedder: !semanticOn() ? 'off' : (e.state ?? (e.ready === false ? 'loading' : 'ready')),
        disabledReason: reason(),
      };
    },
    applySettings(next: Settings): void {
      const prev = settings;
      settings = next;
      if (next.cache.semantic.threshold !== prev.cache.semantic.threshold) threshold = next.cache.semantic.threshold;
      const s = next.cache.semantic;
      const p = prev.cache.semantic;
      if (!deps.embedder && (s.embedder !== p.embedder || s.embedderModel !== p.embedderModel || s.embedderProvider !== p.embedderProvider)) {
        embedder = createEmbedder(next, deps.providers);
        preload(embedder);
      }
      if (store) {
        store.limits = { maxEntries: next.cache.maxEntries, maxBytes: next.cache.maxBytes };
        try {
          store.enforceLimits();
        } catch (err) {
          onDbError(err, 'evict');
        }
      }
    },
    close(): void {
      store?.close();
      try {
        db?.close();
      } catch {
        // nothing to release
      }
      db = undefined;
      store = undefined;
    },
  };
}

// A hit gets a new response id; unique is enough (crypto randomness per hit showed up in profiles).
const idPrefix = randomBytes(6).toString('hex');
let idCounter = 0;

function freshId(id: string): string {
  const cut = Math.max(id.lastIndexOf('-'), id.lastIndexOf('_'));
  const prefix = cut > 0 ? id.slice(0, cut + 1) : 'cache-';
  return `${prefix}${idPrefix}${(++idCounter).toString(16).padStart(12, '0')}`;
}
