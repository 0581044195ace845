// main.ts when the configured port is taken: a dialog names the process holding it (ss on this machine),
// "Use port N" starts the gateway there and keeps N in the settings for the next launch.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { fake, FakeBrowserWindow, FakeTray, waitFor } from './fake-electron.js';
import { findFreePort } from '../../main/desktop/port-conflict.js';

vi.mock('electron', async () => (await import('./fake-electron.js')).electronModule());
vi.mock('electron-store', async () => (await import('./fake-electron.js')).fakeElectronStoreModule());
vi.mock('electron-updater', async () => (await import('./fake-electron.js')).updaterModule());

const hasPortTool = ['/usr/bin/ss', '/bin/ss', '/usr/sbin/ss', '/usr/bin/lsof'].some((f) => existsSync(f));
let dataDir: string;
let blocker: net.Server;
let taken: number;
const savedEnv = { ...process.env };

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'lynkr-desktop-conflict-'));
  taken = await findFreePort(20_000 + Math.floor(Math.random() * 20_000));
  blocker = net.createServer();
  await new Promise<void>((r) => blocker.listen(taken, '127.0.0.1', r));
  writeFileSync(path.join(dataDir, 'settings.json'), JSON.stringify({ version: 1, server: { port: taken } }));
  process.env.LYNKR_DATA_DIR = dataDir;
  process.env.XDG_CONFIG_HOME = dataDir;
  fake.answer = (o) => (o.buttons?.[0]?.startsWith('Use port') ? 0 : (o.buttons?.length ?? 1) - 1);
  await import('../../main/desktop/main.js');
}, 30_000);

afterAll(async () => {
  FakeTray.all[0]?.click('Quit Lynkr Desktop');
  await waitFor('quit', () => fake.quitCalls > 0);
  process.env = savedEnv;
  await new Promise<void>((r) => blocker.close(() => r()));
  rmSync(dataDir, { recursive: true, force: true });
});

describe('port in use at start', () => {
  it('names the other process and offers the next free port', async () => {
    const box = await waitFor('the conflict dialog', () => fake.dialogs.find((d) => d.message.includes('cannot listen')));
    expect(box.message).toBe(`The gateway cannot listen on port ${taken}`);
    // The blocker is this test process, which ss can name (when the machine has ss or lsof).
    const who = hasPortTool ? `[^ ]+ \\(pid ${process.pid}\\)` : 'another program \\(the system did not say which\\)';
    expect(box.detail).toMatch(new RegExp(`^Port ${taken} is already in use by ${who}\\. Port (\\d+) is free\\.`));
    expect(box.buttons).toEqual([expect.stringMatching(/^Use port \d+$/), 'Try again', 'Quit']);
  });

  it('starts on the offered port, remembers it, and shows it in the tray and window', async () => {
    const box = fake.dialogs.find((d) => d.message.includes('cannot listen'))!;
    const offered = Number(/Use port (\d+)/.exec(box.buttons![0]!)![1]);
    await waitFor('the tray on the new port', () => FakeTray.all[0]?.menu[0]?.label?.startsWith(`Gateway on :${offered}`));
    expect((await fetch(`http://127.0.0.1:${offered}/health`)).status).toBe(200);
    expect((JSON.parse(readFileSync(path.join(dataDir, 'settings.json'), 'utf8')) as { server: { port: number } }).server.port).toBe(offered);
    await waitFor('the window on the new port', () => FakeBrowserWindow.all[0]?.urls.some((u) => u.startsWith(`http://127.0.0.1:${offered}/ui/`)));
    expect(fake.errorBoxes).toEqual([]);
  });
});
