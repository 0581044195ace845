import { readFile, stat, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { readDesktopSettings, secretFileOn } from '../../main/desktop/desktop-settings.js';
import { createSecretVault, sealPlaintextKeys, secretBoxWarning } from '../../main/desktop/secrets.js';
import { loadSettings } from '../../main/settings/load.js';
import { settingsFile } from '../../main/settings/paths.js';
import { createSettingsStore } from '../../main/settings/store.js';
import { confStore, dataDir, fakeBox } from './vault-fixtures.js';

const KEY = 'sk-live-THIS-IS-THE-PLAINTEXT-KEY-1234';

describe('secret vault', () => {
  it('stores only base64 ciphertext under secrets.<providerId> in settings.json', async () => {
    const dir = await dataDir();
    const store = confStore(dir);
    expect(store.path).toBe(settingsFile(dir));
    const vault = createSecretVault(fakeBox(), secretFileOn(store));
    await vault.set('openai', KEY);
    await vault.set('my.provider', 'sk-other-0123456789abcdef');
    const onDisk = await readFile(settingsFile(dir), 'utf8');
    expect(onDisk).not.toContain('PLAINTEXT');
    expect(onDisk).not.toContain('0123456789abcdef');
    const json = JSON.parse(onDisk) as { secrets: Record<string, string> };
    expect(Object.keys(json.secrets)).toEqual(['openai', 'my.provider']); // a dotted id stays one key
    expect(Buffer.from(json.secrets.openai!, 'base64').length).toBeGreaterThan(28);
    expect((await stat(settingsFile(dir))).mode & 0o077).toBe(0);

    expect(await vault.masked()).toEqual({ openai: 'sk-…1234', 'my.provider': 'sk-…cdef' });
    expect(await vault.reveal()).toEqual({ keys: { openai: KEY, 'my.provider': 'sk-other-0123456789abcdef' }, unreadable: [] });
    expect(vault.has('openai')).toBe(true);
    vault.remove('openai');
    expect(vault.has('openai')).toBe(false);
  });

  it("names entries it cannot decrypt (another machine's keyring) instead of failing", async () => {
    const dir = await dataDir();
    await createSecretVault(fakeBox(), secretFileOn(confStore(dir))).set('openai', KEY);
    const other = createSecretVault(fakeBox(), secretFileOn(confStore(dir)));
    expect(await other.reveal()).toEqual({ keys: {}, unreadable: ['openai'] });
    expect(await other.masked()).toEqual({ openai: undefined });
  });

  it('refuses to store when no encryption is available, and warns on basic_text', async () => {
    const dir = await dataDir();
    const vault = createSecretVault(fakeBox('basic_text', false), secretFileOn(confStore(dir)));
    await expect(vault.set('openai', KEY)).rejects.toThrow(/No OS secret store/);
    expect(secretBoxWarning(fakeBox('basic_text'))).toMatch(/No secret service/);
    expect(secretBoxWarning(fakeBox('kwallet5'))).toBeUndefined();
  });

  it('moves plaintext provider keys into the vault without clobbering the stored secrets', async () => {
    const dir = await dataDir();
    const store = confStore(dir);
    store.store = { version: 1, providers: [{ id: 'openai', kind: 'openai', apiKey: KEY }, { id: 'ollama', kind: 'ollama' }] };
    const vault = createSecretVault(fakeBox(), secretFileOn(store));
    await vault.set('anthropic', 'sk-ant-0123456789abcdef');
    const sealed = await sealPlaintextKeys(store.get('providers'), vault);
    expect(sealed).toEqual([{ id: 'openai', kind: 'openai' }, { id: 'ollama', kind: 'ollama' }]);
    store.set('providers', sealed);
    expect(await readFile(settingsFile(dir), 'utf8')).not.toContain('PLAINTEXT');
    expect((await vault.reveal()).keys).toEqual({ anthropic: 'sk-ant-0123456789abcdef', openai: KEY });
    expect(await sealPlaintextKeys(store.get('providers'), vault)).toBeUndefined();
    expect(await sealPlaintextKeys(undefined, vault)).toBeUndefined();
  });
});

describe('one settings file for desktop and headless', () => {
  it('runs the shared migrations and validates with the shared schema', async () => {
    const dir = await dataDir();
    // A v0 (Lynkr-style flat) file.
    await writeFile(settingsFile(dir), JSON.stringify({ PORT: 9123, MODEL_PROVIDER: 'ollama' }));
    const store = confStore(dir);
    const settings = readDesktopSettings(store);
    expect(settings.server.port).toBe(9123);
    expect(settings.version).toBe(1);
    expect((JSON.parse(await readFile(settingsFile(dir), 'utf8')) as { version: number }).version).toBe(1);
  });

  it('names the bad key when the file is invalid', async () => {
    const dir = await dataDir();
    await writeFile(settingsFile(dir), JSON.stringify({ version: 1, server: { port: 70000 } }));
    expect(() => readDesktopSettings(confStore(dir))).toThrow(/server\.port: .*settings\.json/);
  });

  it('keeps the secrets when the headless settings store saves a change, and headless loading ignores them', async () => {
    const dir = await dataDir();
    const store = confStore(dir);
    store.store = { version: 1, mode: 'auto' };
    const vault = createSecretVault(fakeBox(), secretFileOn(store));
    await vault.set('openai', KEY);

    const loaded = loadSettings({ dataDir: dir, env: {}, cwd: dir });
    expect(loaded.settings.mode).toBe('auto');
    const headless = createSettingsStore(dir, loaded.settings, { persist: true });
    headless.update((d) => void (d.mode = 'cloud'));

    const json = JSON.parse(await readFile(settingsFile(dir), 'utf8')) as { mode: string; secrets?: Record<string, string> };
    expect(json.mode).toBe('cloud');
    expect(Object.keys(json.secrets ?? {})).toEqual(['openai']);
    expect((await vault.reveal()).keys.openai).toBe(KEY);
  });
});
