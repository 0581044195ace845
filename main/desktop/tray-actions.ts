// What each tray menu item does. Electron-free: the clipboard, the window, the updater and the gateway reach it
// as functions, so the mapping from a click to its effect is unit-tested without Electron.
import type { Mode } from '../admin/contract.js';
import type { TrayActionId } from './tray-model.js';

export interface TrayActionDeps {
  setMode(mode: Mode): Promise<unknown>;
  /** Asks the gateway for its status again and redraws the tray. */
  pollStatus(): Promise<void>;
  /** The LibreChat URLs to copy. */
  urls(): { baseUrl: string; dockerBaseUrl: string };
  copyText(text: string): void;
  showWindow(): void;
  pause(): Promise<unknown>;
  resume(): Promise<unknown>;
  toggleStartAtLogin(): Promise<void>;
  checkForUpdates(): Promise<void>;
  installUpdate(): void;
  quit(): Promise<void>;
  /** Tells the user an action failed (a dialog in the app). */
  reportError(message: string): void;
}

async function run(id: TrayActionId, deps: TrayActionDeps): Promise<void> {
  switch (id) {
    case 'mode:local':
    case 'mode:cloud':
    case 'mode:auto':
      await deps.setMode(id.slice('mode:'.length) as Mode);
      return deps.pollStatus();
    case 'copy-base-url':
      return deps.copyText(deps.urls().baseUrl);
    case 'copy-docker-url':
      return deps.copyText(deps.urls().dockerBaseUrl);
    case 'open-dashboard':
      return deps.showWindow();
    case 'pause':
      return void (await deps.pause());
    case 'resume':
      await deps.resume();
      return deps.pollStatus();
    case 'start-at-login':
      return deps.toggleStartAtLogin();
    case 'check-updates':
      return deps.checkForUpdates();
    case 'install-update':
      return deps.installUpdate();
    case 'quit':
      return deps.quit();
  }
}

/** The tray's click handler: runs the action, and reports a failure instead of throwing. */
export function createTrayActions(deps: TrayActionDeps): (id: TrayActionId) => Promise<void> {
  return async (id) => {
    try {
      await run(id, deps);
    } catch (err) {
      deps.reportError(err instanceof Error ? err.message : String(err));
    }
  };
}
