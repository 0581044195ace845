// SecretBox over Electron's safeStorage (Keychain / DPAPI / libsecret / KWallet). Must run after app 'ready'.
import { safeStorage } from 'electron';
import type { SecretBox } from './secrets.js';

/** Newer Electron versions add async variants that avoid blocking the main process on the OS keyring. */
interface AsyncSafeStorage {
  isAsyncEncryptionAvailable?: () => Promise<boolean>;
  encryptStringAsync?: (plain: string) => Promise<Buffer>;
  decryptStringAsync?: (cipher: Buffer) => Promise<string | { result: string; shouldReEncrypt?: boolean }>;
}

function backendName(): string {
  if (process.platform === 'darwin') return 'keychain';
  if (process.platform === 'win32') return 'dpapi';
  return safeStorage.getSelectedStorageBackend();
}

export function createSafeStorageBox(): SecretBox {
  const async = safeStorage as unknown as AsyncSafeStorage;
  const hasAsync = typeof async.encryptStringAsync === 'function' && typeof async.decryptStringAsync === 'function';
  return {
    backend: backendName(),
    available: () => safeStorage.isEncryptionAvailable(),
    async encrypt(plain) {
      if (hasAsync) return async.encryptStringAsync!(plain);
      return safeStorage.encryptString(plain);
    },
    async decrypt(cipher) {
      if (hasAsync) {
        const out = await async.decryptStringAsync!(cipher);
        return typeof out === 'string' ? out : out.result;
      }
      return safeStorage.decryptString(cipher);
    },
  };
}
