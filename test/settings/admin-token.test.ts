import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadOrCreateAdminToken, readAdminToken } from '../../main/settings/admin-token.js';
import { resolveDataDir } from '../../main/settings/paths.js';
import { tempDir } from './tmp.js';

describe('admin token', () => {
  it('is made once: 32 random bytes, base64url, mode 0600, then reused', () => {
    const dataDir = join(tempDir(), 'nested', 'dir');
    expect(readAdminToken(dataDir)).toBeUndefined();
    const token = loadOrCreateAdminToken(dataDir);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    const file = join(dataDir, 'admin-token');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8').trim()).toBe(token);
    expect(loadOrCreateAdminToken(dataDir)).toBe(token);
    expect(loadOrCreateAdminToken(tempDir())).not.toBe(token);
  });

  it('tightens a token file with loose permissions and replaces an empty one', () => {
    const dataDir = tempDir();
    const file = join(dataDir, 'admin-token');
    writeFileSync(file, 'existing-token\n');
    chmodSync(file, 0o644);
    expect(loadOrCreateAdminToken(dataDir)).toBe('existing-token');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    writeFileSync(file, '');
    const fresh = loadOrCreateAdminToken(dataDir);
    expect(fresh).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(readAdminToken(dataDir)).toBe(fresh);
  });
});

describe('data dir', () => {
  it('LYNKR_DATA_DIR wins, else the per-OS config dir', () => {
    expect(resolveDataDir({ env: { LYNKR_DATA_DIR: '/x/y' }, platform: 'linux', home: '/h' })).toBe('/x/y');
    expect(resolveDataDir({ env: {}, platform: 'linux', home: '/h' })).toBe('/h/.config/lynkr-desktop');
    expect(resolveDataDir({ env: { XDG_CONFIG_HOME: '/xdg' }, platform: 'linux', home: '/h' })).toBe('/xdg/lynkr-desktop');
    expect(resolveDataDir({ env: {}, platform: 'darwin', home: '/Users/me' })).toBe('/Users/me/Library/Application Support/lynkr-desktop');
    expect(resolveDataDir({ env: { APPDATA: '/appdata' }, platform: 'win32', home: '/h' })).toMatch(/^\/appdata.lynkr-desktop$/);
  });
});
