import { describe, expect, it, vi } from 'vitest';
import { createUpdater } from '../../main/desktop/updater.js';

const { order, autoUpdater } = vi.hoisted(() => {
  // vi.mock is hoisted above imports, so the fake is built in vi.hoisted with its own require.
  const { EventEmitter: Emitter } = require('node:events') as typeof import('node:events');
  const order: string[] = [];
  class FakeAutoUpdater extends Emitter {
    autoDownload = false;
    result: 'none' | 'available' | 'error' = 'none';
    async checkForUpdates(): Promise<void> {
      order.push('check');
      this.emit('checking-for-update');
      if (this.result === 'error') throw new Error('net::ERR_INTERNET_DISCONNECTED');
      if (this.result === 'available') {
        this.emit('update-available');
        this.emit('update-downloaded');
      } else this.emit('update-not-available');
    }
    quitAndInstall(): void {
      order.push('quitAndInstall');
    }
  }
  return { order, autoUpdater: new FakeAutoUpdater() };
});
vi.mock('electron-updater', () => ({ default: { autoUpdater } }));

function make(packaged: boolean) {
  const seen = { phases: [] as string[], errors: [] as string[], noUpdate: 0 };
  const u = createUpdater({
    packaged,
    markQuitting: () => order.push('markQuitting'),
    onChange: () => seen.phases.push(u.phase()),
    onError: (m) => seen.errors.push(m),
    onNoUpdate: () => seen.noUpdate++,
  });
  return { u, seen };
}

describe('updater', () => {
  it('is off in development and never touches electron-updater', async () => {
    const { u } = make(false);
    expect(u.phase()).toBe('disabled');
    await u.check(true);
    u.install();
    expect(order).toEqual([]);
  });

  it('reports "up to date" only when the user asked', async () => {
    autoUpdater.removeAllListeners();
    const { u, seen } = make(true);
    expect(autoUpdater.autoDownload).toBe(true);
    await u.check(false);
    expect(seen.noUpdate).toBe(0);
    await u.check(true);
    expect(seen.noUpdate).toBe(1);
    expect(seen.phases).toEqual(['checking', 'idle', 'checking', 'idle']);
  });

  it('downloads, then a quit for the update marks the app as quitting before quitAndInstall', async () => {
    autoUpdater.removeAllListeners();
    order.length = 0;
    autoUpdater.result = 'available';
    const { u, seen } = make(true);
    await u.check(false);
    expect(seen.phases).toEqual(['checking', 'downloading', 'ready']);
    expect(u.phase()).toBe('ready');
    u.install();
    expect(order).toEqual(['check', 'markQuitting', 'quitAndInstall']);
  });

  it('shows errors of a manual check', async () => {
    autoUpdater.removeAllListeners();
    autoUpdater.result = 'error';
    const { u, seen } = make(true);
    await u.check(true);
    expect(seen.errors).toEqual(['net::ERR_INTERNET_DISCONNECTED']);
    expect(u.phase()).toBe('idle');
  });
});
