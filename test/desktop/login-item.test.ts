import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  autostartEntry,
  autostartPath,
  entryIsEnabled,
  launchCommand,
  quoteExecArg,
  readLinuxAutostart,
  readStartAtLogin,
  writeLinuxAutostart,
  writeStartAtLogin,
  type LoginItemHost,
} from '../../main/desktop/login-item.js';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'lynkr-login-'));
});
afterAll(() => rm(tmp, { recursive: true, force: true }));

describe('XDG autostart', () => {
  it('lives in $XDG_CONFIG_HOME/autostart or ~/.config/autostart', () => {
    expect(autostartPath({ XDG_CONFIG_HOME: '/x/cfg' }, '/home/u')).toBe('/x/cfg/autostart/lynkr-desktop.desktop');
    expect(autostartPath({}, '/home/u')).toBe('/home/u/.config/autostart/lynkr-desktop.desktop');
    // The spec says relative values are invalid and must be ignored.
    expect(autostartPath({ XDG_CONFIG_HOME: 'rel' }, '/home/u')).toBe('/home/u/.config/autostart/lynkr-desktop.desktop');
  });

  it('launches an AppImage through its file, not its mount point', () => {
    expect(launchCommand({ APPIMAGE: '/home/u/Apps/Lynkr.AppImage' }, '/tmp/.mount_Lynkr/lynkr-desktop')).toBe('/home/u/Apps/Lynkr.AppImage');
    expect(launchCommand({}, '/opt/Lynkr Desktop/lynkr-desktop')).toBe('/opt/Lynkr Desktop/lynkr-desktop');
  });

  it('writes a valid Desktop Entry with a quoted Exec line', () => {
    const text = autostartEntry({ exec: '/opt/Lynkr Desktop/lynkr-desktop' });
    expect(text).toBe(
      [
        '[Desktop Entry]',
        'Type=Application',
        'Version=1.0',
        'Name=Lynkr Desktop',
        'Comment=Local OpenAI-compatible LLM gateway',
        'Exec="/opt/Lynkr Desktop/lynkr-desktop" --hidden',
        'Icon=lynkr-desktop',
        'Terminal=false',
        'X-GNOME-Autostart-enabled=true',
        '',
      ].join('\n'),
    );
  });

  it('escapes the Exec reserved characters', () => {
    expect(quoteExecArg('/usr/bin/app')).toBe('/usr/bin/app');
    expect(quoteExecArg('/a b/$HOME"x`\\')).toBe('"/a b/\\$HOME\\"x\\`\\\\"');
    expect(quoteExecArg('100%')).toBe('100%%');
  });

  it('writes, reads and removes the file', async () => {
    const file = autostartPath({ XDG_CONFIG_HOME: path.join(tmp, 'cfg') }, tmp);
    expect(await readLinuxAutostart(file)).toBe(false);
    await writeLinuxAutostart(file, true, autostartEntry({ exec: '/usr/bin/lynkr-desktop' }));
    expect(await readFile(file, 'utf8')).toContain('Exec=/usr/bin/lynkr-desktop --hidden');
    expect((await stat(file)).mode & 0o777).toBe(0o644);
    expect(await readLinuxAutostart(file)).toBe(true);
    await writeLinuxAutostart(file, false, '');
    expect(await readLinuxAutostart(file)).toBe(false);
    await writeLinuxAutostart(file, false, ''); // removing twice is fine
  });

  it('treats a file the user switched off as disabled', async () => {
    expect(entryIsEnabled('[Desktop Entry]\nHidden=true\n')).toBe(false);
    expect(entryIsEnabled('[Desktop Entry]\nX-GNOME-Autostart-enabled=false\n')).toBe(false);
    const file = path.join(tmp, 'off.desktop');
    await writeFile(file, '[Desktop Entry]\nHidden=true\n');
    expect(await readLinuxAutostart(file)).toBe(false);
  });
});

describe('start at login through the host (Electron app in main.ts)', () => {
  const host = (platform: NodeJS.Platform, isPackaged: boolean): LoginItemHost & { set: unknown[] } => {
    const set: unknown[] = [];
    let openAtLogin = false;
    return {
      set,
      platform,
      env: { XDG_CONFIG_HOME: path.join(tmp, `host-${platform}-${isPackaged}`) },
      home: tmp,
      execPath: '/opt/electron/electron',
      isPackaged,
      appPath: '/src/lynkr',
      getLoginItemSettings: () => ({ openAtLogin }),
      setLoginItemSettings: (s) => void (set.push(s), (openAtLogin = s.openAtLogin)),
    };
  };

  it('Linux: an autostart entry that starts hidden; unpackaged it names the app path after the Electron binary', async () => {
    for (const [packaged, exec] of [
      [true, 'Exec=/opt/electron/electron --hidden\n'],
      [false, 'Exec=/opt/electron/electron /src/lynkr --hidden\n'],
    ] as const) {
      const h = host('linux', packaged);
      const file = autostartPath(h.env, h.home);
      expect(await readStartAtLogin(h)).toBe(false);
      await writeStartAtLogin(h, true);
      expect(await readFile(file, 'utf8')).toContain(exec);
      expect(await readStartAtLogin(h)).toBe(true);
      await writeStartAtLogin(h, false);
      expect(await readStartAtLogin(h)).toBe(false);
      expect(h.set).toEqual([]);
    }
  });

  it("macOS and Windows: Electron's login item, opened hidden", async () => {
    for (const platform of ['darwin', 'win32'] as const) {
      const h = host(platform, true);
      await writeStartAtLogin(h, true);
      expect(h.set).toEqual([{ openAtLogin: true, openAsHidden: true, args: ['--hidden'] }]);
      expect(await readStartAtLogin(h)).toBe(true);
    }
  });
});
