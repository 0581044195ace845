// What `tsc` emits for the desktop app: package.json's main exists, the sandboxed preload is CommonJS that
// needs only require('electron'), every relative import in the emitted desktop files resolves, and only
// main/desktop imports electron.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import vm from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { main: string };
let out: string;

beforeAll(async () => {
  out = mkdtempSync(path.join(os.tmpdir(), 'lynkr-tsc-'));
  // --noCheck: emit only (type errors are the typecheck's job); the output layout is what matters here.
  await new Promise<void>((resolve) => {
    execFile(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json', '--noCheck', '--outDir', out], { cwd: root }, () => resolve());
  });
}, 120_000);
afterAll(() => rmSync(out, { recursive: true, force: true }));

/** dist/x → <out>/x (tsconfig's outDir is dist). */
const emitted = (distPath: string): string => path.join(out, path.relative('dist', distPath));

function runPreload(answer: unknown): { exposed: [string, unknown][]; required: string[]; channel?: string } {
  const exposed: [string, unknown][] = [];
  const required: string[] = [];
  let channel: string | undefined;
  const electron = {
    ipcRenderer: {
      sendSync: (c: string) => {
        channel = c;
        return answer;
      },
    },
    contextBridge: { exposeInMainWorld: (key: string, api: unknown) => exposed.push([key, api]) },
  };
  // What a sandboxed preload gets: a require that only knows 'electron', plus module/exports. No Node built-ins.
  const sandboxRequire = (id: string): unknown => {
    required.push(id);
    if (id !== 'electron') throw new Error(`module not found: ${id}`);
    return electron;
  };
  const code = readFileSync(emitted('dist/main/desktop/preload.cjs'), 'utf8');
  const module = { exports: {} };
  vm.runInNewContext(`(function (require, module, exports) {${code}\n})`, {})(sandboxRequire, module, module.exports);
  return { exposed, required, channel };
}

describe('build output', () => {
  it("emits package.json's main entry", () => {
    expect(pkg.main).toBe('dist/main/desktop/main.js');
    expect(existsSync(emitted(pkg.main))).toBe(true);
  });

  it('emits a CommonJS preload that exposes only {adminBase, token} as window.lynkr', () => {
    const ok = runPreload({ adminBase: 'http://127.0.0.1:8081', token: 'tok' });
    expect(ok.required).toEqual(['electron']);
    expect(ok.channel).toBe('lynkr:config');
    expect(ok.exposed).toHaveLength(1);
    const [key, api] = ok.exposed[0]!;
    expect(key).toBe('lynkr');
    expect(Object.keys(api as object).sort()).toEqual(['adminBase', 'token']);
    expect(Object.isFrozen(api)).toBe(true);
    // The main process refuses (not our page): nothing is exposed.
    expect(runPreload(null).exposed).toEqual([]);
    expect(runPreload({ adminBase: 1, token: 'x' }).exposed).toEqual([]);
  });

  it('resolves preloadPath() to the emitted preload', async () => {
    const mod = (await import(pathToFileURL(emitted('dist/main/desktop/preload-path.js')).href)) as { preloadPath(): string };
    expect(mod.preloadPath()).toBe(emitted('dist/main/desktop/preload.cjs'));
  });

  it('every relative import in the emitted desktop files resolves', () => {
    const dir = emitted('dist/main/desktop');
    const files = readdirSync(dir).filter((f) => /\.(c?js)$/.test(f));
    expect(files.length).toBeGreaterThan(10);
    for (const f of files) {
      const text = readFileSync(path.join(dir, f), 'utf8');
      for (const m of text.matchAll(/(?:from|import\()\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
        const target = path.resolve(dir, m[1]!);
        expect(existsSync(target), `${f} → ${m[1]}`).toBe(true);
      }
    }
  });

  it('only main/desktop imports electron, and its pure modules never reach it', () => {
    const offenders: string[] = [];
    const walk = (dir: string): void => {
      for (const e of readdirSync(path.join(root, dir), { withFileTypes: true })) {
        const rel = `${dir}/${e.name}`;
        if (e.isDirectory()) walk(rel);
        else if (/\.c?ts$/.test(e.name) && /^\s*import[^;]*?from\s+['"]electron['"]/m.test(readFileSync(path.join(root, rel), 'utf8')) && !rel.startsWith('main/desktop/')) offenders.push(rel);
      }
    };
    walk('main');
    expect(offenders).toEqual([]);
    // The pure modules (unit-tested without Electron) must not reach electron through any relative import.
    const importsElectron = (file: string, seen = new Set<string>()): string | undefined => {
      if (seen.has(file)) return undefined;
      seen.add(file);
      const text = readFileSync(file, 'utf8');
      if (/^\s*import[^;]*?from\s+['"](electron|electron-store|electron-updater)['"]/m.test(text)) return file;
      for (const m of text.matchAll(/^\s*import[^;]*?from\s+['"](\.{1,2}\/[^'"]+)\.js['"]/gm)) {
        const hit = importsElectron(path.resolve(path.dirname(file), `${m[1]}.ts`), seen);
        if (hit) return `${path.relative(root, file)} → ${path.relative(root, hit)}`;
      }
      return undefined;
    };
    for (const f of ['tray-model', 'login-item', 'secrets', 'port-conflict', 'gateway-controller', 'window-policy', 'desktop-settings', 'admin-client', 'gateway-session', 'gateway-launch', 'key-sealing', 'tray-actions', 'port-conflict-prompt']) {
      expect(importsElectron(path.join(root, `main/desktop/${f}.ts`)), f).toBeUndefined();
    }
    expect(importsElectron(path.join(root, 'main/desktop/main.ts'))).toBeDefined();
  });
});
