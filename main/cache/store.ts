// Rows of cache.db: exact and semantic entries, their TTL and LRU bookkeeping. Synchronous (better-sqlite3);
// every statement is prepared once. Callers (cache-file.ts) turn thrown SQLite errors into a disabled cache.
import type Database from 'better-sqlite3';
import { VecIndex, vecTableName } from './vec-index.js';

/** How many exact-cache rows the hot map keeps. */
const HOT_ENTRIES = 512;

export interface StoredEntry {
  id: number;
  response: string;
  prompt: string | null;
  local: number;
}

type HotRow = StoredEntry & { expires_at: number };

export interface NewEntry {
  kind: 'exact' | 'semantic';
  key: string;
  alias: string;
  scope: string;
  prompt?: string;
  response: string;
  local: boolean;
  ttlMs: number;
}

export interface Limits {
  maxEntries: number;
  maxBytes: number;
}

const TOUCH_FLUSH_MS = 1_000;
const PURGE_EVERY_MS = 60_000;

export class EntryStore {
  entries = 0;
  bytes = 0;
  private readonly vecs = new Map<string, VecIndex>();
  /** Exact-key rows read recently, so a repeated hit skips SQLite. Cleared on every removal. */
  private readonly hot = new Map<string, HotRow>();
  /** LRU touches are batched: a hit must not pay for a write. */
  private readonly touched = new Map<number, number>();
  private touchTimer?: NodeJS.Timeout;
  private lastPurge = 0;
  private readonly s: Record<string, Database.Statement>;

  constructor(
    private readonly db: Database.Database,
    public limits: Limits,
  ) {
    this.s = {
      getByKey: db.prepare('SELECT id, response, prompt, local, expires_at FROM entries WHERE key = ?'),
      rowByKey: db.prepare('SELECT id, bytes, vec_table FROM entries WHERE key = ?'),
      getById: db.prepare('SELECT id, response, prompt, local, expires_at FROM entries WHERE id = ?'),
      insert: db.prepare(
        `INSERT INTO entries(kind, key, alias, scope, prompt, vec_table, response, local, bytes, created_at, expires_at, last_used_at)
         VALUES (@kind, @key, @alias, @scope, @prompt, @vecTable, @response, @local, @bytes, @now, @expiresAt, @now)`,
      ),
      touch: db.prepare('UPDATE entries SET last_used_at = ? WHERE id = ?'),
      oldest: db.prepare('SELECT id, bytes, vec_table FROM entries ORDER BY last_used_at LIMIT ?'),
      expired: db.prepare('SELECT id, bytes, vec_table FROM entries WHERE expires_at <= ? LIMIT 1000'),
      byAlias: db.prepare('SELECT id, bytes, vec_table FROM entries WHERE alias = ?'),
      all: db.prepare('SELECT id, bytes, vec_table FROM entries'),
      del: db.prepare('DELETE FROM entries WHERE id = ?'),
      totals: db.prepare('SELECT count(*) AS n, coalesce(sum(bytes), 0) AS b FROM entries'),
      registerVec: db.prepare('INSERT OR IGNORE INTO vec_tables(name, embedder, dim) VALUES (?, ?, ?)'),
    };
    const t = this.s.totals.get() as { n: number; b: number };
    this.entries = t.n;
    this.bytes = t.b;
  }

  vecIndex(embedderId: string, dim: number): VecIndex {
    const name = vecTableName(embedderId, dim);
    let idx = this.vecs.get(name);
    if (!idx) {
      idx = new VecIndex(this.db, name, dim);
      this.s.registerVec.run(name, embedderId, dim);
      this.vecs.set(name, idx);
    }
    return idx;
  }

  /** A live entry by exact key. Recently read entries are served from memory (the hot map). */
  getLive(key: string, now: number): StoredEntry | undefined {
    let row = this.hot.get(key);
    if (!row) {
      row = this.s.getByKey.get(key) as HotRow | undefined;
      if (!row) return undefined;
      if (this.hot.size >= HOT_ENTRIES) this.hot.delete(this.hot.keys().next().value!);
      this.hot.set(key, row);
    }
    if (row.expires_at <= now) return undefined;
    this.touch(row.id, now);
    return row;
  }

  getById(id: number, now: number): StoredEntry | undefined {
    const row = this.s.getById.get(id) as (StoredEntry & { expires_at: number }) | undefined;
    return row && row.expires_at > now ? row : undefined;
  }

