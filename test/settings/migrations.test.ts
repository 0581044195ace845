import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSettings } from '../../main/settings/load.js';
import { migrateSettings, migrations } from '../../main/settings/migrations.js';
import { SETTINGS_VERSION } from '../../main/settings/schema.js';
import { tempDir } from './tmp.js';

describe('settings migrations', () => {
  it('has a step for every version up to the current one', () => {
    for (let v = 1; v <= SETTINGS_VERSION; v++) expect(migrations[v], `migration to v${v}`).toBeTypeOf('function');
  });

  it('v0 → v1 turns a flat Lynkr-style object into the nested shape, keeping nested keys', () => {
    const v0 = { MODEL_PROVIDER: 'openrouter', OPENROUTER_API_KEY: 'sk-or-old', PORT: 9090, FALLBACK_ENABLED: false, log: { storePrompts: true } };
    const { value, from, changed } = migrateSettings(v0);
    expect(from).toBe(0);
    expect(changed).toBe(true);
    expect(value).toEqual({
      version: 1,
      server: { port: 9090 },
      defaultModel: 'openrouter/openai/gpt-4o-mini',
      providers: [{ id: 'openrouter', kind: 'openrouter', apiKey: 'sk-or-old' }],
      fallback: { enabled: false },
      log: { storePrompts: true },
    });
  });

  it('leaves a current file alone and refuses a newer one', () => {
    const v1 = { version: 1, server: { port: 1 } };
    expect(migrateSettings(v1)).toEqual({ value: v1, from: 1, changed: false });
    expect(() => migrateSettings({ version: SETTINGS_VERSION + 1 })).toThrow(/version: the settings file is version 2, newer than this build/);
    expect(() => migrateSettings({ version: 'one' })).toThrow(/version: expected a whole number/);
  });

  it('a bad value in a v0 file names the old key', () => {
    expect(() => migrateSettings({ PORT: 'eighty' })).toThrow(/server\.port: expected an integer, got "eighty" \(from settings\.json PORT\)/);
  });

  it('loading a v0 file migrates it on disk once', () => {
    const dataDir = tempDir();
    writeFileSync(join(dataDir, 'settings.json'), JSON.stringify({ PORT: '9191', LYNKR_MODE: 'local' }));
    const s = loadSettings({ dataDir, cwd: tempDir(), env: {} }).settings;
    expect(s.server.port).toBe(9191);
    expect(s.mode).toBe('local');
    expect(JSON.parse(readFileSync(join(dataDir, 'settings.json'), 'utf8'))).toEqual({ version: 1, server: { port: 9191 }, mode: 'local' });
  });
});
