// What `npm start` does: the desktop app when it can run here, else the headless gateway, and why, in our own
// words. A pure function of what launch.ts observed, so every case is unit-tested.
import { Command } from 'commander';
import { parsePort } from './program.js';

export interface LaunchFacts {
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
  /** What require('electron') returned, or undefined when it threw. */
  electronPath?: string;
  /** The error require('electron') threw. */
  electronError?: string;
  /** The code of that error (MODULE_NOT_FOUND: the electron package itself is absent). */
  electronErrorCode?: string;
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

/** Why Electron can't run, and what would make it run. Electron's own "delete node_modules/electron and try again" is wrong advice when the download was skipped on purpose. */
function electronMissing(f: LaunchFacts): string {
  if (f.env.ELECTRON_SKIP_BINARY_DOWNLOAD) {
    return 'the desktop app needs the Electron binary, which was not downloaded because ELECTRON_SKIP_BINARY_DOWNLOAD is set (for the tray app: unset it and run `node node_modules/electron/install.js`)';
  }
  if (f.electronErrorCode === 'MODULE_NOT_FOUND') return 'the electron package is not installed (for the tray app: `npm install`)';
  return 'the desktop app needs the Electron binary, which is missing (its download failed or was skipped during npm install; for the tray app: `node node_modules/electron/install.js`)';
}

export function decideLaunch(f: LaunchFacts): LaunchDecision {
  const display = hasDisplay(f.platform, f.env);
  const headless = (reason: string): LaunchDecision => ({ kind: 'headless', reason, openBrowser: display });
  if (f.env.LYNKR_HEADLESS && !/^(0|false|no)$/i.test(f.env.LYNKR_HEADLESS)) return headless('LYNKR_HEADLESS is set');
  if (!f.electronPath || !f.electronExists) return headless(electronMissing(f));
  if (!display) return headless('no display (DISPLAY and WAYLAND_DISPLAY are unset)');
  if (!f.desktopBuilt) return headless('the desktop app is not built (dist/main/desktop/main.js is missing)');
  return { kind: 'electron', electronPath: f.electronPath };
}

/** `npm start -- --port 8082 --data-dir …`: the flags `lynkr start` takes, for whichever of the two runs. */
export interface LaunchArgs {
  port?: number;
  host?: string;
  envFile?: string;
  dataDir?: string;
}

/** Throws CommanderError with commander's own message for a bad or unknown flag. */
export function parseLaunchArgs(argv: string[]): LaunchArgs {
  const cmd = new Command('npm start --')
    .option('--port <port>', 'port to listen on', parsePort)
    .option('--host <host>', 'address to listen on')
    .option('--env-file <path>', 'read variables from this file instead of ./.env')
    .option('--data-dir <dir>', 'settings, admin token and request log')
    .exitOverride()
    .configureOutput({ writeErr: () => {}, writeOut: () => {} });
  cmd.parse(argv, { from: 'user' });
  const o = cmd.opts<LaunchArgs>();
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as LaunchArgs;
}

/** The same settings for the desktop app, which reads them from its environment (settings/env.ts, settings/paths.ts). */
export function electronEnv(args: LaunchArgs, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return {
    ...env,
    ...(args.port !== undefined ? { PORT: String(args.port) } : {}),
    ...(args.host !== undefined ? { HOST: args.host } : {}),
    ...(args.dataDir !== undefined ? { LYNKR_DATA_DIR: args.dataDir } : {}),
  };
}