  touch(id: number, now: number): void {
    this.touched.set(id, now);
    this.touchTimer ??= setTimeout(() => this.flushTouches(), TOUCH_FLUSH_MS).unref();
  }

  flushTouches(): void {
    clearTimeout(this.touchTimer);
    this.touchTimer = undefined;
    if (this.touched.size === 0) return;
    const batch = [...this.touched];
    this.touched.clear();
    this.db.transaction(() => {
      for (const [id, at] of batch) this.s.touch.run(at, id);
    })();
  }

  /** Inserts an entry (and its vector), replacing one with the same key (e.g. expired), then evicts to stay within limits. */
  put(e: NewEntry, now: number, vec?: { index: VecIndex; ctx: string; vector: Float32Array }): void {
    const bytes = Math.ceil(e.key.length + e.response.length + (e.prompt?.length ?? 0) + 200 + (vec ? vec.vector.length * 4.5 : 0));
    const expiresAt = now + e.ttlMs;
    this.db.transaction(() => {
      const old = this.s.rowByKey.get(e.key) as Row | undefined;
      if (old) this.remove([old]);
      const r = this.s.insert.run({
        kind: e.kind,
        key: e.key,
        alias: e.alias,
        scope: e.scope,
        prompt: e.prompt ?? null,
        vecTable: vec?.index.name ?? null,
        response: e.response,
        local: e.local ? 1 : 0,
        bytes,
        now,
        expiresAt,
      });
      vec?.index.insert(Number(r.lastInsertRowid), vec.ctx, vec.vector, expiresAt);
    })();
    this.entries++;
    this.bytes += bytes;
    if (now - this.lastPurge > PURGE_EVERY_MS) this.purgeExpired(now);
    this.enforceLimits();
  }

  enforceLimits(): void {
    if (this.entries <= this.limits.maxEntries && this.bytes <= this.limits.maxBytes) return;
    this.flushTouches();
    while (this.entries > this.limits.maxEntries || this.bytes > this.limits.maxBytes) {
      const over = Math.max(this.entries - this.limits.maxEntries, 1);
      const rows = this.s.oldest.all(Math.min(Math.max(over, 16), 1000)) as Row[];
      if (rows.length === 0) break;
      // Delete only as many as needed, oldest first.
      const victims: Row[] = [];
      let entries = this.entries;
      let bytes = this.bytes;
      for (const r of rows) {
        if (entries <= this.limits.maxEntries && bytes <= this.limits.maxBytes) break;
        victims.push(r);
        entries--;
        bytes -= r.bytes;
      }
      this.remove(victims);
    }
  }

  purgeExpired(now: number): number {
    this.lastPurge = now;
    let n = 0;
    for (;;) {
      const rows = this.s.expired.all(now) as Row[];
      if (rows.length === 0) return n;
      this.remove(rows);
      n += rows.length;
    }
  }

  clear(alias?: string): number {
    const rows = (alias === undefined ? this.s.all.all() : this.s.byAlias.all(alias)) as Row[];
    this.remove(rows);
    return rows.length;
  }

  private remove(rows: Row[]): void {
    // Removals are rare (overwrite, eviction, purge, clear): forget every hot row rather than track keys by id.
    this.hot.clear();
    this.db.transaction(() => {
      for (const r of rows) {
        this.s.del.run(r.id);
        if (r.vec_table) this.vecByName(r.vec_table)?.delete(r.id);
      }
    })();
    for (const r of rows) {
      this.entries--;
      this.bytes -= r.bytes;
      this.touched.delete(r.id);
    }
  }

  /** Vec tables from earlier runs (another embedder) still need their rows deleted with the entry. */
  private vecByName(name: string): { delete(id: number): void } | undefined {
    const idx = this.vecs.get(name);
    if (idx) return idx;
    const row = this.db.prepare('SELECT dim FROM vec_tables WHERE name = ?').get(name) as { dim: number } | undefined;
    if (!row) return undefined;
    try {
      const del = this.db.prepare(`DELETE FROM ${name} WHERE rowid = ?`);
      return { delete: (id) => void del.run(BigInt(id)) };
    } catch {
      return undefined; // sqlite-vec not loaded: the orphaned vector is unreachable (lookups go through entries)
    }
  }

  close(): void {
    try {
      this.flushTouches();
    } catch {
      // closing must not throw; the touches only affect LRU order
    }
  }
}

interface Row {
  id: number;
  bytes: number;
  vec_table: string | null;
}
