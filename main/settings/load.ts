// Config from, strongest first: CLI flags > environment variables > .env in cwd > <dataDir>/settings.json
// > defaults. One zod schema validates the merged result; an error names each bad key and where it came from.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import type { z } from 'zod';
import { isLocalKind } from './catalog.js';
import { withDefaults } from './defaults.js';
import { SettingsError, settingsFromEnv, type EnvIssue } from './env.js';
import { openSettingsFile } from './file.js';
import { isPlain, mergeLayers, type Plain } from './merge.js';
import { resolveDataDir } from './paths.js';
import { settingsSchema, SETTINGS_VERSION, type Settings, type SettingsInput } from './schema.js';

export interface CliFlags {
  port?: number;
  host?: string;
  envFile?: string;
}

export interface LoadOptions {
  flags?: CliFlags;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Default: LYNKR_DATA_DIR or the per-OS config dir. */
  dataDir?: string;
  /** A .env file to read instead of <cwd>/.env (flags.envFile wins). Missing is an error only when named. */
  envFile?: string;
}

export interface LoadedSettings {
  settings: Settings;
  dataDir: string;
  /** Setting path → where its value came from (`--port`, `PORT`, `.env PORT`). Paths absent here came from the file or defaults. */
  origins: Map<string, string>;
  /** Non-fatal notes for the log (e.g. an endpoint set without its key). */
  warnings: string[];
}

export { SettingsError };

export function loadSettings(opts: LoadOptions = {}): LoadedSettings {
  const env = opts.env ?? process.env;
  const cwd = opts.cwd ?? process.cwd();
  const dataDir = opts.dataDir ?? resolveDataDir({ env });
  const file = openSettingsFile(dataDir).read();
  const dotenv = readDotenv(cwd, opts.flags?.envFile ?? opts.envFile);

  // .env is weaker than the real environment; both speak the same names, so merge the strings first.
  const envLayer = settingsFromEnv({ ...dotenv.vars, ...stringsOnly(env) }, (name) => (env[name] !== undefined && env[name] !== '' ? name : `${dotenv.label} ${name}`));

  const origins = new Map(envLayer.origins);
  const flagLayer: Plain = {};
  if (opts.flags?.port !== undefined) {
    flagLayer.server = { port: opts.flags.port };
    origins.set('server.port', '--port');
  }
  if (opts.flags?.host !== undefined) {
    flagLayer.server = { ...(flagLayer.server as Plain | undefined), host: opts.flags.host };
    origins.set('server.host', '--host');
  }

  const merged = mergeLayers(mergeLayers(file, envLayer.input as Plain), flagLayer);
  const warnings: string[] = [];
  merged.providers = dropKeylessEnvProviders(merged.providers, file, origins, warnings);
  const input = withDefaults({ ...merged, version: SETTINGS_VERSION } as SettingsInput);

  const parsed = settingsSchema.safeParse(input);
  if (!parsed.success) throw new SettingsError(describeIssues(parsed.error.issues, input, file, origins));
  return { settings: parsed.data, dataDir, origins, warnings };
}

function readDotenv(cwd: string, named: string | undefined): { vars: Record<string, string>; label: string } {
  const path = named ? resolve(cwd, named) : join(cwd, '.env');
  if (!existsSync(path)) {
    if (named) throw new SettingsError([{ path: 'envFile', message: `no such file: ${path}`, source: '--env-file' }]);
    return { vars: {}, label: '.env' };
  }
  return { vars: parseDotenv(readFileSync(path)), label: named ? named : '.env' };
}

function stringsOnly(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

/** A cloud provider exists only when its key is set: an env endpoint/model alone does not create it. */
function dropKeylessEnvProviders(providers: unknown, file: Plain, origins: Map<string, string>, warnings: string[]): unknown {
  if (!Array.isArray(providers)) return providers;
  const inFile = new Set((Array.isArray(file.providers) ? file.providers : []).filter(isPlain).map((p) => p.id));
  return providers.filter((p) => {
    if (!isPlain(p) || inFile.has(p.id) || p.apiKey || typeof p.kind !== 'string' || isLocalKind(p.kind)) return true;
    const set = [...origins].filter(([path]) => path.startsWith(`providers[${String(p.id)}]`)).map(([, src]) => src);
    warnings.push(`${set.join(', ')} set but no API key: the ${String(p.id)} provider is not added`);
    for (const path of [...origins.keys()]) if (path.startsWith(`providers[${String(p.id)}]`)) origins.delete(path);
    return false;
  });
}

function describeIssues(issues: z.core.$ZodIssue[], input: SettingsInput, file: Plain, origins: Map<string, string>): EnvIssue[] {
  return issues.map((issue) => {
    const path = displayPath(issue.path, input);
    return { path: path || '(root)', message: issue.message, source: sourceOf(path, issue.path, file, origins) };
  });
}

/** `['providers', 1, 'apiKey']` → `providers[openai].apiKey`, the form the origins map uses. */
function displayPath(path: readonly PropertyKey[], input: SettingsInput): string {
  let out = '';
  path.forEach((seg, i) => {
    if (i === 1 && path[0] === 'providers' && typeof seg === 'number') {
      const id = input.providers?.[seg]?.id;
      out += id ? `[${id}]` : `.${seg}`;
    } else out += (out ? '.' : '') + String(seg);
  });
  return out;
}

function sourceOf(path: string, raw: readonly PropertyKey[], file: Plain, origins: Map<string, string>): string {
  for (let p = path; p; p = p.replace(/(\.[^.[\]]*|\[[^\]]*\])$/, '')) {
    const src = origins.get(p);
    if (src) return src;
    if (!/[.[]/.test(p)) break;
  }
  return fileHas(file, raw) ? 'settings.json' : 'defaults';
}

function fileHas(file: Plain, raw: readonly PropertyKey[]): boolean {
  let node: unknown = file;
  for (const seg of raw) {
    if (Array.isArray(node) && typeof seg === 'number') node = node[seg];
    else if (isPlain(node)) node = node[String(seg)];
    else return false;
    if (node === undefined) return false;
  }
  return true;
}
