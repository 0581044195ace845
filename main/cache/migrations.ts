// Forward-only schema migrations, tracked with PRAGMA user_version. Each step runs in a transaction; a file
// written by a newer app (higher version) is left untouched and the cache is disabled instead of downgrading it.
import type Database from 'better-sqlite3';

export type Migration = (db: Database.Database) => void;

export const migrations: Migration[] = [
  // v1: one row per cached response. `kind` is exact|semantic; vec tables (created on demand, one per embedder
  // model and dimension) reference entries.id as their rowid.
  (db) => {
    db.exec(`
      CREATE TABLE entries (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        key TEXT NOT NULL UNIQUE,
        alias TEXT NOT NULL,
        scope TEXT NOT NULL,
        prompt TEXT,
        vec_table TEXT,
        response TEXT NOT NULL,
        local INTEGER NOT NULL DEFAULT 0,
        bytes INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        last_used_at INTEGER NOT NULL
      );
      CREATE INDEX entries_lru ON entries(last_used_at);
      CREATE INDEX entries_expiry ON entries(expires_at);
      CREATE INDEX entries_alias ON entries(alias);
      CREATE TABLE vec_tables (name TEXT PRIMARY KEY, embedder TEXT NOT NULL, dim INTEGER NOT NULL);
    `);
  },
];

export const SCHEMA_VERSION = migrations.length;

export class SchemaTooNewError extends Error {}

/** Applies every migration after the file's version. Returns the versions applied. */
export function migrate(db: Database.Database, steps: Migration[] = migrations): number[] {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > steps.length) {
    throw new SchemaTooNewError(`cache.db schema v${current} is newer than this app (v${steps.length})`);
  }
  const applied: number[] = [];
  for (let v = current; v < steps.length; v++) {
    db.transaction(() => {
      steps[v](db);
      db.pragma(`user_version = ${v + 1}`);
    })();
    applied.push(v + 1);
  }
  return applied;
}
