import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RequestRecord } from '../../main/core/ports.js';
import { createRequestLog, FLUSH_MS, type RequestLog } from '../../main/observability/request-log.js';
import { settingsSchema, type SettingsInput } from '../../main/settings/schema.js';
import { record } from './records.js';

const dirs: string[] = [];
const logs: RequestLog[] = [];
afterEach(() => {
  vi.useRealTimers();
  for (const l of logs.splice(0)) l.close();
  for (const d of dirs.splice(0)) {
    chmodSync(d, 0o700);
    rmSync(d, { recursive: true, force: true });
  }
});

function open(input: SettingsInput['log'] = {}, opts: { dataDir?: string; now?: () => number; pruneEvery?: number } = {}) {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'lynkr-log-'));
  if (!opts.dataDir) dirs.push(dataDir);
  const settings = settingsSchema.parse({ log: input });
  const warnings: string[] = [];
  const log = createRequestLog(dataDir, () => settings, { warn: (_o, msg) => warnings.push(msg ?? '') }, { now: opts.now, pruneEvery: opts.pruneEvery });
  logs.push(log);
  return { log, dataDir, warnings, settings };
}

const rowCount = (dataDir: string) => {
  const db = new Database(join(dataDir, 'requests.db'), { readonly: true });
  try {
    return db.prepare('SELECT count(*) FROM requests').pluck().get() as number;
  } finally {
    db.close();
  }
};

