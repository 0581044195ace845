import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { CACHE_DB_FILE, CACHE_PAGE_SIZE, openCacheDb } from '../../main/cache/db.js';
import { tempDir } from './fixtures.js';

const pageSize = (file: string): number => {
  const db = new Database(file, { readonly: true });
  try {
    return db.pragma('page_size', { simple: true }) as number;
  } finally {
    db.close();
  }
};

describe('cache database file', () => {
  it('a new file gets 16 KB pages (fewer overflow pages per sqlite-vec chunk)', () => {
    const dir = tempDir();
    const opened = openCacheDb(dir);
    expect(opened.disabledReason).toBeUndefined();
    opened.db!.close();
    expect(pageSize(path.join(dir, CACHE_DB_FILE))).toBe(CACHE_PAGE_SIZE);
  });

  it('an existing file keeps its page size and its rows', () => {
    const dir = tempDir();
    const file = path.join(dir, CACHE_DB_FILE);
    const old = new Database(file);
    old.pragma('journal_mode = WAL');
    old.exec('CREATE TABLE keep (x); INSERT INTO keep VALUES (42)');
    old.close();
    const opened = openCacheDb(dir);
    expect(opened.disabledReason).toBeUndefined();
    expect(opened.db!.prepare('SELECT x FROM keep').pluck().get()).toBe(42);
    opened.db!.close();
    expect(pageSize(file)).toBe(4096);
    expect(fs.existsSync(file)).toBe(true);
  });
});
