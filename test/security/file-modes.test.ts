// Files at rest, through a real start: the data dir is 0700 and every file directly in it (databases, their
// -wal/-shm, settings, admin token) is 0600, made so at every start, also when the dir and files already existed
// with looser modes. Subdirectories (Chromium's profile in the desktop app) and symlinks keep theirs.
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/openai.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const modeOf = (path: string): string => (statSync(path).mode & 0o777).toString(8);

/** Every entry directly in `dir` that is a regular file, with its mode in octal. */
function fileModes(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of readdirSync(dir, { withFileTypes: true })) if (e.isFile()) out[e.name] = modeOf(join(dir, e.name));
  return out;
}

const EXPECTED_FILES = ['admin-token', 'cache.db', 'cache.db-shm', 'cache.db-wal', 'requests.db', 'requests.db-shm', 'requests.db-wal', 'settings.json'];

let fake: FakeOpenAI;
let dir: string;
let outside: string;
const running: TestGateway[] = [];
let previousUmask: number;

beforeAll(async () => {
  // The usual umask, so files created without an explicit mode would come out 0644.
  previousUmask = process.umask(0o022);
  fake = await startFakeOpenAI({ models: ['m'] });
  dir = mkdtempSync(join(tmpdir(), 'lynkr-modes-'));
  outside = mkdtempSync(join(tmpdir(), 'lynkr-modes-outside-'));
});
afterEach(async () => {
  for (const g of running.splice(0)) await g.close();
});
afterAll(async () => {
  process.umask(previousUmask);
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

async function startAndServe(): Promise<TestGateway> {
  const gw = await startTestGateway(
    { providers: [{ id: 'up', kind: 'openai-compatible', baseUrl: fake.url, models: ['m'] }] },
    { dataDir: dir },
  );
  running.push(gw);
  // One answered request: the request log and the cache both write (and so have their -wal and -shm).
  const res = await fetch(`${gw.baseUrl}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'up/m', messages: [{ role: 'user', content: 'hello' }] }),
  });
  expect(res.status).toBe(200);
  expect((await gw.admin('/admin/logs')).status).toBe(200);
  return gw;
}

describe.skipIf(process.platform === 'win32')('data dir modes', () => {
  it('a first start in a 0755 dir with a 0644 settings file: dir 0700, every file 0600 (with -wal and -shm)', async () => {
    chmodSync(dir, 0o755);
    await startAndServe();
    // The test helper wrote settings.json without a mode: 0644 under this umask, until the start fixed it.
    expect(modeOf(dir)).toBe('700');
    const modes = fileModes(dir);
    expect(Object.keys(modes)).toEqual(expect.arrayContaining(EXPECTED_FILES));
    for (const [name, mode] of Object.entries(modes)) expect({ name, mode }).toEqual({ name, mode: '600' });
  });

  it('a restart fixes a dir and files loosened since (0755, 0644), leaving subdirectories and symlinks alone', async () => {
    chmodSync(dir, 0o755);
    for (const name of readdirSync(dir)) chmodSync(join(dir, name), 0o644);
    mkdirSync(join(dir, 'Cache'), { mode: 0o755 });
    chmodSync(join(dir, 'Cache'), 0o755);
    writeFileSync(join(outside, 'elsewhere.txt'), 'not ours');
    chmodSync(join(outside, 'elsewhere.txt'), 0o644);
    symlinkSync(join(outside, 'elsewhere.txt'), join(dir, 'link'));
    expect(fileModes(dir)['admin-token']).toBe('644');

    await startAndServe();
    expect(modeOf(dir)).toBe('700');
    const modes = fileModes(dir);
    expect(Object.keys(modes)).toEqual(expect.arrayContaining(EXPECTED_FILES));
    for (const [name, mode] of Object.entries(modes)) expect({ name, mode }).toEqual({ name, mode: '600' });
    expect(modeOf(join(dir, 'Cache'))).toBe('755');
    expect(modeOf(join(outside, 'elsewhere.txt'))).toBe('644');
  });

  it('new databases are 0600 from their creation, so their -wal and -shm are too', async () => {
    const fresh = mkdtempSync(join(tmpdir(), 'lynkr-modes-fresh-'));
    try {
      const gw = await startTestGateway({}, { dataDir: fresh });
      running.push(gw);
      for (const name of ['requests.db', 'requests.db-wal', 'requests.db-shm', 'cache.db', 'cache.db-wal', 'cache.db-shm']) {
        expect({ name, mode: modeOf(join(fresh, name)) }).toEqual({ name, mode: '600' });
      }
    } finally {
      for (const g of running.splice(0)) await g.close();
      rmSync(fresh, { recursive: true, force: true });
    }
  });
});
