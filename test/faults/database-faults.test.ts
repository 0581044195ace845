// The SQLite files (exact/semantic cache, request log) go bad under a running gateway's feet or before it
// starts: corrupted, read-only, locked by another process, or the disk fills up. Requests keep being served and
// /health/ready says what is wrong. (The stores' own unit tests cover each fault in detail; this checks the
// whole gateway keeps answering.)
import Database from 'better-sqlite3';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/openai.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

let cloud: FakeOpenAI;
beforeAll(async () => {
  cloud = await startFakeOpenAI({ models: ['gpt-4o-mini'] });
});
afterAll(async () => {
  await cloud?.close();
});

const settings = () => ({
  providers: [
    { id: 'oa', kind: 'openai' as const, baseUrl: cloud.url, apiKey: 'sk-db-fault-key-00000000000', models: ['gpt-4o-mini'] },
    { id: 'ollama', kind: 'ollama' as const, baseUrl: cloud.url.replace(/\/v1$/, ''), enabled: false },
  ],
  aliases: { cloud: { targets: ['oa/gpt-4o-mini'] } },
  defaultModel: 'cloud',
  cache: { exact: { enabled: true, policy: 'always' as const } },
  log: { level: 'silent' as const },
});

async function serveSome(gw: TestGateway): Promise<void> {
  for (const stream of [false, true, false]) {
    const r = await fetch(`${gw.baseUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      // Same prompt twice: the second would be a cache hit if the cache works; either way it must answer.
      body: JSON.stringify({ model: 'cloud', stream, messages: [{ role: 'user', content: 'same prompt' }] }),
    });
    expect(r.status).toBe(200);
    const text = await r.text();
    expect(text).toContain(stream ? '[DONE]' : 'chat.completion');
  }
  expect((await fetch(`${gw.baseUrl}/health`)).status).toBe(200);
  expect((await gw.admin('/admin/logs?limit=5')).status).toBe(200);
}

async function ready(gw: TestGateway): Promise<string> {
  return (await fetch(`${gw.baseUrl}/health/ready`)).text();
}

function freshDir(): string {
  return mkdtempSync(join(tmpdir(), 'lynkr-dbfault-'));
}

describe('database faults: requests keep being served', () => {
  it('corrupted cache.db and requests.db at start', async () => {
    const dir = freshDir();
    const garbage = Buffer.concat([Buffer.from('SQLite format 3\0'), Buffer.alloc(8192, 0xa5)]);
    writeFileSync(join(dir, 'cache.db'), garbage);
    writeFileSync(join(dir, 'requests.db'), garbage);
    const gw = await startTestGateway(settings(), { dataDir: dir });
    try {
      await serveSome(gw);
    } finally {
      await gw.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('read-only database files', async (t) => {
    if (process.getuid?.() === 0) t.skip(); // root ignores file modes
    const dir = freshDir();
    const first = await startTestGateway(settings(), { dataDir: dir });
    await serveSome(first);
    await first.close();
    for (const f of ['cache.db', 'requests.db']) chmodSync(join(dir, f), 0o444);
    const gw = await startTestGateway(settings(), { dataDir: dir, keepSettingsFile: true });
    try {
      await serveSome(gw);
      expect(await ready(gw)).toMatch(/read|only|disabled|persistent/i);
    } finally {
      await gw.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('databases locked by another process while the gateway runs', async () => {
    const dir = freshDir();
    const gw = await startTestGateway(settings(), { dataDir: dir });
    // Another connection takes exclusive write locks on both files and keeps them.
    const lockers = ['cache.db', 'requests.db'].map((f) => {
      const db = new Database(join(dir, f), { timeout: 0 });
      db.exec('BEGIN EXCLUSIVE');
      return db;
    });
    try {
      const t0 = Date.now();
      await serveSome(gw);
      // A lock must not stall requests behind SQLite's busy timeout for long.
      expect(Date.now() - t0).toBeLessThan(5_000);
    } finally {
      for (const db of lockers) {
        db.exec('ROLLBACK');
        db.close();
      }
      await gw.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
