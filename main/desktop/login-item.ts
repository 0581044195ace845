// Start at login. Linux: an XDG autostart entry (~/.config/autostart/lynkr-desktop.desktop); macOS and Windows:
// Electron's login item settings, which reach this Electron-free file as a parameter (LoginItemHost).
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

export const AUTOSTART_FILE_NAME = 'lynkr-desktop.desktop';
/** Passed on login so the app starts in the tray without opening its window. */
export const HIDDEN_FLAG = '--hidden';

export function autostartPath(env: Record<string, string | undefined>, home: string): string {
  const configHome = env.XDG_CONFIG_HOME && path.isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : path.join(home, '.config');
  return path.join(configHome, 'autostart', AUTOSTART_FILE_NAME);
}

/** The program to launch: an AppImage must be started through its file, not the temporary mount it runs from. */
export function launchCommand(env: Record<string, string | undefined>, execPath: string): string {
  return env.APPIMAGE || execPath;
}

/** Quotes one Exec argument per the Desktop Entry spec (reserved characters → double quotes, with escapes). */
export function quoteExecArg(arg: string): string {
  const escapedPercent = arg.replace(/%/g, '%%');
  if (!/[\s"'\\><~|&;$*?#()`]/.test(escapedPercent) && escapedPercent !== '') return escapedPercent;
  return `"${escapedPercent.replace(/(["`$\\])/g, '\\$1')}"`;
}

export function autostartEntry(opts: { exec: string; args?: string[]; name?: string; icon?: string }): string {
  const exec = [opts.exec, ...(opts.args ?? [HIDDEN_FLAG])].map(quoteExecArg).join(' ');
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Version=1.0',
    `Name=${opts.name ?? 'Lynkr Desktop'}`,
    'Comment=Local OpenAI-compatible LLM gateway',
    `Exec=${exec}`,
    `Icon=${opts.icon ?? 'lynkr-desktop'}`,
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

/** Enabled when the file exists and is not switched off (Hidden=true or GNOME's flag set to false). */
export function entryIsEnabled(content: string): boolean {
  return !/^Hidden\s*=\s*true\s*$/m.test(content) && !/^X-GNOME-Autostart-enabled\s*=\s*false\s*$/m.test(content);
}

export async function readLinuxAutostart(file: string): Promise<boolean> {
  try {
    return entryIsEnabled(await readFile(file, 'utf8'));
  } catch {
    return false;
  }
}

export async function writeLinuxAutostart(file: string, enabled: boolean, content: string): Promise<void> {
  if (!enabled) {
    await rm(file, { force: true });
    return;
  }
  await mkdir(path.dirname(file), { recursive: true });
  // Write then rename, so the session manager never reads a half-written entry.
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, content, { mode: 0o644 });
  await rename(tmp, file);
}

/** What start-at-login needs from Electron's `app` and the process. */
export interface LoginItemHost {
  platform: NodeJS.Platform;
  env: Record<string, string | undefined>;
  home: string;
  execPath: string;
  isPackaged: boolean;
  appPath: string;
  getLoginItemSettings(): { openAtLogin: boolean };
  setLoginItemSettings(settings: { openAtLogin: boolean; openAsHidden: boolean; args: string[] }): void;
}

export async function readStartAtLogin(host: LoginItemHost): Promise<boolean> {
  if (host.platform === 'linux') return readLinuxAutostart(autostartPath(host.env, host.home));
  return host.getLoginItemSettings().openAtLogin;
}

export async function writeStartAtLogin(host: LoginItemHost, enabled: boolean): Promise<void> {
  if (host.platform === 'linux') {
    const exec = launchCommand(host.env, host.execPath);
    // Unpackaged (`electron .`), the app path must follow the Electron binary.
    const args = host.isPackaged ? [HIDDEN_FLAG] : [host.appPath, HIDDEN_FLAG];
    await writeLinuxAutostart(autostartPath(host.env, host.home), enabled, autostartEntry({ exec, args }));
    return;
  }
  host.setLoginItemSettings({ openAtLogin: enabled, openAsHidden: true, args: [HIDDEN_FLAG] });
}
