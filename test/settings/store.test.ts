import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../main/core/errors.js';
import { loadSettings } from '../../main/settings/load.js';
import { settingsSchema } from '../../main/settings/schema.js';
import { createSettingsStore } from '../../main/settings/store.js';
import { tempDir } from './tmp.js';

const readFile = (dataDir: string) => JSON.parse(readFileSync(join(dataDir, 'settings.json'), 'utf8'));

function loaded(env: Record<string, string>, file?: unknown) {
  const dataDir = tempDir();
  if (file) writeFileSync(join(dataDir, 'settings.json'), JSON.stringify(file));
  const { settings } = loadSettings({ dataDir, cwd: tempDir(), env });
  return { dataDir, settings };
}

describe('settings store', () => {
  it('persists a mode change, but not the env-derived key, flags or defaults', () => {
    const { dataDir, settings } = loaded({ OPENAI_API_KEY: 'sk-env-secret-123', PORT: '9999' }, { version: 1, log: { retentionDays: 7 } });
    const store = createSettingsStore(dataDir, settings, { persist: true });
    store.update((d) => {
      d.mode = 'local';
    });
    const raw = readFileSync(join(dataDir, 'settings.json'), 'utf8');
    expect(JSON.parse(raw)).toEqual({ version: 1, log: { retentionDays: 7 }, mode: 'local' });
    expect(raw).not.toContain('sk-env-secret-123');
    expect(statSync(join(dataDir, 'settings.json')).mode & 0o777).toBe(0o600);
    // And the next start sees the mode.
    expect(loadSettings({ dataDir, cwd: tempDir(), env: {} }).settings.mode).toBe('local');
  });

  it('editing an env-made provider writes only the changed field', () => {
    const { dataDir, settings } = loaded({ OPENAI_API_KEY: 'sk-env-secret-123' });
    const store = createSettingsStore(dataDir, settings, { persist: true });
    store.update((d) => {
      const openai = d.providers.find((p) => p.id === 'openai');
      if (openai) openai.models = ['gpt-4.1'];
    });
    expect(readFile(dataDir).providers).toEqual([{ id: 'openai', kind: 'openai', models: ['gpt-4.1'] }]);
    expect(store.get().providers.find((p) => p.id === 'openai')?.apiKey).toBe('sk-env-secret-123');
  });

  it('a provider added through the store is saved whole; removing it removes it', () => {
    const { dataDir, settings } = loaded({});
    const store = createSettingsStore(dataDir, settings, { persist: true });
    store.update((d) => {
      d.providers.push({ id: 'lan', kind: 'openai-compatible', baseUrl: 'http://10.0.0.2:8000/v1', apiKey: 'user-typed-key', enabled: true, models: ['m'], headers: {}, maxConcurrent: 64 });
    });
    expect(readFile(dataDir).providers).toEqual([expect.objectContaining({ id: 'lan', apiKey: 'user-typed-key' })]);
    store.update((d) => {
      d.providers = d.providers.filter((p) => p.id !== 'lan');
    });
    expect(readFile(dataDir).providers).toEqual([]);
  });

  it('rejects an invalid update with a 400 naming the key, and keeps the old settings', () => {
    const { dataDir, settings } = loaded({});
    const store = createSettingsStore(dataDir, settings, { persist: true });
    let caught: unknown;
    try {
      store.update((d) => {
        d.server.port = 70000;
      });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(GatewayError);
    expect(caught).toMatchObject({ status: 400, kind: 'invalid_request', param: 'server.port' });
    expect((caught as Error).message).toMatch(/server\.port: Too big/);
    expect(store.get().server.port).toBe(8081);
    expect(existsSync(join(dataDir, 'settings.json'))).toBe(false);
  });

  it('notifies listeners with next and previous; unsubscribe works; a throwing listener is contained', () => {
    const { dataDir, settings } = loaded({});
    const store = createSettingsStore(dataDir, settings, { persist: false });
    const seen: string[] = [];
    store.onChange(() => {
      throw new Error('broken listener');
    });
    const off = store.onChange((next, prev) => seen.push(`${prev.mode}→${next.mode}`));
    store.update((d) => {
      d.mode = 'cloud';
    });
    off();
    store.update((d) => {
      d.mode = 'local';
    });
    expect(seen).toEqual(['auto→cloud']);
    expect(store.get().mode).toBe('local');
    expect(existsSync(join(dataDir, 'settings.json'))).toBe(false); // persist: false
  });

  it('a mutator that throws changes nothing', () => {
    const { dataDir, settings } = loaded({});
    const store = createSettingsStore(dataDir, settings, { persist: false });
    expect(() =>
      store.update((d) => {
        d.mode = 'cloud';
        throw new Error('changed my mind');
      }),
    ).toThrow('changed my mind');
    expect(store.get().mode).toBe('auto');
  });
});

describe('keysOutOfFile', () => {
  it('never writes a provider key to the settings file, but keeps it in memory', () => {
    const dir = tempDir();
    const store = createSettingsStore(dir, settingsSchema.parse({}), { persist: true, keysOutOfFile: true });
    store.update((d) => {
      d.providers.push({ id: 'openai', kind: 'openai', enabled: true, models: [], headers: {}, maxConcurrent: 8, apiKey: 'sk-never-on-disk-123456' });
    });
    expect(store.get().providers[0].apiKey).toBe('sk-never-on-disk-123456');
    const file = join(dir, 'settings.json');
    expect(existsSync(file)).toBe(true);
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('"openai"');
    expect(text).not.toContain('sk-never-on-disk');
  });
});
