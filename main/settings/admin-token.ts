// The admin API's bearer token: made at first start, kept at <dataDir>/admin-token readable only by the user.
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { adminTokenFile } from './paths.js';

export function loadOrCreateAdminToken(dataDir: string): string {
  const path = adminTokenFile(dataDir);
  const existing = readAdminToken(dataDir);
  if (existing) {
    // Tighten a token file that someone copied or created with looser permissions.
    if (process.platform !== 'win32' && (statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
    return existing;
  }
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const token = randomBytes(32).toString('base64url');
  try {
    writeFileSync(path, token + '\n', { mode: 0o600, flag: 'wx' });
  } catch (err) {
    // Two processes starting at once: the first one's token wins.
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    const winner = readAdminToken(dataDir);
    if (winner) return winner;
    // An empty file (a crash mid-write): replace it.
    writeFileSync(path, token + '\n', { mode: 0o600 });
    chmodSync(path, 0o600);
  }
  return token;
}

/** The stored token, or undefined when there is none yet (nothing has started in this data dir). */
export function readAdminToken(dataDir: string): string | undefined {
  try {
    return readFileSync(adminTokenFile(dataDir), 'utf8').trim() || undefined;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
