// The settings file, <dataDir>/settings.json, read and written through `conf` (what electron-store wraps),
// so the desktop app and the headless gateway share one file and one format.
import { mkdirSync } from 'node:fs';
import Conf from 'conf';
import { migrateSettings } from './migrations.js';
import { settingsFile } from './paths.js';
import type { Plain } from './merge.js';

export interface SettingsFile {
  path: string;
  /** The file's content after migrations ({} when absent). */
  read(): Plain;
  write(value: Plain): void;
}

export function openSettingsFile(dataDir: string): SettingsFile {
  // The data dir holds keys, the admin token and (if enabled) prompts: only this user may read it.
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  // conf reads the file in its constructor too, so both places report a broken file the same way.
  const conf = unbroken(dataDir, () => new Conf<Plain>({
    cwd: dataDir,
    configName: 'settings',
    // A hand-edited file with a typo must stop startup with a message, never be silently wiped.
    clearInvalidConfig: false,
    // It can hold API keys.
    configFileMode: 0o600,
    accessPropertiesByDotNotation: false,
  }));
  const read = (): Plain => {
    const raw = unbroken(dataDir, () => conf.store);
    if (Object.keys(raw).length === 0) return {};
    const migrated = migrateSettings(raw);
    if (migrated.changed) conf.store = migrated.value;
    return migrated.value;
  };
  return {
    path: conf.path,
    read,
    write: (value) => {
      conf.store = value;
    },
  };
}

function unbroken<T>(dataDir: string, read: () => T): T {
  try {
    return read();
  } catch (err) {
    if (err instanceof SyntaxError) throw new Error(`settings: ${settingsFile(dataDir)} is not valid JSON: ${err.message} (fix or delete it)`);
    throw err;
  }
}
