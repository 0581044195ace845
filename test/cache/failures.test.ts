// Each way the database can fail: the request still gets an answer path (a bypass status), the reason is visible
// through health(), and nothing throws.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { Cache } from '../../main/cache/cache.js';
import { migrate, type Migration, migrations, SCHEMA_VERSION } from '../../main/cache/migrations.js';
import { answer, ask, ctxFor, openCache, roundTrip, semanticOn, settings, target, tempDir } from './fixtures.js';

const open: Cache[] = [];
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of open.splice(0)) c.close();
  for (const f of cleanups.splice(0)) f();
});
const warnLog = () => {
  const warnings: string[] = [];
  return { warnings, logger: { warn: (_: unknown, m?: string) => void warnings.push(m ?? ''), info: () => {}, error: () => {} } };
};

describe('migrations', () => {
  it('creates the current schema version and is a no-op the second time', () => {
    const db = new Database(':memory:');
    expect(migrate(db)).toEqual(Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1));
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(migrate(db)).toEqual([]);
  });

  it('applies only the newer steps to an older file, keeping its rows', () => {
    const db = new Database(':memory:');
    migrate(db);
    db.prepare(`INSERT INTO entries(kind,key,alias,scope,response,bytes,created_at,expires_at,last_used_at) VALUES ('exact','k','a','','{}',1,0,9,0)`).run();
    const v2: Migration = (d) => d.exec('ALTER TABLE entries ADD COLUMN hits INTEGER NOT NULL DEFAULT 0');
    expect(migrate(db, [...migrations, v2])).toEqual([SCHEMA_VERSION + 1]);
    expect(db.prepare('SELECT key, hits FROM entries').get()).toEqual({ key: 'k', hits: 0 });
  });

  it('refuses a file from a newer app: the cache is disabled, not downgraded', async () => {
    const dir = tempDir();
    const db = new Database(path.join(dir, 'cache.db'));
    db.pragma(`user_version = ${SCHEMA_VERSION + 5}`);
    db.close();
    const cache = openCache(settings(), { dataDir: dir });
    open.push(cache);
    expect(cache.health()).toMatchObject({ exact: false, semantic: false });
    expect(cache.health().disabledReason).toMatch(/newer than this app/);
    expect((await cache.lookup(ask('q'), ctxFor())).status).toBe('bypass:disabled');
  });
});

