// main.ts as a second instance: it quits at once and starts nothing (the first instance gets 'second-instance').
import { describe, expect, it, vi } from 'vitest';
import { fake, FakeBrowserWindow, FakeTray, waitFor } from './fake-electron.js';

vi.mock('electron', async () => (await import('./fake-electron.js')).electronModule());
vi.mock('electron-store', async () => (await import('./fake-electron.js')).fakeElectronStoreModule());
vi.mock('electron-updater', async () => (await import('./fake-electron.js')).updaterModule());

describe('single instance', () => {
  it('a second launch quits without a tray, a window or a gateway', async () => {
    fake.singleInstance = false;
    await import('../../main/desktop/main.js');
    await waitFor('quit', () => fake.quitCalls === 1);
    await new Promise((r) => setTimeout(r, 100));
    expect(FakeTray.all).toEqual([]);
    expect(FakeBrowserWindow.all).toEqual([]);
    expect(fake.appEvents.listenerCount('second-instance')).toBe(0);
  });
});
