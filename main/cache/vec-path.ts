// sqlite-vec ships its native library in a platform package. Inside a packaged Electron app the JS resolves to
// `…/app.asar/node_modules/…`, but the OS loader cannot read from an asar archive: electron-builder unpacks native
// files to `app.asar.unpacked`, so the path must be rewritten before `loadExtension`.
import { getLoadablePath } from 'sqlite-vec';

const ASAR_SEGMENT = /([\\/])app\.asar([\\/])/;

/** Rewrites the first `app.asar` directory segment to `app.asar.unpacked`; other paths are returned unchanged. */
export function toUnpackedPath(p: string): string {
  return p.replace(ASAR_SEGMENT, '$1app.asar.unpacked$2');
}

/** The loadable sqlite-vec library path, usable from both plain Node and a packaged Electron app. */
export function sqliteVecPath(): string {
  return toUnpackedPath(getLoadablePath());
}
