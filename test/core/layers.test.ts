// The layers of main/ (README "Architecture"): types flow down. Each module owns the types of what it offers and
// admin/ (the control API) imports them, so nothing below admin/ imports from it; only desktop/ touches Electron;
// cli/'s files import each other without a cycle. These read the import specifiers of every file under main/.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const mainDir = join(root, 'main');

/** Static, type-only, re-export, side-effect and dynamic imports, plus require('…'); comments are skipped. */
function specifiersOf(source: string): string[] {
  return ts.preProcessFile(source, true, true).importedFiles.map((f) => f.fileName);
}

/** Each file (relative to the repo, `main/x/y.ts`) → the main/ files it imports, resolved the way NodeNext does. */
function importGraph(files: Map<string, string>): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const [file, source] of files) {
    const targets = specifiersOf(source)
      .filter((s) => s.startsWith('.'))
      .map((s) => relative(root, resolve(root, dirname(file), s)).replace(/\.js$/, '.ts'));
    graph.set(file, targets);
  }
  return graph;
}

/** The first import cycle found among `nodes` (as a path that ends where it starts), or undefined. */
function findCycle(graph: ReadonlyMap<string, readonly string[]>, nodes: readonly string[]): string[] | undefined {
  const done = new Set<string>();
  const path: string[] = [];
  const visit = (n: string): string[] | undefined => {
    const at = path.indexOf(n);
    if (at >= 0) return [...path.slice(at), n];
    if (done.has(n) || !nodes.includes(n)) return undefined;
    path.push(n);
    for (const next of graph.get(n) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    path.pop();
    done.add(n);
    return undefined;
  };
  for (const n of nodes) {
    const cycle = visit(n);
    if (cycle) return cycle;
  }
  return undefined;
}

function mainSources(): Map<string, string> {
  const files = new Map<string, string>();
  for (const entry of readdirSync(mainDir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
    const path = join(entry.parentPath, entry.name);
    files.set(relative(root, path), readFileSync(path, 'utf8'));
  }
  return files;
}

const inFolder = (file: string, ...folders: string[]): boolean => folders.some((f) => file.startsWith(`main/${f}/`));

describe('layers of main/', () => {
  const files = mainSources();
  const graph = importGraph(files);

  it('reads every source file and its imports', () => {
    expect(files.size).toBeGreaterThan(100);
    expect(graph.get('main/admin/deps.ts')).toContain('main/settings/store.ts');
  });

  it('nothing below admin/ imports from it (admin/, cli/ and desktop/ sit above it)', () => {
    const upward = [...graph]
      .filter(([file]) => !inFolder(file, 'admin', 'cli', 'desktop'))
      .flatMap(([file, targets]) => targets.filter((t) => t.startsWith('main/admin/')).map((t) => `${file} → ${t}`));
    expect(upward).toEqual([]);
  });

  it('only desktop/ imports electron', () => {
    const outside = [...files]
      .filter(([file]) => !inFolder(file, 'desktop'))
      .flatMap(([file, source]) => specifiersOf(source).filter((s) => s === 'electron' || s.startsWith('electron/')).map((s) => `${file} → ${s}`));
    expect(outside).toEqual([]);
  });

  it('cli/ has no import cycle', () => {
    const cli = [...graph.keys()].filter((f) => inFolder(f, 'cli'));
    expect(findCycle(graph, cli)).toBeUndefined();
  });

  // The checks above pass on a clean tree; these show that they would catch what they look for.
  it('the scanner sees every form of import but none in comments, and the cycle search finds a cycle', () => {
    const source = [
      "/** What require('electron') returned. */",
      "import type { A } from '../admin/contract.js';",
      "export { b } from './b.js';",
      "import './side-effect.js';",
      "const c = await import('./c.js');",
      "const { app } = require('electron');",
    ].join('\n');
    expect(specifiersOf(source)).toEqual(['../admin/contract.js', './b.js', './side-effect.js', './c.js', 'electron']);
    const loop = new Map([['a', ['b']], ['b', ['c']], ['c', ['a']]]);
    expect(findCycle(loop, ['a', 'b', 'c'])).toEqual(['a', 'b', 'c', 'a']);
    expect(findCycle(new Map([['a', ['b']], ['b', []]]), ['a', 'b'])).toBeUndefined();
  });
});
