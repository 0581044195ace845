// main.ts on a desktop where no tray icon can be created: the window must stay reachable (shown at start,
// and closing it really closes instead of hiding it somewhere the user cannot get back to).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { fake, FakeBrowserWindow, FakeTray, waitFor } from './fake-electron.js';

vi.mock('electron', async () => (await import('./fake-electron.js')).electronModule());
vi.mock('electron-store', async () => (await import('./fake-electron.js')).fakeElectronStoreModule());
vi.mock('electron-updater', async () => (await import('./fake-electron.js')).updaterModule());

let dataDir: string;
const savedEnv = { ...process.env };
beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'lynkr-desktop-notray-'));
  writeFileSync(path.join(dataDir, 'settings.json'), JSON.stringify({ version: 1, server: { port: 0 } }));
  process.env.LYNKR_DATA_DIR = dataDir;
  fake.trayFails = true;
  fake.backend = 'basic_text';
  process.argv.push('--hidden'); // even a login start shows the window when there is no tray
  await import('../../main/desktop/main.js');
}, 30_000);
afterAll(() => {
  process.argv.splice(process.argv.indexOf('--hidden'), 1);
  process.env = savedEnv;
  rmSync(dataDir, { recursive: true, force: true });
});

describe('no tray available', () => {
  it('shows the window (with the no-secret-service warning), and closing it stops the gateway and quits', async () => {
    const win = await waitFor('a window', () => FakeBrowserWindow.all[0]);
    await waitFor('the /ui page', () => win.urls.some((u) => /^http:\/\/127\.0\.0\.1:\d+\/ui\//.test(u)));
    expect(FakeTray.all).toEqual([]);
    expect(win.visible).toBe(true);
    // No secret service: the window's status carries the warning.
    const port = Number(/127\.0\.0\.1:(\d+)/.exec(win.urls.find((u) => u.includes('/ui/'))!)![1]);
    const token = readFileSync(path.join(dataDir, 'admin-token'), 'utf8').trim();
    const status = (await (await fetch(`http://127.0.0.1:${port}/admin/status`, { headers: { authorization: `Bearer ${token}` } })).json()) as { warnings: string[] };
    expect(status.warnings.some((w) => w.startsWith('No secret service (gnome-keyring or KWallet) was found'))).toBe(true);

    expect(win.userClose()).toBe(true);
    fake.appEvents.emit('window-all-closed');
    await waitFor('quit', () => fake.quitCalls === 1);
    await expect(fetch(`http://127.0.0.1:${port}/health`)).rejects.toThrow(); // the gateway was stopped first
  });
});
