// `npm start`: its flags reach the gateway (headless) or the desktop app (through its environment), a bad flag is
// one line, and the headless fallback says why in our own words.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decideLaunch, electronEnv, parseLaunchArgs, type LaunchFacts } from '../../main/cli/launch-decision.js';

const noElectron = (over: Partial<LaunchFacts>): LaunchFacts => ({ platform: 'linux', env: {}, electronExists: false, desktopBuilt: true, ...over });

describe('npm start arguments', () => {
  it('takes lynkr start\'s flags', () => {
    expect(parseLaunchArgs(['--port', '8082'])).toEqual({ port: 8082 });
    expect(parseLaunchArgs(['--port', '8082', '--data-dir', '/tmp/second', '--host', '127.0.0.1', '--env-file', 'x.env'])).toEqual({
      port: 8082,
      dataDir: '/tmp/second',
      host: '127.0.0.1',
      envFile: 'x.env',
    });
    expect(parseLaunchArgs([])).toEqual({});
    expect(() => parseLaunchArgs(['--port', 'eighty'])).toThrow(/expected a port number/);
    expect(() => parseLaunchArgs(['--prot', '1'])).toThrow(/unknown option '--prot'/);
  });

  it('the desktop app gets them as PORT, HOST and LYNKR_DATA_DIR', () => {
    expect(electronEnv({ port: 8082, dataDir: '/d', host: '0.0.0.0' }, { PATH: '/bin', PORT: '1' })).toEqual({ PATH: '/bin', PORT: '8082', LYNKR_DATA_DIR: '/d', HOST: '0.0.0.0' });
    expect(electronEnv({}, { PATH: '/bin' })).toEqual({ PATH: '/bin' });
  });
});

describe('the headless fallback explains itself', () => {
  it('skipped on purpose, absent package, missing binary: each says so and what to run, not Electron\'s advice', () => {
    const electronSays = 'Electron failed to install correctly, please delete node_modules/electron and try installing again';
    const skipped = decideLaunch(noElectron({ env: { ELECTRON_SKIP_BINARY_DOWNLOAD: '1' }, electronError: electronSays }));
    expect(skipped).toEqual({
      kind: 'headless',
      reason:
        'the desktop app needs the Electron binary, which was not downloaded because ELECTRON_SKIP_BINARY_DOWNLOAD is set (for the tray app: unset it and run `node node_modules/electron/install.js`)',
      openBrowser: false,
    });
    const absent = decideLaunch(noElectron({ electronError: "Cannot find module 'electron'", electronErrorCode: 'MODULE_NOT_FOUND' }));
    expect(absent).toMatchObject({ reason: 'the electron package is not installed (for the tray app: `npm install`)' });
    const failed = decideLaunch(noElectron({ electronError: electronSays }));
    expect(failed).toMatchObject({ reason: expect.stringContaining('its download failed or was skipped during npm install') });
    for (const d of [skipped, absent, failed]) expect(JSON.stringify(d)).not.toContain('delete node_modules');
  });
});

const freePort = (): Promise<number> =>
  new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

describe('npm start -- --port N (the launcher itself, headless)', () => {
  it('listens on N with the given data dir, and says why it is headless', async () => {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'lynkr-launch-'));
    const child = spawn(process.execPath, ['--import', 'tsx', 'main/cli/launch.ts', '--port', String(port), '--data-dir', dir], {
      env: { PATH: process.env.PATH, HOME: dir, LYNKR_HEADLESS: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    try {
      await expect.poll(() => out, { timeout: 30_000, interval: 100 }).toContain(`http://localhost:${port}/v1`);
      expect(err).toContain('Starting the headless gateway (what `lynkr start` runs) instead of the desktop app: LYNKR_HEADLESS is set.');
      const health = await fetch(`http://127.0.0.1:${port}/health`);
      expect(health.status).toBe(200);
      // The data dir is the one given: its admin token opens the admin API.
      const token = readFileSync(join(dir, 'admin-token'), 'utf8').trim();
      expect((await fetch(`http://127.0.0.1:${port}/admin/status`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
