import { join } from 'node:path';

/**
 * Where a build output (`dist/<name>`) is, seen from a module's directory `here`: beside the bundle (`dist/`), from
 * the compiled tree (`dist/main/<dir>`, `up` levels below `dist/`) or from the sources (`main/<dir>`).
 */
export function findBuilt(here: string, up: string, name: string, exists: (path: string) => boolean): string | undefined {
  return [join(here, name), join(here, up, name), join(here, up, 'dist', name)].find(exists);
}
