// Keys never stay in settings.json in the desktop app: sealed at start, on every settings change, and a removed
// provider's key leaves the vault. Also the port remembered after a conflict (desktop-settings.ts).
import { readFile, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { rememberServerPort, secretFileOn } from '../../main/desktop/desktop-settings.js';
import { sealChangedKeys, sealKeysAtStart } from '../../main/desktop/key-sealing.js';
import { createSecretVault } from '../../main/desktop/secrets.js';
import { settingsFile } from '../../main/settings/paths.js';
import { settingsSchema, type Settings } from '../../main/settings/schema.js';
import { confStore, dataDir, fakeBox } from './vault-fixtures.js';

const KEY = 'sk-live-PLAINTEXT-AT-START-0000-1111';
const TYPED = 'sk-live-TYPED-IN-WINDOW-2222-3333';
const settings = (providers: Record<string, unknown>[]): Settings => settingsSchema.parse({ version: 1, providers });

describe('sealKeysAtStart', () => {
  it('moves plaintext keys from the file into the vault and warns about a weak keyring', async () => {
    const dir = await dataDir();
    await writeFile(settingsFile(dir), JSON.stringify({ version: 1, providers: [{ id: 'openai', kind: 'openai', apiKey: KEY }] }));
    const store = confStore(dir);
    const box = fakeBox('basic_text');
    const vault = createSecretVault(box, secretFileOn(store));
    const warnings: string[] = [];
    await sealKeysAtStart({ store, box, vault, warn: (m) => warnings.push(m) });
    expect(await readFile(settingsFile(dir), 'utf8')).not.toContain('PLAINTEXT');
    expect((await vault.reveal()).keys).toEqual({ openai: KEY });
    expect(warnings).toEqual([expect.stringMatching(/^No secret service/)]);
  });

  it('leaves keys in place without a secret store, and turns an invalid file into a warning', async () => {
    const dir = await dataDir();
    await writeFile(settingsFile(dir), JSON.stringify({ version: 1, server: { port: 70000 }, providers: [{ id: 'openai', kind: 'openai', apiKey: KEY }] }));
    const store = confStore(dir);
    const box = fakeBox('basic_text', false);
    const warnings: string[] = [];
    await sealKeysAtStart({ store, box, vault: createSecretVault(box, secretFileOn(store)), warn: (m) => warnings.push(m) });
    expect(warnings).toEqual([expect.stringMatching(/^No OS secret store/), expect.stringMatching(/server\.port: .*settings\.json/)]);
    expect(await readFile(settingsFile(dir), 'utf8')).toContain('PLAINTEXT');
  });
});

describe('sealChangedKeys', () => {
  it('seals a changed key, drops a removed provider, and keeps the file free of keys', async () => {
    const dir = await dataDir();
    const store = confStore(dir);
    store.store = { version: 1, providers: [{ id: 'openai', kind: 'openai', apiKey: TYPED }] };
    const vault = createSecretVault(fakeBox(), secretFileOn(store));
    await vault.set('gone', 'sk-gone-4444');
    const prev = settings([{ id: 'openai', kind: 'openai' }, { id: 'gone', kind: 'openai' }]);
    const next = settings([{ id: 'openai', kind: 'openai', apiKey: TYPED }]);
    const warnings: string[] = [];
    await sealChangedKeys(next, prev, { store, vault, warn: (m) => warnings.push(m) });
    expect((await vault.reveal()).keys).toEqual({ openai: TYPED });
    expect(await readFile(settingsFile(dir), 'utf8')).not.toContain('TYPED');
    expect(warnings).toEqual([]);
  });

  it('warns instead of throwing when the vault refuses', async () => {
    const dir = await dataDir();
    const store = confStore(dir);
    const vault = createSecretVault(fakeBox('basic_text', false), secretFileOn(store));
    const warnings: string[] = [];
    await sealChangedKeys(settings([{ id: 'openai', kind: 'openai', apiKey: TYPED }]), settings([]), { store, vault, warn: (m) => warnings.push(m) });
    expect(warnings).toEqual([expect.stringMatching(/^API keys could not be moved to the OS secret store: No OS secret store/)]);
  });
});

describe('rememberServerPort', () => {
  it('writes the port into the server section and keeps its other fields', async () => {
    const dir = await dataDir();
    const store = confStore(dir);
    store.store = { version: 1, server: { port: 8081, host: '127.0.0.1' } };
    rememberServerPort(store, 8082);
    expect(JSON.parse(await readFile(settingsFile(dir), 'utf8'))).toMatchObject({ server: { port: 8082, host: '127.0.0.1' } });
    store.store = { version: 1 };
    rememberServerPort(store, 9000);
    expect(store.get('server')).toEqual({ port: 9000 });
  });
});
