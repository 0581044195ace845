// The request log: one row per finished request in <dataDir>/requests.db (SQLite, WAL), bounded by
// settings.log.maxRows and retentionDays. record() only queues the row (and updates the in-memory counts): rows are
// written in one transaction every FLUSH_MS, never on the request's path. Reads write the pending batch first and
// close() writes the rest, so callers never wait for a batch nor miss a row. If the database cannot be used it keeps
// working in memory and says why. How rows are stored (schema, statements, pruning) is request-log-db.ts.
import type { RequestLogReader } from './request-log-reader.js';
import type { TrafficSeries } from './traffic.js';
import type { RequestRecord, RequestSink } from '../core/ports.js';
import { requestLogFile } from '../settings/paths.js';
import type { Settings } from '../settings/schema.js';
import { estimateCostUsd } from '../cache/pricing.js';
import { detectClient } from './client-app.js';
import { isBusy, openRequestLogDb, pruneRequestLog, type RequestLogDb, searchText } from './request-log-db.js';
import { scrub } from './secrets.js';
import { TrafficWindow } from './traffic.js';

/** How long finished requests wait to be written together (a crash loses at most this much of the log). */
export const FLUSH_MS = 50;

export interface RequestLogHealth {
  persistent: boolean;
  path: string;
  /** Why the log is in memory only (corrupt, read-only or locked database). */
  disabledReason?: string;
}

export interface RequestLog extends RequestSink, RequestLogReader {
  health(): RequestLogHealth;
  /** Writes every queued row, then closes the database. */
  close(): void;
}

interface LogWarner {
  warn(obj: object, msg?: string): void;
}

export interface RequestLogOptions {
  now?: () => number;
  /** Prune old rows every N inserts. */
  pruneEvery?: number;
}

/** LibreChat reaches custom endpoints through LangChain's ChatOpenAI. */
const LIBRECHAT_UA = /librechat|langchain/i;
/** Rows kept in memory when there is no database. */
const MEMORY_CAP = 10_000;
/** How soon a batch another process's lock kept out is tried again. */
const BUSY_RETRY_MS = 1000;

