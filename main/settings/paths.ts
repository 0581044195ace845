import { chmodSync, closeSync, mkdirSync, openSync, readdirSync, statSync } from 'node:fs';
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

const PRIVATE_DIR = 0o700;
const PRIVATE_FILE = 0o600;

/**
 * The data dir holds API keys, the admin token and (when enabled) prompts, so only this user may read it: the dir
 * 0700 and every file directly in it 0600 (databases and their -wal/-shm, settings, token, logs). Run at every
 * start, not only when creating them: a dir made by an older version, a copy or a restore may carry 0755 and 0644.
 * Subdirectories (Chromium's profile in the desktop app) keep their modes: the dir above them already shuts others
 * out, and a directory at 0600 could not be entered. Symlinks are left alone (their target may be elsewhere).
 * Returns what could not be tightened (a file of another owner), for a warning: that never stops a start.
 */
export function securePrivateDir(dataDir: string): string[] {
  mkdirSync(dataDir, { recursive: true, mode: PRIVATE_DIR });
  if (process.platform === 'win32') return []; // modes do not apply; the profile dir's ACL does
  const problems: string[] = [];
  tighten(dataDir, PRIVATE_DIR, problems);
  for (const entry of readdirSync(dataDir, { withFileTypes: true })) {
    if (entry.isFile()) tighten(join(dataDir, entry.name), PRIVATE_FILE, problems);
  }
  return problems;
}

/**
 * Creates `file` empty at 0600 when absent, before SQLite opens it: SQLite would create it 0644 under the usual
 * umask. Its -wal and -shm files then follow, as SQLite creates them with the database file's own permissions
 * (os_unix.c: findCreateFileMode for -wal/-journal, unixOpenSharedMemory for -shm).
 */
export function createPrivateFile(file: string): void {
  try {
    closeSync(openSync(file, 'a', PRIVATE_FILE));
  } catch {
    return; // SQLite's own open reports why the file cannot be used (a directory, no permission)
  }
  if (process.platform !== 'win32') tighten(file, PRIVATE_FILE, []);
}

/** chmod when the mode differs. A file we may not chmod (another owner) is named in `problems`, never fatal. */
function tighten(path: string, mode: number, problems: string[]): void {
  try {
    if ((statSync(path).mode & 0o777) !== mode) chmodSync(path, mode);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // Gone in between (a WAL file checkpointed away): nothing left to protect.
    if (code === 'ENOENT') return;
    problems.push(`${path} could not be made private (mode ${mode.toString(8)}): ${code ?? (err as Error).message}`);
  }
}
