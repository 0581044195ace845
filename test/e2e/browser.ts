// What the browser tests share: Debian's Chromium (never a downloaded browser), a renderer build that is current,
// and the screenshots in docs/screenshots.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
export const shots = join(root, 'docs/screenshots');

/** Outside CI a machine without Chromium skips the browser tests; in CI (which installs it) a missing browser must fail. */
export const noBrowser = !existsSync(CHROMIUM) && !process.env.CI;

/** dist/renderer is missing or older than a renderer source file (the tests must see the current UI). */
function rendererBuildIsStale(): boolean {
  const built = join(root, 'dist/renderer/index.html');
  if (!existsSync(built)) return true;
  const newest = (dir: string): number =>
    Math.max(0, ...readdirSync(dir, { withFileTypes: true }).map((e) => (e.isDirectory() ? newest(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs)));
  return newest(join(root, 'renderer')) > statSync(built).mtimeMs;
}

export function ensureRendererBuilt(): void {
  if (!rendererBuildIsStale()) return;
  const built = spawnSync('npx', ['vite', 'build', 'renderer', '--logLevel', 'warn'], { cwd: root, encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`renderer build failed: ${built.stderr}`);
}

/** Headless, and quiet: without the background-networking flags Chromium's calls home are refused on this network. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** docs/screenshots gets a picture when it has none yet, or with UPDATE_SCREENSHOTS=1 (no churn per run). */
export const screenshotWanted = (name: string): boolean => process.env.UPDATE_SCREENSHOTS === '1' || !existsSync(join(shots, `${name}.png`));

/** Captured on every run (a rendering failure shows); written to docs/screenshots when wanted. */
export function screenshotOf(page: Page, name: string): Promise<Buffer> {
  mkdirSync(shots, { recursive: true });
  return page.screenshot({ path: screenshotWanted(name) ? join(shots, `${name}.png`) : undefined, fullPage: true, animations: 'disabled' });
}
