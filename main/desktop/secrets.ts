// API keys at rest: encrypted by the OS (safeStorage, see safe-storage.ts), stored as base64 ciphertext in the
// settings file under `secrets.<providerId>`, never as plaintext. The renderer only ever sees masked keys.
import { maskKey } from '../core/keys.js';

export interface SecretBox {
  /** e.g. 'keychain', 'dpapi', 'gnome_libsecret', 'kwallet5', 'basic_text'. */
  readonly backend: string;
  available(): boolean;
  encrypt(plain: string): Promise<Buffer>;
  decrypt(cipher: Buffer): Promise<string>;
}

/** Where the ciphertexts live: the settings file's top-level `secrets` object. */
export interface SecretFile {
  read(): Record<string, string>;
  write(secrets: Record<string, string>): void;
}

/** The warning the window shows when keys are not really protected. */
export function secretBoxWarning(box: Pick<SecretBox, 'backend' | 'available'>): string | undefined {
  if (!box.available()) return 'No OS secret store is available: API keys cannot be saved from the app. Set them as environment variables instead.';
  if (box.backend === 'basic_text') {
    return 'No secret service (gnome-keyring or KWallet) was found: API keys are encrypted with a fixed key and are only obscured on disk. Install and unlock a keyring to protect them.';
  }
  return undefined;
}

export interface SecretVault {
  set(providerId: string, key: string): Promise<void>;
  remove(providerId: string): void;
  has(providerId: string): boolean;
  /** Masked keys for display; undecryptable entries (e.g. another machine's) show as undefined. */
  masked(): Promise<Record<string, string | undefined>>;
  /** Plaintext keys for the gateway in this process only; entries that fail to decrypt are skipped and named. */
  reveal(): Promise<{ keys: Record<string, string>; unreadable: string[] }>;
}

export function createSecretVault(box: SecretBox, file: SecretFile): SecretVault {
  const decryptAll = async (): Promise<Map<string, string | undefined>> => {
    const out = new Map<string, string | undefined>();
    for (const [id, b64] of Object.entries(file.read())) {
      try {
        out.set(id, await box.decrypt(Buffer.from(b64, 'base64')));
      } catch {
        out.set(id, undefined);
      }
    }
    return out;
  };
  return {
    async set(providerId, key) {
      if (!box.available()) throw new Error(secretBoxWarning(box));
      const cipher = (await box.encrypt(key)).toString('base64');
      file.write({ ...file.read(), [providerId]: cipher });
    },
    remove(providerId) {
      const next = { ...file.read() };
      delete next[providerId];
      file.write(next);
    },
    has: (providerId) => Object.hasOwn(file.read(), providerId),
    async masked() {
      const out: Record<string, string | undefined> = {};
      for (const [id, plain] of await decryptAll()) out[id] = maskKey(plain);
      return out;
    },
    async reveal() {
      const keys: Record<string, string> = {};
      const unreadable: string[] = [];
      for (const [id, plain] of await decryptAll()) {
        if (plain === undefined) unreadable.push(id);
        else keys[id] = plain;
      }
      return { keys, unreadable };
    },
  };
}

interface ProviderLike {
  id?: unknown;
  apiKey?: unknown;
}

/**
 * Moves plaintext `providers[].apiKey` values (e.g. written by the headless CLI or a hand edit) into the vault
 * and returns the providers list without them, or undefined when there was nothing to move. Only the list is
 * returned (not the whole file) so the caller writes back `providers` alone and cannot clobber the `secrets`
 * the vault just wrote.
 */
export async function sealPlaintextKeys(providersValue: unknown, vault: Pick<SecretVault, 'set'>): Promise<unknown[] | undefined> {
  if (!Array.isArray(providersValue)) return undefined;
  let moved = false;
  const providers: unknown[] = [];
  for (const p of providersValue as unknown[]) {
    const provider = p as ProviderLike;
    if (provider && typeof provider.id === 'string' && typeof provider.apiKey === 'string' && provider.apiKey !== '') {
      await vault.set(provider.id, provider.apiKey);
      const { apiKey: _sealed, ...rest } = provider as Record<string, unknown>;
      providers.push(rest);
      moved = true;
    } else {
      providers.push(p);
    }
  }
  return moved ? providers : undefined;
}
