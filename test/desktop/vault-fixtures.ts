// Shared by the desktop's secrets and key-sealing tests: a fake OS keyring, temporary data dirs, and the settings
// file opened the way electron-store opens it (a Conf with the shared options), all without Electron.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Conf from 'conf';
import { afterEach } from 'vitest';
import { sharedStoreOptions, SETTINGS_CONFIG_NAME, type RawStore } from '../../main/desktop/desktop-settings.js';
import type { SecretBox } from '../../main/desktop/secrets.js';

/** A fake OS keyring: real AES-GCM with a key that only this "machine" (instance) has. */
export function fakeBox(backend = 'gnome_libsecret', available = true): SecretBox {
  const key = randomBytes(32);
  return {
    backend,
    available: () => available,
    async encrypt(plain) {
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
      return Buffer.concat([iv, c.getAuthTag(), body]);
    },
    async decrypt(cipher) {
      const d = createDecipheriv('aes-256-gcm', key, cipher.subarray(0, 12));
      d.setAuthTag(cipher.subarray(12, 28));
      return Buffer.concat([d.update(cipher.subarray(28)), d.final()]).toString('utf8');
    },
  };
}

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

/** A fresh data dir, removed after the test. */
export async function dataDir(): Promise<string> {
  const d = await mkdtemp(path.join(os.tmpdir(), 'lynkr-secrets-'));
  dirs.push(d);
  return d;
}

/** What electron-store does with these options, minus Electron: a Conf on the same file. */
export function confStore(dir: string): RawStore {
  return new Conf<Record<string, unknown>>({ ...sharedStoreOptions(dir), configName: SETTINGS_CONFIG_NAME }) as unknown as RawStore;
}
