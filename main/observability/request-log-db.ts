// The request log's SQLite side: <dataDir>/requests.db's schema, its prepared statements and pruning. Kept apart from
// request-log.ts, which decides when rows are written (batches, busy retries, the memory fallback); this file only
// knows how.
import Database from 'better-sqlite3';
import type { RequestRecord } from '../core/ports.js';
import { createPrivateFile } from '../settings/paths.js';
import type { Settings } from '../settings/schema.js';

const DAY = 86_400_000;
/** How long a write waits for another connection's lock. It blocks the event loop, so keep it short. */
const BUSY_TIMEOUT_MS = 50;
const INSERT_ROWS = 16;

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

/** Another connection holds the lock: worth retrying, not a broken file. */
export const isBusy = (err: unknown): boolean => /^SQLITE_(BUSY|LOCKED)/.test((err as { code?: string }).code ?? '');

export interface RequestLogDb {
  raw: Database.Database;
  /** Writes the rows in one transaction. */
  insertMany(rows: RequestRecord[]): void;
  query: Database.Statement;
  countSince: Database.Statement;
  librechatFirst: Database.Statement;
  since: Database.Statement;
  pruneOld: Database.Statement;
  pruneExcess: Database.Statement;
}

export function openRequestLogDb(path: string): RequestLogDb {
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

/** Deletes rows older than the retention and beyond the newest maxRows. */
export function pruneRequestLog(db: RequestLogDb, log: Settings['log'], at: number): void {
  db.pruneOld.run(at - log.retentionDays * DAY);
  db.pruneExcess.run(log.maxRows);
}

/** The lower-case text a search matches: the `search` column, and the memory fallback's filter. */
export function searchText(r: RequestRecord): string {
  return [r.id, r.client, r.requestedModel, r.alias, r.mappedFrom, r.provider && r.model ? `${r.provider}/${r.model}` : r.provider, r.status, r.cache, r.tier, r.clientFormat, r.error, ...r.fallbackFrom]
    .filter((x) => x !== undefined && x !== '')
    .join(' ')
    .toLowerCase();
}