describe('request log', () => {
  it('writes a batch larger than one multi-row statement whole and in order, rows and search intact', () => {
    const { log, dataDir } = open();
    const t = Date.now();
    // 16 rows per statement: two full statements, then single rows for the rest.
    for (let i = 0; i < 37; i++) log.record(record({ id: `r${i}`, time: t, provider: i === 20 ? 'ollama' : 'openai' }));
    const rows = log.query({ limit: 100 });
    expect(rowCount(dataDir)).toBe(37);
    expect(rows.map((r) => r.id)).toEqual(Array.from({ length: 37 }, (_, i) => `r${36 - i}`));
    expect(log.query({ q: 'ollama' }).map((r) => r.id)).toEqual(['r20']);
  });

  it('stores rows in SQLite in one batch FLUSH_MS after the first, off the request path, and reads them back newest first', () => {
    vi.useFakeTimers();
    const { log, dataDir } = open();
    const t = Date.now();
    log.record(record({ id: 'a', time: t - 3 }));
    expect(rowCount(dataDir)).toBe(0); // queued, not written on the request path
    vi.advanceTimersByTime(FLUSH_MS - 1);
    log.record(record({ id: 'b', time: t - 2 }));
    log.record(record({ id: 'c', time: t - 1, fallbackFrom: ['ollama/x: connection refused'], provider: 'openai', model: 'gpt-4o-mini' }));
    expect(rowCount(dataDir)).toBe(0); // batched: not one transaction per request or per event-loop turn
    vi.advanceTimersByTime(1);
    expect(rowCount(dataDir)).toBe(3);
    const rows = log.query({});
    expect(rows.map((r) => r.id)).toEqual(['c', 'b', 'a']);
    expect(rows[0]).toMatchObject({ provider: 'openai', fallbackFrom: ['ollama/x: connection refused'], inputTokens: 5 });
    expect(log.health()).toEqual({ persistent: true, path: join(dataDir, 'requests.db') });
    // Survives a restart.
    log.close();
    const again = open({}, { dataDir }).log;
    expect(again.query({ limit: 2 }).map((r) => r.id)).toEqual(['c', 'b']);
    expect(again.requestsToday()).toBe(3);
  });

  it('every read sees the rows still waiting for their batch: it writes them first, and the timer then has none left', () => {
    vi.useFakeTimers();
    const { log, dataDir } = open();
    log.record(record({ id: 'a', time: Date.now(), userAgent: 'librechat', cache: 'hit-exact' }));
    // Counts and traffic are kept in memory as each row arrives: nothing to write for them.
    expect(log.requestsToday()).toBe(1);
    expect(log.librechatSeenAt()).toBeTypeOf('number');
    expect(log.traffic().buckets.at(-1)).toMatchObject({ requests: 1, cacheHits: 1 });
    expect(rowCount(dataDir)).toBe(0);
    expect(log.query({}).map((r) => r.id)).toEqual(['a']);
    expect(rowCount(dataDir)).toBe(1);
    vi.advanceTimersByTime(FLUSH_MS);
    expect(rowCount(dataDir)).toBe(1); // written once, not again by the timer
    log.record(record({ id: 'b', time: Date.now() }));
    vi.advanceTimersByTime(FLUSH_MS);
    expect(rowCount(dataDir)).toBe(2);
  });

  it('close() writes every queued row before it closes the file', () => {
    const { log, dataDir } = open();
    for (let i = 0; i < 20; i++) log.record(record({ id: `q${i}` }));
    expect(rowCount(dataDir)).toBe(0);
    log.close();
    expect(rowCount(dataDir)).toBe(20);
  });

  it('query filters by limit, before and text', () => {
    const { log } = open();
    const t = Date.now();
    log.record(record({ id: 'r1', time: t - 30, provider: 'openai', model: 'gpt-4o' }));
    log.record(record({ id: 'r2', time: t - 20, status: 502, error: 'ECONNREFUSED 127.0.0.1:11434' }));
    log.record(record({ id: 'r3', time: t - 10, requestedModel: 'claude-3-5-haiku-latest', mappedFrom: 'claude-3-5-haiku-latest' }));
    expect(log.query({ limit: 1 }).map((r) => r.id)).toEqual(['r3']);
    expect(log.query({ before: t - 10 }).map((r) => r.id)).toEqual(['r2', 'r1']);
    expect(log.query({ q: 'GPT-4O' }).map((r) => r.id)).toEqual(['r1']);
    expect(log.query({ q: 'econnrefused' }).map((r) => r.id)).toEqual(['r2']);
    expect(log.query({ q: '502' }).map((r) => r.id)).toEqual(['r2']);
    expect(log.query({ q: 'haiku' }).map((r) => r.id)).toEqual(['r3']);
    expect(log.query({ q: '100%_' })).toEqual([]); // LIKE wildcards are literal
  });

  it('drops prompts unless storePrompts is on, and scrubs errors', () => {
    const off = open().log;
    off.record(record({ id: 'p', prompt: 'my secret plan', error: 'bad key sk-live-abcdef123456' }));
    expect(off.query({})[0].prompt).toBeUndefined();
    expect(off.query({})[0].error).toBe('bad key ***');
    const on = open({ storePrompts: true }).log;
    on.record(record({ id: 'p', prompt: 'my secret plan' }));
    expect(on.query({})[0].prompt).toBe('my secret plan');
  });

  it('keeps at most maxRows and drops rows older than retentionDays', async () => {
    let now = Date.now();
    const { log, dataDir } = open({ maxRows: 5, retentionDays: 1 }, { now: () => now, pruneEvery: 3 });
    log.record(record({ id: 'old', time: now - 2 * 86_400_000 }));
    for (let i = 0; i < 9; i++) log.record(record({ id: `n${i}`, time: now + i }));
    expect(log.query({}).map((r) => r.id)).toEqual(['n8', 'n7', 'n6', 'n5', 'n4']);
    expect(rowCount(dataDir)).toBe(5);
    // Retention by age: a day later everything above is too old.
    now += 2 * 86_400_000;
    for (let i = 0; i < 3; i++) log.record(record({ id: `later${i}`, time: now }));
    expect(log.query({}).map((r) => r.id).sort()).toEqual(['later0', 'later1', 'later2']);
  });

  it('subscribe delivers each finished request at once; unsubscribe stops it; a throwing listener is contained', () => {
    const { log } = open();
    const seen: RequestRecord[] = [];
    log.subscribe(() => {
      throw new Error('closed socket');
    });
    const off = log.subscribe((r) => seen.push(r));
    log.record(record({ id: 'live1', prompt: 'not stored' }));
    off();
    log.record(record({ id: 'live2' }));
    expect(seen.map((r) => r.id)).toEqual(['live1']);
    expect(seen[0].prompt).toBeUndefined();
  });

  it('traffic has 60 per-minute buckets with requests, errors, p50, cache hits and tokens saved', () => {
    const now = Date.UTC(2026, 0, 1, 12, 30, 30);
    const { log } = open({}, { now: () => now });
    const minute = Math.floor(now / 60_000) * 60_000;
    for (const latencyMs of [10, 20, 30]) log.record(record({ time: now, latencyMs }));
    log.record(record({ time: now, latencyMs: 1, cache: 'hit-exact', inputTokens: 100, outputTokens: 50 }));
    log.record(record({ time: now - 60_000, status: 500, latencyMs: 7 }));
    log.record(record({ time: now - 61 * 60_000 })); // outside the window
    const { buckets } = log.traffic();
    expect(buckets).toHaveLength(60);
    expect(buckets.at(-1)).toEqual({ t: minute, requests: 4, errors: 0, p50LatencyMs: 15, cacheHits: 1, tokensSaved: 150 });
    expect(buckets.at(-2)).toEqual({ t: minute - 60_000, requests: 1, errors: 1, p50LatencyMs: 7, cacheHits: 0, tokensSaved: 0 });
    expect(buckets[0].t).toBe(minute - 59 * 60_000);
    expect(buckets.reduce((s, b) => s + b.requests, 0)).toBe(5);
  });

  it('requestsToday counts since local midnight and starts again the next day', () => {
    const midnight = new Date(2026, 10, 24, 0, 0, 0).getTime();
    let now = midnight + 23 * 3_600_000;
    const { log } = open({}, { now: () => now });
    log.record(record({ time: midnight - 1 })); // yesterday, logged late
    log.record(record({ time: now }));
    log.record(record({ time: now }));
    expect(log.requestsToday()).toBe(2);
    now = midnight + 25 * 3_600_000;
    expect(log.requestsToday()).toBe(0);
    log.record(record({ time: now }));
    expect(log.requestsToday()).toBe(1);
  });

  it('remembers when LibreChat was first seen, across restarts', () => {
    const { log, dataDir } = open();
    log.record(record({ time: 1000, userAgent: 'OpenAI/JS 4.104.0' }));
    expect(log.librechatSeenAt()).toBeUndefined();
    const t = Date.now();
    log.record(record({ time: t, userAgent: 'LangChain/0.3 librechat' }));
    log.record(record({ time: t + 5, userAgent: 'librechat' }));
    expect(log.librechatSeenAt()).toBe(t);
    log.close();
    expect(open({}, { dataDir }).log.librechatSeenAt()).toBe(t);
  });

  it('a corrupt database file: keeps working in memory and says why', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'lynkr-log-'));
    dirs.push(dataDir);
    writeFileSync(join(dataDir, 'requests.db'), 'this is not a database, just text '.repeat(200));
    const { log, warnings } = open({}, { dataDir });
    const h = log.health();
    expect(h.persistent).toBe(false);
    expect(h.disabledReason).toMatch(/request log kept in memory only: .*not a database/);
    expect(warnings[0]).toBe(h.disabledReason);
    log.record(record({ id: 'm1' }));
    log.record(record({ id: 'm2', status: 404 }));
    expect(log.query({}).map((r) => r.id)).toEqual(['m2', 'm1']);
    expect(log.query({ q: '404' }).map((r) => r.id)).toEqual(['m2']);
    expect(log.requestsToday()).toBe(2);
  });

  it('a database locked by another writer: rows wait and are written once the lock is gone', () => {
    const { log, dataDir } = open();
    const other = new Database(join(dataDir, 'requests.db'));
    other.exec('BEGIN IMMEDIATE');
    log.record(record({ id: 'waiting' }));
    expect(log.query({})).toEqual([]); // the read tried to write the batch first, and kept it
    expect(log.health().persistent).toBe(true);
    other.exec('COMMIT');
    other.close();
    expect(log.query({}).map((r) => r.id)).toEqual(['waiting']);
    expect(rowCount(dataDir)).toBe(1);
  });

  it('a database path it cannot open (here: a directory): in memory, no throw', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'lynkr-log-'));
    dirs.push(dataDir);
    mkdirSync(join(dataDir, 'requests.db'));
    const { log } = open({}, { dataDir });
    expect(log.health()).toMatchObject({ persistent: false, disabledReason: expect.stringMatching(/unable to open database file/) });
    log.record(record({ id: 'ro' }));
    expect(log.query({}).map((r) => r.id)).toEqual(['ro']);
  });
});
