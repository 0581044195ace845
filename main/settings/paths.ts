import { homedir } from 'node:os';
import { join } from 'node:path';

// One data dir for the headless gateway and the desktop app (which points Electron's userData here), so a
// single settings.json, admin token and request log serve both.
export const APP_DIR_NAME = 'lynkr-desktop';

export interface DataDirContext {
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  home?: string;
}

export function resolveDataDir(ctx: DataDirContext = {}): string {
  const env = ctx.env ?? process.env;
  const platform = ctx.platform ?? process.platform;
  const home = ctx.home ?? homedir();
  if (env.LYNKR_DATA_DIR) return env.LYNKR_DATA_DIR;
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', APP_DIR_NAME);
  if (platform === 'win32') return join(env.APPDATA || join(home, 'AppData', 'Roaming'), APP_DIR_NAME);
  return join(env.XDG_CONFIG_HOME || join(home, '.config'), APP_DIR_NAME);
}

export const settingsFile = (dataDir: string): string => join(dataDir, 'settings.json');
export const adminTokenFile = (dataDir: string): string => join(dataDir, 'admin-token');
export const requestLogFile = (dataDir: string): string => join(dataDir, 'requests.db');
