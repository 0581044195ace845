// Issue 22: the desktop app stops gracefully on SIGTERM/SIGINT, as Quit does (the gateway closes, in-flight work
// gets its grace period), and a second signal exits at once. Signals are emitted in-process: no real kill.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { fake, FakeBrowserWindow, waitFor } from './fake-electron.js';

vi.mock('electron', async () => (await import('./fake-electron.js')).electronModule());
vi.mock('electron-store', async () => (await import('./fake-electron.js')).fakeElectronStoreModule());
vi.mock('electron-updater', async () => (await import('./fake-electron.js')).updaterModule());

let dataDir: string;
const savedEnv = { ...process.env };
beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'lynkr-desktop-signals-'));
  writeFileSync(path.join(dataDir, 'settings.json'), JSON.stringify({ version: 1, server: { port: 0 } }));
  process.env.LYNKR_DATA_DIR = dataDir;
  await import('../../main/desktop/main.js');
}, 30_000);
afterAll(() => {
  process.env = savedEnv;
  rmSync(dataDir, { recursive: true, force: true });
});

describe('stop signals', () => {
  it('SIGTERM quits like the tray Quit (gateway stopped first); a second signal exits at once', async () => {
    const win = await waitFor('a window', () => FakeBrowserWindow.all[0]);
    await waitFor('the /ui page', () => win.urls.some((u) => /^http:\/\/127\.0\.0\.1:\d+\/ui\//.test(u)));
    const port = Number(/127\.0\.0\.1:(\d+)/.exec(win.urls.find((u) => u.includes('/ui/'))!)![1]);
    expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
    // Only our handler listens: when-exit's re-raise (through electron-store → conf) is gone.
    expect(process.listeners('SIGTERM')).toHaveLength(1);

    process.emit('SIGTERM');
    await waitFor('quit', () => fake.quitCalls === 1);
    await expect(fetch(`http://127.0.0.1:${port}/health`)).rejects.toThrow();
    expect(fake.exitCodes).toEqual([]);

    process.emit('SIGINT');
    expect(fake.exitCodes).toEqual([1]);
  });
});
