import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findBuilt } from '../../main/core/built-path.js';

describe('findBuilt', () => {
  const root = mkdtempSync(join(tmpdir(), 'lynkr-built-'));
  const put = (rel: string): string => {
    const path = join(root, rel);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, 'x');
    return path;
  };

  it('finds dist/<name> from the bundle, from the compiled tree and from the sources, in that order', () => {
    const shipped = put('dist/w.bin');
    expect(findBuilt(join(root, 'dist'), '../..', 'w.bin', existsSync)).toBe(shipped); // the bundle in dist/
    expect(findBuilt(join(root, 'dist/main/server'), '../..', 'w.bin', existsSync)).toBe(shipped); // tsc output
    expect(findBuilt(join(root, 'main/server'), '../..', 'w.bin', existsSync)).toBe(shipped); // the sources
    const beside = put('main/server/w.bin');
    expect(findBuilt(join(root, 'main/server'), '../..', 'w.bin', existsSync)).toBe(beside);
  });

  it('is undefined before a build', () => {
    expect(findBuilt(join(root, 'main/cache/embedders'), '../../..', 'missing.bin', existsSync)).toBeUndefined();
  });
});