export function createRequestLog(dataDir: string, settings: () => Settings, logger?: LogWarner, opts: RequestLogOptions = {}): RequestLog {
  const now = opts.now ?? Date.now;
  const pruneEvery = opts.pruneEvery ?? 1000;
  const path = requestLogFile(dataDir);
  const traffic = new TrafficWindow(now);
  const listeners = new Set<(r: RequestRecord) => void>();
  let memory: RequestRecord[] = [];
  let queue: RequestRecord[] = [];
  let flushScheduled = false;
  let flushTimer: NodeJS.Timeout | undefined;
  let sincePrune = 0;
  let disabledReason: string | undefined;
  let today = { day: dayStart(now()), next: nextDayStart(now()), count: 0 };
  let librechatAt: number | undefined;
  let db: RequestLogDb | undefined;
  let retryTimer: NodeJS.Timeout | undefined;

  try {
    db = openRequestLogDb(path);
    pruneRequestLog(db, settings().log, now());
    today.count = db.countSince.get(today.day) as number;
    librechatAt = (db.librechatFirst.get() as number | null) ?? undefined;
    for (const row of db.since.all(now() - 60 * 60_000) as string[]) traffic.add(JSON.parse(row) as RequestRecord);
  } catch (err) {
    goMemory(err);
  }

  function goMemory(err: unknown): void {
    disabledReason = `request log kept in memory only: ${scrub((err as Error).message ?? String(err))} (${path})`;
    logger?.warn({ path }, disabledReason);
    try {
      db?.raw.close();
    } catch {
      // Already unusable.
    }
    db = undefined;
  }

  function flush(): void {
    clearTimeout(flushTimer);
    flushScheduled = false;
    const batch = queue;
    queue = [];
    if (batch.length === 0) return;
    if (db) {
      try {
        db.insertMany(batch);
        sincePrune += batch.length;
        if (sincePrune >= pruneEvery) {
          sincePrune = 0;
          pruneRequestLog(db, settings().log, now());
        }
        return;
      } catch (err) {
        if (isBusy(err)) {
          // Another process (a second gateway on the same data dir) holds the write lock: retry soon,
          // keeping at most MEMORY_CAP rows waiting, instead of giving up on the file.
          queue = [...batch, ...queue].slice(-MEMORY_CAP);
          retryTimer ??= setTimeout(() => {
            retryTimer = undefined;
            flush();
          }, BUSY_RETRY_MS);
          retryTimer.unref();
          return;
        }
        goMemory(err);
      }
    }
    memory.push(...batch);
    const cap = Math.min(MEMORY_CAP, settings().log.maxRows);
    if (memory.length > cap) memory = memory.slice(memory.length - cap);
  }

  // Clients send the same User-Agent request after request.
  let lastAgent: string | undefined;
  let lastClient: string | undefined;
  const clientOf = (ua: string | undefined): string | undefined => {
    if (ua !== lastAgent) [lastAgent, lastClient] = [ua, detectClient(ua)];
    return lastClient;
  };

  function stored(r: RequestRecord): RequestRecord {
    // A record that already names its client or cost keeps its own; prompts only when the user stores them.
    return {
      client: clientOf(r.userAgent),
      costUsd: costOf(r),
      ...r,
      fallbackFrom: [...r.fallbackFrom],
      prompt: settings().log.storePrompts ? r.prompt : undefined,
      error: r.error && scrub(r.error),
    };
  }

  return {
    record(r) {
      try {
        const row = stored(r);
        const t = now();
        // Date arithmetic only when the day rolls over, not on every request.
        if (t >= today.next) today = { day: dayStart(t), next: nextDayStart(t), count: 0 };
        if (row.time >= today.day) today.count++;
        if (librechatAt === undefined && row.userAgent && LIBRECHAT_UA.test(row.userAgent)) librechatAt = row.time;
        traffic.add(row);
        queue.push(row);
        if (!flushScheduled) {
          flushScheduled = true;
          // One transaction per FLUSH_MS, not per event-loop turn: commits showed up in the hot path's profile.
          flushTimer = setTimeout(flush, FLUSH_MS);
          flushTimer.unref();
        }
        for (const listener of listeners) {
          try {
            listener(row);
          } catch {
            // A broken subscriber (a closed SSE socket) must not affect the request or the others.
          }
        }
      } catch (err) {
        logger?.warn({ err: scrub(String(err)) }, 'request log: record failed');
      }
    },
    query({ limit = 100, before, q } = {}) {
      flush();
      const n = Math.max(1, Math.min(1000, Math.floor(limit)));
      const needle = q?.trim().toLowerCase() || undefined;
      if (db) {
        try {
          const like = needle ? `%${needle.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
          return (db.query.all(before ?? Number.MAX_SAFE_INTEGER, like, like, n) as string[]).map((s) => JSON.parse(s) as RequestRecord);
        } catch (err) {
          goMemory(err);
        }
      }
      return newestInMemory(memory, n, before, needle);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    requestsToday: () => (now() < today.next ? today.count : 0),
    traffic: (): TrafficSeries => traffic.series(),
    librechatSeenAt: () => librechatAt,
    health: () => ({ persistent: db !== undefined, path, ...(disabledReason ? { disabledReason } : {}) }),
    close() {
      clearTimeout(retryTimer);
      flush();
      listeners.clear();
      try {
        db?.raw.close();
      } catch {
        // Closing a broken database is best effort.
      }
      db = undefined;
    },
  };
}

/** The memory fallback's query: the newest n rows before `before` whose search text has the needle. */
function newestInMemory(memory: RequestRecord[], n: number, before: number | undefined, needle: string | undefined): RequestRecord[] {
  const out: RequestRecord[] = [];
  for (let i = memory.length - 1; i >= 0 && out.length < n; i--) {
    const r = memory[i];
    if (before !== undefined && r.time >= before) continue;
    if (needle && !searchText(r).includes(needle)) continue;
    out.push(r);
  }
  return out;
}

/** Undefined when the request used no tokens that we know of. */
function costOf(r: RequestRecord): number | undefined {
  if (r.inputTokens === undefined && r.outputTokens === undefined) return undefined;
  if (r.cache.startsWith('hit')) return 0;
  return estimateCostUsd(r.model ?? r.requestedModel, r.locality === 'local', r.inputTokens ?? 0, r.outputTokens ?? 0);
}

/** Local midnight: "today" as the user sees it. */
function dayStart(t: number): number {
  const d = new Date(t);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

/** The next local midnight (setHours copes with DST days that are 23 or 25 hours long). */
function nextDayStart(t: number): number {
  const d = new Date(t);
  d.setHours(24, 0, 0, 0);
  return d.getTime();
}
