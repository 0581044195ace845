// Opens `<dataDir>/cache.db`. A cache problem must never fail a request, so every failure here becomes either a
// fresh file (corrupt/unreadable: the old one is moved aside) or a reason the cache is disabled.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { createPrivateFile } from '../settings/paths.js';
import { migrate, SchemaTooNewError } from './migrations.js';
import { sqliteVecPath } from './vec-path.js';

export interface CacheLogger {
  warn(obj: unknown, msg?: string): void;
  info(obj: unknown, msg?: string): void;
  error(obj: unknown, msg?: string): void;
}

export interface OpenOptions {
  logger?: CacheLogger;
  /** Overrides the sqlite-vec library path (tests; a missing file simulates a missing binary). */
  vecPath?: string;
  /** How long a write waits for another process's lock before giving up. */
  busyTimeoutMs?: number;
}

export interface OpenedDb {
  db?: Database.Database;
  /** Set when the whole cache is off. */
  disabledReason?: string;
  /** Set when sqlite-vec could not be loaded: only the semantic cache is off. */
  vecReason?: string;
  /** Where a corrupt file was moved, if one was. */
  movedAside?: string;
}

export const CACHE_DB_FILE = 'cache.db';
export const CACHE_PAGE_SIZE = 16_384;

/** An error's message, for logs and reasons (a thrown non-Error as its string). */
export const errorMessage = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** A short reason for a SQLite failure, naming the condition rather than echoing internals. */
export function describeDbError(err: unknown): string {
  if (err instanceof SchemaTooNewError) return err.message;
  const code = (err as { code?: string }).code ?? '';
  const msg = errorMessage(err);
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return `cache database is locked by another process (${code})`;
  if (code.startsWith('SQLITE_READONLY') || code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
    return `cache database is read-only or not writable (${code})`;
  }
  if (code === 'SQLITE_FULL') return 'disk full: cache database cannot grow (SQLITE_FULL)';
  if (code.startsWith('SQLITE_IOERR')) return `cache database I/O error (${code})`;
  return `cache database error: ${code || msg}`;
}

function isCorrupt(err: unknown): boolean {
  const code = (err as { code?: string }).code ?? '';
  return code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT') || code.startsWith('SQLITE_CANTOPEN');
}

/** Page size, journal and caches of the cache file (the benchmark's vector tables use the same). */
export function applyStorageSettings(db: Database.Database): void {
  // Takes effect only in a new file (before WAL). sqlite-vec reads its vectors 1024 to a blob: with 4 KB pages a
  // 768-bit chunk spans 24 overflow pages; with 16 KB pages a 100k-row lookup measured about 4.2 ms p50
  // against 5.4 ms. Larger pages would cost more WAL bytes on each small write.
  db.pragma(`page_size = ${CACHE_PAGE_SIZE}`);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  // Keep the hot pages (bit vectors, indexes) in memory: the default 2 MB page cache makes a 100k-entry KNN
  // scan go to the OS for every chunk.
  db.pragma('cache_size = -65536');
  db.pragma('mmap_size = 268435456');
}

function openAndPrepare(file: string, opts: OpenOptions): Database.Database {
  createPrivateFile(file);
  const db = new Database(file, { timeout: opts.busyTimeoutMs ?? 250 });
  try {
    applyStorageSettings(db);
    migrate(db);
    // Probe for a writer lock held elsewhere (WAL lets us read while another process writes).
    db.exec('BEGIN IMMEDIATE; COMMIT');
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

function moveAside(file: string): string {
  const dest = `${file}.corrupt-${Date.now()}`;
  fs.renameSync(file, dest);
  for (const suffix of ['-wal', '-shm']) fs.rmSync(file + suffix, { force: true });
  return dest;
}

export function openCacheDb(dataDir: string, opts: OpenOptions = {}): OpenedDb {
  const log = opts.logger;
  const file = path.join(dataDir, CACHE_DB_FILE);
  let db: Database.Database;
  let movedAside: string | undefined;
  try {
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    try {
      db = openAndPrepare(file, opts);
    } catch (err) {
      if (!isCorrupt(err) || !fs.existsSync(file)) throw err;
      movedAside = moveAside(file);
      log?.warn({ file, movedTo: movedAside, code: (err as { code?: string }).code }, 'cache.db was unreadable or corrupt; moved aside and recreated');
      db = openAndPrepare(file, opts);
    }
  } catch (err) {
    const reason = describeDbError(err);
    log?.warn({ file, reason }, 'cache disabled');
    return { disabledReason: reason, movedAside };
  }
  let vecReason: string | undefined;
  try {
    db.loadExtension(opts.vecPath ?? sqliteVecPath());
  } catch (err) {
    vecReason = `sqlite-vec could not be loaded: ${errorMessage(err)}`;
    log?.warn({ reason: vecReason }, 'semantic cache disabled');
  }
  return { db, vecReason, movedAside };
}
