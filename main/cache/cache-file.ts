// The cache's SQLite file and what its failures turn off. A cache problem never fails a request: a busy lock (another
// process writing) is skipped a few times, any other storage failure closes the file and turns the whole cache off,
// and a failure inside the vector search that is not the storage's turns off only the semantic cache. Each says why
// in `disabledReason` / `semanticReason`, which stats and health show.
import type Database from 'better-sqlite3';
import { type CacheLogger, describeDbError, errorMessage, openCacheDb } from './db.js';
import { EntryStore, type Limits, type NewEntry } from './store.js';

/** Consecutive SQLITE_BUSY failures after which another process is taken to own the file. */
const MAX_BUSY = 3;
/** Codes that mean the file itself is in trouble, wherever they come from. */
const STORAGE_ERROR = /^SQLITE_(FULL|READONLY|BUSY|LOCKED|CORRUPT|NOTADB|IOERR|CANTOPEN)/;

export interface CacheFileOptions {
  logger?: CacheLogger;
  /** Overrides the sqlite-vec library path (tests). */
  vecPath?: string;
  /** Called once the database is open (tests use it to set e.g. PRAGMA max_page_count). */
  configureDb?: (db: Database.Database) => void;
  limits: Limits;
}

/** A vector to store with an entry, in the table of the embedder that made it. */
export interface EntryVector {
  embedderId: string;
  ctx: string;
  vector: Float32Array;
}

const errorCode = (err: unknown): string => (err as { code?: string }).code ?? '';

export class CacheFile {
  /** Undefined while the cache is off. */
  store: EntryStore | undefined;
  disabledReason: string | undefined;
  /** Set when sqlite-vec could not be loaded: only the semantic cache is off. */
  readonly vecReason: string | undefined;
  semanticReason: string | undefined;
  private db: Database.Database | undefined;
  private busyFailures = 0;
  private readonly log: CacheLogger | undefined;

  constructor(dataDir: string, opts: CacheFileOptions) {
    this.log = opts.logger;
    const opened = openCacheDb(dataDir, { logger: opts.logger, vecPath: opts.vecPath });
    this.db = opened.db;
    this.disabledReason = opened.disabledReason;
    this.vecReason = opened.vecReason;
    if (!this.db) return;
    try {
      opts.configureDb?.(this.db);
      this.store = new EntryStore(this.db, opts.limits);
    } catch (err) {
      this.disable(err);
    }
  }

  /** Routes a SQLite failure: a busy lock is skipped a few times, anything else disables the cache. */
  onDbError(err: unknown, during: string): void {
    const code = errorCode(err);
    if (code.startsWith('SQLITE_BUSY') && ++this.busyFailures < MAX_BUSY) {
      this.log?.warn({ during, code }, 'cache database busy; skipped');
      return;
    }
    this.log?.error({ during, code, err: errorMessage(err) }, 'cache error');
    this.disable(err);
  }

  /** A non-storage failure inside the vector search (a bug, an odd vector) turns off only the semantic cache. */
  onSemanticError(err: unknown, during: string): void {
    const code = errorCode(err);
    if (STORAGE_ERROR.test(code)) return this.onDbError(err, during);
    this.semanticReason = `semantic cache error: ${errorMessage(err)}`;
    this.log?.error({ during, code, reason: this.semanticReason }, 'semantic cache disabled');
  }

  /** Writes an entry (and its vector); a failure is routed as above, never thrown. */
  put(entry: NewEntry, at: number, vec?: EntryVector): void {
    const store = this.store;
    if (!store) return;
    try {
      store.put(entry, at, vec && { index: store.vecIndex(vec.embedderId, vec.vector.length), ctx: vec.ctx, vector: vec.vector });
      this.busyFailures = 0;
    } catch (err) {
      if (vec) this.onSemanticError(err, 'semantic store');
      else this.onDbError(err, 'store');
    }
  }

  /** New size limits, applied at once (evicting the least recently used entries). */
  setLimits(limits: Limits): void {
    if (!this.store) return;
    this.store.limits = limits;
    try {
      this.store.enforceLimits();
    } catch (err) {
      this.onDbError(err, 'evict');
    }
  }

  close(): void {
    this.store?.close();
    this.closeDb();
  }

  private disable(err: unknown): void {
    this.disabledReason = describeDbError(err);
    this.log?.warn({ reason: this.disabledReason }, 'cache disabled');
    this.closeDb();
  }

  private closeDb(): void {
    try {
      this.db?.close();
    } catch {
      // already unusable, or nothing to release
    }
    this.db = undefined;
    this.store = undefined;
  }
}
