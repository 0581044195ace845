#!/usr/bin/env node
// npm run conformance:latest — installs the newest versions of the real clients into a temporary folder and runs
// the conformance suites (test/conformance) against them, so client drift shows up before users report it.
//
//   @anthropic-ai/claude-code@latest, @openai/codex@latest, librechat-data-provider@latest, and the newest
//   @librechat/agents whose engines.node this Node satisfies (its newer lines need Node 24).
//
// Options: --keep (leave the folder and print its path), --dry-run (print the versions, install nothing); anything
// else goes to vitest (e.g. a file filter).
// The suites read the clients' folder from LYNKR_CONFORMANCE_DIR (test/conformance/harness.ts).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const keep = args.includes('--keep');
const dryRun = args.includes('--dry-run');
const vitestArgs = args.filter((a) => a !== '--keep' && a !== '--dry-run');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** `npm view … --json`, parsed. */
function npmView(...viewArgs) {
  const out = execFileSync(npm, ['view', ...viewArgs, '--json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  return JSON.parse(out);
}

const parse = (v) => v.replace(/^v/, '').split('-')[0].split('.').map((n) => Number(n));
function compare(a, b) {
  for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) - (b[i] ?? 0);
  return 0;
}

/**
 * Whether `version` satisfies an engines range: `||` of space-separated comparators (>=, >, <=, <, =, ^, ~, and
 * partial versions like `20` or `20.x`), the forms package.json engines use. Unknown syntax counts as unsatisfied.
 */
function satisfies(version, range) {
  const v = parse(version);
  return range.split('||').some((set) =>
    set
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .every((comparator) => {
        const m = /^(>=|<=|>|<|=|\^|~)?v?(\d+)(?:\.(\d+|x|\*))?(?:\.(\d+|x|\*))?$/.exec(comparator);
        if (!m) return comparator === '*' || comparator === 'x';
        const [, op = '', major, minor, patch] = m;
        const wild = (p) => p === undefined || p === 'x' || p === '*';
        const low = [Number(major), wild(minor) ? 0 : Number(minor), wild(patch) ? 0 : Number(patch)];
        const c = compare(v, low);
        if (op === '>=') return c >= 0;
        if (op === '>') return c > 0;
        if (op === '<=') return c <= 0;
        if (op === '<') return c < 0;
        // ^, ~, = and bare (partial) versions: at least `low`, below the next major / minor / the partial's end.
        const high =
          op === '^' ? [low[0] + 1, 0, 0] : op === '~' || (op === '' && wild(patch) && !wild(minor)) ? [low[0], low[1] + 1, 0] : op === '' && wild(minor) ? [low[0] + 1, 0, 0] : undefined;
        return high ? c >= 0 && compare(v, high) < 0 : c === 0;
      }),
  );
}

function newestAgentsForThisNode() {
  // Every release (prereleases excluded by the range), each with its engines.
  const releases = [npmView('@librechat/agents@>=0.0.0', 'version', 'engines')].flat();
  const fit = releases
    .filter((r) => !r.engines?.node || satisfies(process.version, r.engines.node))
    .sort((a, b) => compare(parse(b.version), parse(a.version)));
  if (!fit.length) throw new Error(`no @librechat/agents release supports Node ${process.version}`);
  return fit[0].version;
}

const versions = {
  '@anthropic-ai/claude-code': npmView('@anthropic-ai/claude-code@latest', 'version'),
  '@openai/codex': npmView('@openai/codex@latest', 'version'),
  '@librechat/agents': newestAgentsForThisNode(),
  'librechat-data-provider': npmView('librechat-data-provider@latest', 'version'),
};
const pinned = JSON.parse(readFileSync(join(repo, 'test/conformance/package.json'), 'utf8')).dependencies;
console.log(`conformance:latest on Node ${process.version}`);
for (const [name, version] of Object.entries(versions)) console.log(`  ${name.padEnd(28)} ${version.padEnd(12)} (pinned: ${pinned[name] ?? '-'})`);
if (dryRun) process.exit(0);

const dir = mkdtempSync(join(tmpdir(), 'lynkr-conformance-latest-'));
let status = 1;
try {
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'lynkr-conformance-latest', private: true, type: 'module', dependencies: versions }, null, 2));
  const install = spawnSync(npm, ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, stdio: 'inherit' });
  if (install.status !== 0) throw new Error(`npm install failed in ${dir}`);
  // Vitest adds file filters together, so test/conformance goes in only when no filter is given.
  const filters = vitestArgs.some((a) => !a.startsWith('-')) ? [] : ['test/conformance'];
  const run = spawnSync(process.execPath, [join(repo, 'node_modules/vitest/vitest.mjs'), 'run', ...filters, ...vitestArgs], {
    cwd: repo,
    stdio: 'inherit',
    env: { ...process.env, LYNKR_CONFORMANCE_DIR: dir },
  });
  status = run.status ?? 1;
} finally {
  if (keep) console.log(`clients kept in ${dir} (LYNKR_CONFORMANCE_DIR=${dir} npm run conformance)`);
  else rmSync(dir, { recursive: true, force: true });
}
process.exit(status);
