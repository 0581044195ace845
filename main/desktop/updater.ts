// electron-updater behind a tiny interface: off in development (unpackaged), and a quit for an update marks the
// app as quitting first so close-to-tray does not swallow it.
import electronUpdater from 'electron-updater';
import type { UpdatePhase } from './tray-model.js';

export interface Updater {
  phase(): UpdatePhase;
  /** `manual`: the user asked, so "no update" and errors are reported; background checks stay quiet. */
  check(manual: boolean): Promise<void>;
  /** Quits and installs a downloaded update. */
  install(): void;
}

export function createUpdater(opts: {
  packaged: boolean;
  markQuitting: () => void;
  onChange: () => void;
  onError: (message: string) => void;
  onNoUpdate: () => void;
}): Updater {
  if (!opts.packaged) {
    return { phase: () => 'disabled', check: async () => {}, install: () => {} };
  }
  const { autoUpdater } = electronUpdater;
  let phase: UpdatePhase = 'idle';
  let manual = false;
  const set = (p: UpdatePhase): void => {
    phase = p;
    opts.onChange();
  };
  autoUpdater.autoDownload = true;
  autoUpdater.on('checking-for-update', () => set('checking'));
  autoUpdater.on('update-available', () => set('downloading'));
  autoUpdater.on('update-downloaded', () => set('ready'));
  autoUpdater.on('update-not-available', () => {
    set('idle');
    if (manual) opts.onNoUpdate();
  });
  autoUpdater.on('error', (err: Error) => {
    set('idle');
    if (manual) opts.onError(err.message);
  });
  return {
    phase: () => phase,
    async check(userAsked) {
      manual = userAsked;
      try {
        await autoUpdater.checkForUpdates();
      } catch (err) {
        set('idle');
        if (userAsked) opts.onError(err instanceof Error ? err.message : String(err));
      }
    },
    install() {
      // quitAndInstall closes every window before before-quit fires: mark first, or the close is turned into a hide.
      opts.markQuitting();
      autoUpdater.quitAndInstall();
    },
  };
}
