// The request log: one row per finished request in <dataDir>/requests.db (SQLite, WAL), bounded by
// settings.log.maxRows and retentionDays. record() only queues the row (and updates the in-memory counts): rows are
// written in one transaction every FLUSH_MS, never on the request's path. Reads write the pending batch first and
// close() writes the rest, so callers never wait for a batch nor miss a row. If the database cannot be used it keeps
// working in memory and says why.
import Database from 'better-sqlite3';
import type { RequestLogReader } from './request-log-reader.js';
import type { TrafficSeries } from './traffic.js';
import type { RequestRecord, RequestSink } from '../core/ports.js';
import { createPrivateFile, requestLogFile } from '../settings/paths.js';
import type { Settings } from '../settings/schema.js';
import { estimateCostUsd } from '../cache/pricing.js';
import { detectClient } from './client-app.js';
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
const DAY = 86_400_000;
/** How long a write waits for another connection's lock. It blocks the event loop, so keep it short. */
const BUSY_TIMEOUT_MS = 50;
const BUSY_RETRY_MS = 1000;
const INSERT_ROWS = 16;

const isBusy = (err: unknown): boolean => /^SQLITE_(BUSY|LOCKED)/.test((err as { code?: string }).code ?? '');

const SCHEMA = `
CREATE TABLE IF NOT EXISTS requests (
  seq INTEGER PRIMARY KEY,
  time INTEGER NOT NULL,
  search TEXT NOT NULL,
  user_agent TEXT,
  record TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS requests_time ON requests(time);
`;

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
  let db: Sqlite | undefined;
  let retryTimer: NodeJS.Timeout | undefined;

  try {
    db = openDb(path);
    prune(db, settings().log, now());
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
          prune(db, settings().log, now());
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
      const out: RequestRecord[] = [];
      for (let i = memory.length - 1; i >= 0 && out.length < n; i--) {
        const r = memory[i];
        if (before !== undefined && r.time >= before) continue;
        if (needle && !searchText(r).includes(needle)) continue;
        out.push(r);
      }
      return out;
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

interface Sqlite {
  raw: Database.Database;
  insertMany(rows: RequestRecord[]): void;
  query: Database.Statement;
  countSince: Database.Statement;
  librechatFirst: Database.Statement;
  since: Database.Statement;
  pruneOld: Database.Statement;
  pruneExcess: Database.Statement;
}

function openDb(path: string): Sqlite {
  createPrivateFile(path);
  const raw = new Database(path, { timeout: BUSY_TIMEOUT_MS });
  try {
    raw.pragma('journal_mode = WAL');
    raw.pragma('synchronous = NORMAL');
    raw.exec(SCHEMA);
    const insertSql = (n: number): string => `INSERT INTO requests (time, search, user_agent, record) VALUES ${Array(n).fill('(?, ?, ?, ?)').join(', ')}`;
    const insertOne = raw.prepare(insertSql(1));
    // Batches go in INSERT_ROWS rows per statement: one statement step per row was the request log's main cost.
    const insertChunk = raw.prepare(insertSql(INSERT_ROWS));
    const values = (r: RequestRecord): unknown[] => [r.time, searchText(r), r.userAgent ?? null, JSON.stringify(r)];
    return {
      raw,
      insertMany: raw.transaction((rows: RequestRecord[]) => {
        let i = 0;
        for (; i + INSERT_ROWS <= rows.length; i += INSERT_ROWS) insertChunk.run(rows.slice(i, i + INSERT_ROWS).flatMap(values));
        for (; i < rows.length; i++) insertOne.run(values(rows[i]));
      }),
      query: raw
        .prepare("SELECT record FROM requests WHERE time < ? AND (? IS NULL OR search LIKE ? ESCAPE '\\') ORDER BY time DESC, seq DESC LIMIT ?")
        .pluck(),
      countSince: raw.prepare('SELECT count(*) FROM requests WHERE time >= ?').pluck(),
      librechatFirst: raw.prepare("SELECT min(time) FROM requests WHERE user_agent LIKE '%librechat%' OR user_agent LIKE '%langchain%'").pluck(),
      since: raw.prepare('SELECT record FROM requests WHERE time >= ? ORDER BY seq').pluck(),
      pruneOld: raw.prepare('DELETE FROM requests WHERE time < ?'),
      // seq only grows and rows only leave from the old end, so the newest maxRows are the last maxRows seqs:
      // two index probes, where OFFSET walked maxRows entries on every prune.
      pruneExcess: raw.prepare('DELETE FROM requests WHERE seq <= (SELECT max(seq) FROM requests) - ?'),
    };
  } catch (err) {
    raw.close();
    throw err;
  }
}

function prune(db: Sqlite, log: Settings['log'], at: number): void {
  db.pruneOld.run(at - log.retentionDays * DAY);
  db.pruneExcess.run(log.maxRows);
}

/** Undefined when the request used no tokens that we know of. */
function costOf(r: RequestRecord): number | undefined {
  if (r.inputTokens === undefined && r.outputTokens === undefined) return undefined;
  if (r.cache.startsWith('hit')) return 0;
  return estimateCostUsd(r.model ?? r.requestedModel, r.locality === 'local', r.inputTokens ?? 0, r.outputTokens ?? 0);
}

function searchText(r: RequestRecord): string {
  return [r.id, r.client, r.requestedModel, r.alias, r.mappedFrom, r.provider && r.model ? `${r.provider}/${r.model}` : r.provider, r.status, r.cache, r.tier, r.clientFormat, r.error, ...r.fallbackFrom]
    .filter((x) => x !== undefined && x !== '')
    .join(' ')
    .toLowerCase();
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