describe('failure cases', () => {
  it('a corrupt file is moved aside and recreated, with a warning', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'cache.db'), Buffer.alloc(8192, 0x5a));
    const { warnings, logger } = warnLog();
    const cache = openCache(settings(), { dataDir: dir, logger });
    open.push(cache);
    expect(cache.health()).toEqual({ exact: true, semantic: false, embedder: 'off', disabledReason: undefined });
    expect(fs.readdirSync(dir).some((f) => /^cache\.db\.corrupt-\d+$/.test(f))).toBe(true);
    expect(warnings.join()).toMatch(/moved aside/);
    await roundTrip(cache, ask('q'), ctxFor(), answer('a'));
    expect((await cache.lookup(ask('q'), ctxFor())).status).toBe('hit-exact');
  });

  it('a file locked by another process disables the cache with the reason', async () => {
    const dir = tempDir();
    const first = openCache(settings(), { dataDir: dir });
    first.close();
    const holder = new Database(path.join(dir, 'cache.db'));
    holder.exec('BEGIN EXCLUSIVE');
    cleanups.push(() => holder.close());
    const cache = openCache(settings(), { dataDir: dir });
    open.push(cache);
    expect(cache.health().exact).toBe(false);
    expect(cache.health().disabledReason).toMatch(/locked/);
    expect((await cache.lookup(ask('q'), ctxFor())).status).toBe('bypass:disabled');
    expect(() => cache.store(ask('q'), ctxFor(), { status: 'miss' }, answer('a'), target())).not.toThrow();
  });

  it('a lock taken by another process at run time: stores are skipped, then the cache turns itself off', async () => {
    const { warnings, logger } = warnLog();
    const cache = openCache(settings(), { logger });
    open.push(cache);
    await roundTrip(cache, ask('before'), ctxFor(), answer('a'));
    const other = new Database(path.join(cache.dir, 'cache.db'));
    other.exec('BEGIN IMMEDIATE');
    cleanups.push(() => other.close());
    for (const q of ['x1', 'x2']) {
      expect(() => cache.store(ask(q), ctxFor(), { status: 'miss', token: { exactKey: q } }, answer('b'), target())).not.toThrow();
      expect(cache.health().exact).toBe(true);
    }
    expect(warnings.filter((w) => /busy/.test(w))).toHaveLength(2);
    expect((await cache.lookup(ask('before'), ctxFor())).status).toBe('hit-exact'); // reads still work under WAL
    cache.store(ask('x3'), ctxFor(), { status: 'miss', token: { exactKey: 'x3' } }, answer('b'), target());
    expect(cache.health()).toMatchObject({ exact: false, disabledReason: expect.stringMatching(/locked/) });
    expect((await cache.lookup(ask('before'), ctxFor())).status).toBe('bypass:disabled');
  });

  it('a read-only file disables the cache with the reason', async (t) => {
    const dir = tempDir();
    openCache(settings(), { dataDir: dir }).close();
    const file = path.join(dir, 'cache.db');
    for (const f of fs.readdirSync(dir)) fs.chmodSync(path.join(dir, f), 0o444);
    fs.chmodSync(dir, 0o555);
    cleanups.push(() => fs.chmodSync(dir, 0o755));
    if (process.getuid?.() === 0) {
      // root ignores permission bits; the immutable attribute binds root too.
      try {
        execFileSync('chattr', ['+i', file, dir], { stdio: 'ignore' });
        cleanups.unshift(() => execFileSync('chattr', ['-i', file, dir], { stdio: 'ignore' }));
      } catch {
        t.skip();
      }
    }
    const cache = openCache(settings(), { dataDir: dir });
    open.push(cache);
    expect(cache.health().exact).toBe(false);
    expect(cache.health().disabledReason).toMatch(/read-only/);
    expect((await cache.lookup(ask('q'), ctxFor())).status).toBe('bypass:disabled');
    expect(fs.existsSync(file)).toBe(true); // a read-only file is not "corrupt": it stays where it is
  });

  it('a full disk (SQLITE_FULL) disables the cache; requests keep flowing', async () => {
    const { warnings, logger } = warnLog();
    const cache = openCache(settings(), {
      logger,
      configureDb: (db) => {
        const pages = db.pragma('page_count', { simple: true }) as number;
        db.pragma(`max_page_count = ${pages + 2}`);
      },
    });
    open.push(cache);
    for (let i = 0; i < 20 && cache.health().exact; i++) {
      await roundTrip(cache, ask(`q${i}`), ctxFor(), answer('x'.repeat(4_000)));
    }
    expect(cache.health()).toMatchObject({ exact: false });
    expect(cache.health().disabledReason).toMatch(/SQLITE_FULL/);
    expect(warnings).toContain('cache disabled');
    expect((await cache.lookup(ask('q0'), ctxFor())).status).toBe('bypass:disabled');
    expect(cache.stats().disabledReason).toMatch(/disk full/);
  });

  it('a missing sqlite-vec binary disables only the semantic cache', async () => {
    const cache = openCache(semanticOn(), { vecPath: path.join(tempDir(), 'no-such-vec0.so') });
    open.push(cache);
    expect(cache.health()).toMatchObject({ exact: true, semantic: false });
    expect(cache.health().disabledReason).toMatch(/sqlite-vec/);
    await roundTrip(cache, ask('How do I reverse a list in Python?'), ctxFor(), answer('a'));
    expect((await cache.lookup(ask('How do I reverse a list in Python?'), ctxFor())).status).toBe('hit-exact');
    expect((await cache.lookup(ask('how can I reverse a list in python'), ctxFor())).status).toBe('miss');
  });
});
