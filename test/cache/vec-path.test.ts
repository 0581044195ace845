import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sqliteVecPath, toUnpackedPath } from '../../main/cache/vec-path.js';

describe('sqlite-vec path', () => {
  it('rewrites app.asar to app.asar.unpacked, POSIX and Windows', () => {
    expect(toUnpackedPath('/Applications/Lynkr.app/Contents/Resources/app.asar/node_modules/sqlite-vec-darwin-arm64/vec0.dylib')).toBe(
      '/Applications/Lynkr.app/Contents/Resources/app.asar.unpacked/node_modules/sqlite-vec-darwin-arm64/vec0.dylib',
    );
    expect(toUnpackedPath('C:\\Program Files\\Lynkr\\resources\\app.asar\\node_modules\\sqlite-vec-windows-x64\\vec0.dll')).toBe(
      'C:\\Program Files\\Lynkr\\resources\\app.asar.unpacked\\node_modules\\sqlite-vec-windows-x64\\vec0.dll',
    );
  });
  it('leaves other paths alone (already unpacked, plain node_modules, look-alike names)', () => {
    for (const p of ['/opt/x/app.asar.unpacked/vec0.so', '/work/node_modules/sqlite-vec-linux-x64/vec0.so', '/x/my-app.asar/vec0.so']) {
      expect(toUnpackedPath(p)).toBe(p);
    }
  });
  it('resolves to an existing library outside Electron', () => {
    expect(fs.existsSync(sqliteVecPath())).toBe(true);
  });
});
