// The response cache: exact prompt cache + semantic cache over one SQLite file. Implements the pipeline's
// ResponseCache and the admin API's CacheAdmin. A cache problem never fails a request: every path returns a
// status (`bypass:<reason>` when the cache could not help) and store() never throws.
// This file is the facade and the exact side; the semantic side is semantic.ts, the file and its failure policy
// cache-file.ts, the answers and their counters counters.ts.
import type Database from 'better-sqlite3';
import type { CacheContext, CacheLookup, ResponseCache, RouteTarget } from '../core/ports.js';
import type { ChatRequest, ChatResponse } from '../core/types.js';
import type { ProviderRegistry } from '../providers/registry.js';
import type { Settings } from '../settings/schema.js';
import type { CacheAdmin, CacheStats } from './types.js';
import { CacheFile } from './cache-file.js';
import { CacheCounters } from './counters.js';
import { type CacheLogger, errorMessage } from './db.js';
import type { Embedder, EmbedderState } from './embedders/index.js';
import { contextHash, exactKey, resolvedTarget } from './key.js';
import { SemanticCache, type SemanticToken, startEmbedder } from './semantic.js';
import { exactSkipReason, unstorableReason } from './skip.js';

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

/** What lookup() hands to store(): the keys it computed, so that a miss's answer is stored under them. */
interface LookupToken {
  exactKey?: string;
  semantic?: SemanticToken;
}

export function createCache(initial: Settings, deps: CacheDeps): Cache {
  const log = deps.logger;
  const now = deps.now ?? Date.now;
  let settings = initial;
  const embedder = startEmbedder(settings, deps, log);
  const file = new CacheFile(deps.dataDir, {
    logger: log,
    vecPath: deps.vecPath,
    configureDb: deps.configureDb,
    limits: { maxEntries: settings.cache.maxEntries, maxBytes: settings.cache.maxBytes },
  });
  const counters = new CacheCounters(now);
  const semantic = new SemanticCache(settings, embedder, file, counters, { providers: deps.providers, embedder: deps.embedder, log, now });

  const reason = (): string | undefined =>
    file.disabledReason ?? (settings.cache.semantic.enabled ? (file.vecReason ?? file.semanticReason) : undefined);

  async function lookup(req: ChatRequest, ctx: CacheContext): Promise<CacheLookup> {
    const store = file.store;
    if (!store) return counters.bypass('disabled');
    const exactOn = settings.cache.exact.enabled;
    if (!exactOn && !semantic.on()) return counters.bypass('disabled');
    try {
      const token: LookupToken = {};
      const exactSkip = exactOn ? exactSkipReason(req, settings.cache.exact.policy) : 'disabled';
      if (!exactSkip) token.exactKey = exactKey(req, ctx);
      const sem = semantic.on() ? semantic.candidate(req) : undefined;
      if (!sem && exactSkip) return counters.bypass(exactSkip);
      if (sem && !sem.skip && sem.prompt !== undefined) token.semantic = { ctx: contextHash(req, ctx), prompt: sem.prompt };
      if (ctx.noRead) return counters.bypass('no-cache', token);

      const t = now();
      if (token.exactKey) {
        const e = store.getLive(`x:${token.exactKey}`, t);
        if (e) return counters.hit('exact', e);
      }
      if (!sem) return counters.miss(token);
      if (sem.skip || !token.semantic) return counters.bypass(sem.skip ?? 'no-text-prompt', token);
      return await semantic.lookup(token, token.semantic, t);
    } catch (err) {
      file.onDbError(err, 'lookup');
      return counters.bypass('cache-error');
    }
  }

  function storeResponse(req: ChatRequest, ctx: CacheContext, lookup: CacheLookup, response: ChatResponse, answeredBy: RouteTarget): void {
    try {
      if (!file.store || ctx.noStore || lookup.status.startsWith('hit')) return;
      const token = lookup.token as LookupToken | undefined;
      if (!token || unstorableReason(response)) return;
      const json = JSON.stringify(response);
      const local = answeredBy.provider.locality === 'local';
      if (token.exactKey) {
        const entry = { kind: 'exact' as const, key: `x:${token.exactKey}`, alias: resolvedTarget(ctx), scope: ctx.scope, response: json, local, ttlMs: settings.cache.exact.ttlMs };
        file.put(entry, now());
      }
      if (token.semantic) semantic.store(token.semantic, { ctx, json, local });
    } catch (err) {
      log?.error({ err: errorMessage(err) }, 'cache store failed');
    }
  }

  return {
    lookup,
    store: storeResponse,
    stats(): CacheStats {
      return {
        entries: file.store?.entries ?? 0,
        bytes: file.store?.bytes ?? 0,
        hits: { exact: counters.hitsExact, semantic: counters.hitsSemantic },
        misses: counters.misses,
        bypasses: counters.bypasses,
        tokensSaved: counters.tokensSaved,
        costSavedUsd: Math.round(counters.costSavedUsd * 1e6) / 1e6,
        embedderFailures: counters.embedderFailures,
        nearMissRejects: counters.nearMissRejects,
        threshold: semantic.threshold,
        embedder: semantic.embedderId(),
        disabledReason: reason(),
      };
    },
    clear(alias?: string): number {
      if (!file.store) return 0;
      try {
        return file.store.clear(alias);
      } catch (err) {
        file.onDbError(err, 'clear');
        return 0;
      }
    },
    setThreshold(t: number): void {
      if (!(t >= 0 && t <= 1)) throw new RangeError('threshold must be between 0 and 1');
      semantic.threshold = t;
    },
    health() {
      const ok = file.store !== undefined;
      return {
        exact: ok && settings.cache.exact.enabled,
        semantic: ok && semantic.on(),
        embedder: semantic.embedderHealth(),
        disabledReason: reason(),
      };
    },
    applySettings(next: Settings): void {
      settings = next;
      semantic.applySettings(next);
      file.setLimits({ maxEntries: next.cache.maxEntries, maxBytes: next.cache.maxBytes });
    },
    close(): void {
      file.close();
    },
  };
}
