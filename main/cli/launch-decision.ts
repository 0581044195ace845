// What `npm start` does: the desktop app when it can run here, else the headless gateway, and why.
// A pure function of what launch.ts observed, so every case is unit-tested.

export interface LaunchFacts {
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
  /** What require('electron') returned, or undefined when it threw. */
  electronPath?: string;
  /** The error require('electron') threw. */
  electronError?: string;
  /** Whether electronPath exists on disk. */
  electronExists: boolean;
  /** Whether the built desktop entry (dist/main/desktop/main.js) exists. */
  desktopBuilt: boolean;
}

export type LaunchDecision =
  | { kind: 'electron'; electronPath: string }
  | { kind: 'headless'; reason: string; openBrowser: boolean };

export function hasDisplay(platform: NodeJS.Platform, env: NodeJS.ProcessEnv): boolean {
  if (platform === 'darwin' || platform === 'win32') return true;
  return Boolean(env.DISPLAY || env.WAYLAND_DISPLAY);
}

export function decideLaunch(f: LaunchFacts): LaunchDecision {
  const display = hasDisplay(f.platform, f.env);
  const headless = (reason: string): LaunchDecision => ({ kind: 'headless', reason, openBrowser: display });
  if (f.env.LYNKR_HEADLESS && !/^(0|false|no)$/i.test(f.env.LYNKR_HEADLESS)) return headless('LYNKR_HEADLESS is set');
  if (!f.electronPath || !f.electronExists) {
    const why = f.env.ELECTRON_SKIP_BINARY_DOWNLOAD ? 'ELECTRON_SKIP_BINARY_DOWNLOAD' : (f.electronError ?? 'electron package without its binary');
    return headless(`Electron binary not installed (${why})`);
  }
  if (!display) return headless('no display (DISPLAY and WAYLAND_DISPLAY are unset)');
  if (!f.desktopBuilt) return headless('the desktop app is not built (dist/main/desktop/main.js is missing)');
  return { kind: 'electron', electronPath: f.electronPath };
}
