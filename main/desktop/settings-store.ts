// electron-store over the same settings.json as the headless gateway (same dir, name, options, migrations and
// zod schema; see desktop-settings.ts). Imports electron (through electron-store), so only main.ts uses it.
import ElectronStore from 'electron-store';
import { SETTINGS_CONFIG_NAME, sharedStoreOptions, type RawStore } from './desktop-settings.js';

export function openDesktopStore(dataDir: string): RawStore {
  const store = new ElectronStore<Record<string, unknown>>({ ...sharedStoreOptions(dataDir), name: SETTINGS_CONFIG_NAME });
  return {
    get path() {
      return store.path;
    },
    get store() {
      return store.store;
    },
    set store(value) {
      store.store = value;
    },
    get: (key) => store.get(key),
    set: (key, value) => store.set(key, value),
  };
}
