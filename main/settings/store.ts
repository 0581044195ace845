// The live settings: validated updates, persisted as changes to the file's own content (see diff.ts), then
// announced to listeners.
import { GatewayError } from '../core/errors.js';
import { applyChanges } from './diff.js';
import { openSettingsFile, type SettingsFile } from './file.js';
import { clone, type Plain } from './merge.js';
import { settingsSchema, SETTINGS_VERSION, type Settings } from './schema.js';

/** The settings file, live: mutations are validated with the schema and persisted. */
export interface SettingsStore {
  get(): Settings;
  /** Applies `mutate` to a copy, validates, persists, then notifies listeners. Throws a 400 GatewayError if invalid. */
  update(mutate: (draft: Settings) => void, opts?: { persist?: boolean }): Settings;
  onChange(listener: (next: Settings, prev: Settings) => void): () => void;
}

export interface SettingsStoreOptions {
  /** Write changes to <dataDir>/settings.json. Off for tests and throwaway gateways. */
  persist: boolean;
  /** Never write provider API keys to the file (the desktop keeps them in the OS secret store instead). */
  keysOutOfFile?: boolean;
}

const withoutKeys = (s: Settings): Settings => ({ ...s, providers: s.providers.map(({ apiKey: _key, ...p }) => p) });

export function createSettingsStore(dataDir: string, initial: Settings, opts: SettingsStoreOptions): SettingsStore {
  let current = clone(initial);
  const listeners = new Set<(next: Settings, prev: Settings) => void>();
  let file: SettingsFile | undefined;

  const save = (prev: Settings, next: Settings): void => {
    file ??= openSettingsFile(dataDir);
    const [a, b] = opts.keysOutOfFile ? [withoutKeys(prev), withoutKeys(next)] : [prev, next];
    const content = applyChanges(file.read(), a as unknown as Plain, b as unknown as Plain);
    file.write({ ...content, version: SETTINGS_VERSION });
  };

  return {
    get: () => current,
    // `persist: false`: a choice the gateway makes for the user (installed-model.ts) stays out of the file.
    update(mutate, updateOpts) {
      const draft = clone(current);
      mutate(draft);
      const parsed = settingsSchema.safeParse(draft);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const param = issue.path.map(String).join('.');
        const all = parsed.error.issues.map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`).join('; ');
        throw new GatewayError({ kind: 'invalid_request', status: 400, message: `invalid settings: ${all}`, param, code: 'invalid_settings' });
      }
      const prev = current;
      const next = parsed.data;
      if (opts.persist && updateOpts?.persist !== false) {
        try {
          save(prev, next);
        } catch (err) {
          throw new GatewayError({ kind: 'internal', status: 500, message: `could not save settings: ${(err as Error).message}`, cause: err });
        }
      }
      current = next;
      for (const listener of listeners) {
        try {
          listener(next, prev);
        } catch {
          // One broken listener must not undo a saved change or starve the others.
        }
      }
      return next;
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
