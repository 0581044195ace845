// Keeps API keys out of settings.json in the desktop app: plaintext keys found in the file move into the
// OS-encrypted vault at start, and a key typed into the window is sealed as soon as the gateway's settings change.
// Electron-free: the vault's SecretBox (safe-storage.ts) is the only part that needs Electron.
import type { Settings } from '../settings/schema.js';
import { readDesktopSettings, type RawStore } from './desktop-settings.js';
import { sealPlaintextKeys, secretBoxWarning, type SecretBox, type SecretVault } from './secrets.js';

export interface KeySealingDeps {
  store: RawStore;
  box: Pick<SecretBox, 'backend' | 'available'>;
  vault: SecretVault;
  /** Shown in the window's status (the app has no terminal). */
  warn: (message: string) => void;
}

/** Moves plaintext keys in the file into the vault and writes `providers` back without them. */
async function sealKeysInFile(store: RawStore, vault: SecretVault): Promise<void> {
  const sealed = await sealPlaintextKeys(store.get('providers'), vault);
  if (sealed) store.set('providers', sealed);
}

/** At start: warn about a weak or missing secret store, migrate and check the file, then seal its plaintext keys. */
export async function sealKeysAtStart({ store, box, vault, warn }: KeySealingDeps): Promise<void> {
  const boxWarning = secretBoxWarning(box);
  if (boxWarning) warn(boxWarning);
  try {
    readDesktopSettings(store);
    if (box.available()) await sealKeysInFile(store, vault);
  } catch (err) {
    // The gateway start fails with the same message and the window shows it.
    warn(err instanceof Error ? err.message : String(err));
  }
}

/**
 * A key typed into the window reaches the gateway's settings in memory; the store never writes keys to the file
 * when the desktop passes `secrets` to startGateway. Seal it into the vault; the running gateway keeps using it.
 * A removed provider's key leaves the vault. Keys written to the file by other means (the headless CLI, a hand
 * edit) are moved into the vault too.
 */
export async function sealChangedKeys(next: Settings, prev: Settings, { store, vault, warn }: Omit<KeySealingDeps, 'box'>): Promise<void> {
  try {
    for (const p of next.providers) {
      const before = prev.providers.find((q) => q.id === p.id);
      if (p.apiKey && p.apiKey !== before?.apiKey) await vault.set(p.id, p.apiKey);
    }
    for (const p of prev.providers) if (!next.providers.some((q) => q.id === p.id) && vault.has(p.id)) vault.remove(p.id);
    await sealKeysInFile(store, vault);
  } catch (err) {
    warn(`API keys could not be moved to the OS secret store: ${err instanceof Error ? err.message : String(err)}`);
  }
}
