/// <reference path="./preload.cts" />
// Where the compiled preload lives. The reference above pulls preload.cts into the compilation (tsconfig's
// include only matches *.ts), so `tsc` emits dist/main/desktop/preload.cjs next to this file.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const preloadPath = (): string => path.join(path.dirname(fileURLToPath(import.meta.url)), 'preload.cjs');
