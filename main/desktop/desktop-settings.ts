// The desktop's view of <dataDir>/settings.json. electron-store is a thin layer over `conf`, so the same options
// (and this Electron-free code) work on a plain Conf in tests and on electron-store in the app
// (settings-store.ts). The headless gateway opens the same file with the same options (settings/file.ts).
import { migrateSettings } from '../settings/migrations.js';
import { settingsSchema, type Settings } from '../settings/schema.js';
import type { SecretFile } from './secrets.js';

export const SETTINGS_CONFIG_NAME = 'settings';
export const SECRETS_KEY = 'secrets';

/** conf/electron-store options shared with settings/file.ts, minus the file name (conf: configName, electron-store: name). */
export function sharedStoreOptions(dataDir: string) {
  return {
    cwd: dataDir,
    // A hand-edited file with a typo must stop with a message, never be silently wiped.
    clearInvalidConfig: false,
    // It holds ciphertexts and maybe a gateway key.
    configFileMode: 0o600,
    // Provider ids may contain dots ("secrets.my.provider" must stay one key).
    accessPropertiesByDotNotation: false,
  } as const;
}

/** The part of Conf/electron-store this module uses. */
export interface RawStore {
  readonly path: string;
  store: Record<string, unknown>;
  get(key: string): unknown;
  set(key: string, value: unknown): void;
}

/** Runs the shared migrations (writing the result back), then validates with the shared zod schema. */
export function readDesktopSettings(store: RawStore): Settings {
  const raw = store.store;
  if (Object.keys(raw).length > 0) {
    const migrated = migrateSettings(raw);
    if (migrated.changed) store.store = migrated.value;
  }
  const parsed = settingsSchema.safeParse(store.store);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new Error(`settings: ${issues} (from ${store.path})`);
  }
  return parsed.data;
}

/** The `secrets` object of the settings file: provider id → base64 ciphertext. */
export function secretFileOn(store: RawStore): SecretFile {
  return {
    read() {
      const value = store.get(SECRETS_KEY);
      if (!value || typeof value !== 'object' || Array.isArray(value)) return {};
      return Object.fromEntries(Object.entries(value).filter((e): e is [string, string] => typeof e[1] === 'string'));
    },
    write(secrets) {
      store.set(SECRETS_KEY, secrets);
    },
  };
}

/**
 * Keeps a port chosen in the port-conflict dialog for the next launch. Written to the file directly: the running
 * gateway already has it (as a flag), so a settings update would see no change and persist nothing.
 */
export function rememberServerPort(store: RawStore, port: number): void {
  const server = store.get('server');
  store.set('server', { ...(server && typeof server === 'object' ? server : {}), port });
}
