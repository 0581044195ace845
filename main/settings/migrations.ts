// Forward-only migrations of the settings file, keyed by the version they produce. The desktop app's
// electron-store runs the same runner on the same file, so both always agree on the shape.
//
// v0 → v1: early drafts (and Lynkr users copying their .env) stored Lynkr's flat env names as JSON keys,
// e.g. {"MODEL_PROVIDER":"openai","OPENAI_API_KEY":"sk-…","PORT":8081}. v1 is the nested schema
// (server.port, providers[], …). Upper-case keys are mapped through the env table; other keys are kept and
// win over the mapped ones.
import { settingsFromEnv } from './env.js';
import { isPlain, mergeLayers, type Plain } from './merge.js';
import { SETTINGS_VERSION } from './schema.js';

type Migration = (old: Plain) => Plain;

export const migrations: Readonly<Record<number, Migration>> = {
  1: (old) => {
    const flat: Record<string, string> = {};
    const rest: Plain = {};
    for (const [key, value] of Object.entries(old)) {
      if (/^[A-Z][A-Z0-9_]*$/.test(key) && (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')) flat[key] = String(value);
      else rest[key] = value;
    }
    const mapped = settingsFromEnv(flat, (name) => `settings.json ${name}`).input as Plain;
    return mergeLayers(mapped, rest);
  },
};

export interface MigrationResult {
  value: Plain;
  from: number;
  /** True when the file needs rewriting. */
  changed: boolean;
}

/** Runs every migration above the file's version, in order. A file from a newer version is refused. */
export function migrateSettings(raw: unknown, target = SETTINGS_VERSION): MigrationResult {
  if (!isPlain(raw)) throw new Error('settings: the settings file must hold a JSON object');
  const from = raw.version === undefined ? 0 : raw.version;
  if (typeof from !== 'number' || !Number.isInteger(from) || from < 0) throw new Error(`settings: version: expected a whole number, got ${JSON.stringify(raw.version)} (from settings.json)`);
  if (from > target) throw new Error(`settings: version: the settings file is version ${from}, newer than this build understands (${target}) (from settings.json)`);
  let value: Plain = { ...raw };
  delete value.version;
  for (let v = from + 1; v <= target; v++) {
    const step = migrations[v];
    if (step) value = step(value);
  }
  return { value: { version: target, ...value }, from, changed: from !== target };
}
