// Where an installed Ollama binary lives: PATH first, then each OS's usual install places.
// Everything about the machine (platform, env, home, file system) is injected so tests can fake it.
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export interface BinaryProbe {
  platform: NodeJS.Platform;
  env: Record<string, string | undefined>;
  home: string;
  /** True when `file` is a regular file we may execute (on Windows: exists). */
  isExecutable(file: string): Promise<boolean>;
  /** True when `dir` is a directory (the macOS app bundle). */
  isDirectory(dir: string): Promise<boolean>;
}

export function systemProbe(): BinaryProbe {
  return {
    platform: process.platform,
    env: process.env,
    home: os.homedir(),
    async isExecutable(file) {
      try {
        if (!(await stat(file)).isFile()) return false;
        await access(file, process.platform === 'win32' ? constants.F_OK : constants.X_OK);
        return true;
      } catch {
        return false;
      }
    },
    async isDirectory(dir) {
      try {
        return (await stat(dir)).isDirectory();
      } catch {
        return false;
      }
    },
  };
}

/** Candidate binary paths in search order (PATH entries, then the installers' default places). */
export function candidatePaths(probe: Pick<BinaryProbe, 'platform' | 'env' | 'home'>): string[] {
  const win = probe.platform === 'win32';
  const p = win ? path.win32 : path.posix;
  const exe = win ? 'ollama.exe' : 'ollama';
  const pathVar = probe.env.PATH ?? probe.env.Path ?? '';
  const fromPath = pathVar
    .split(win ? ';' : ':')
    .filter((dir) => dir.trim() !== '')
    .map((dir) => p.join(dir, exe));
  const usual: string[] = [];
  if (win) {
    const localAppData = probe.env.LOCALAPPDATA ?? p.join(probe.home, 'AppData', 'Local');
    usual.push(p.join(localAppData, 'Programs', 'Ollama', 'ollama.exe'));
    if (probe.env.ProgramFiles) usual.push(p.join(probe.env.ProgramFiles, 'Ollama', 'ollama.exe'));
  } else if (probe.platform === 'darwin') {
    usual.push(
      ...macBundles(probe.home).map((bundle) => p.join(bundle, 'Contents', 'Resources', 'ollama')),
      '/usr/local/bin/ollama',
      '/opt/homebrew/bin/ollama',
    );
  } else {
    usual.push('/usr/local/bin/ollama', '/usr/bin/ollama', p.join(probe.home, '.local', 'bin', 'ollama'));
  }
  return [...new Set([...fromPath, ...usual])];
}

/** The macOS app bundle places (system-wide and per-user Applications). */
export function macBundles(home: string): string[] {
  return ['/Applications/Ollama.app', path.posix.join(home, 'Applications', 'Ollama.app')];
}

export interface FoundBinary {
  path: string;
  /** The macOS app bundle it belongs to, if any. */
  bundle?: string;
}

/** The first installed Ollama binary, or the app bundle alone when its inner binary is not where we expect. */
export async function findOllamaBinary(probe: BinaryProbe = systemProbe()): Promise<FoundBinary | undefined> {
  for (const file of candidatePaths(probe)) {
    if (await probe.isExecutable(file)) {
      const bundle = file.includes('.app/Contents/') ? file.slice(0, file.indexOf('.app/') + 4) : undefined;
      return bundle ? { path: file, bundle } : { path: file };
    }
  }
  if (probe.platform === 'darwin') {
    for (const bundle of macBundles(probe.home)) {
      if (await probe.isDirectory(bundle)) return { path: bundle, bundle };
    }
  }
  return undefined;
}
