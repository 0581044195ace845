// `npm run bench`: every benchmark in one run, printed as markdown and written to bench/RESULTS.md.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';

interface Section {
  title: string;
  module: string;
  /** Environment for this section only. */
  env?: Record<string, string>;
}

const sections: Section[] = [
  { title: 'Gateway, routing, cache hit, start-up', module: './gateway-core.js' },
  { title: 'Routing decision cost and tier accuracy', module: './routing.js' },
  { title: 'Format translation', module: './translation.js' },
  { title: 'Cache quality and lookup speed', module: './cache.js' },
  { title: 'Dashboard first render', module: './dashboard.js' },
  { title: 'Load: 1,000 concurrent streams (default heap)', module: './load.js' },
  { title: 'Load: 1,000 concurrent streams (NODE_OPTIONS heap cap --max-old-space-size=192)', module: './load.js', env: { LOAD_NODE_FLAGS: '--max-old-space-size=192' } },
];

// Each section runs in its own process: a section that leaves a large heap or busy timers behind (the 100k-entry
// builds, the autocannon runs) must not slow the next one down.
if (process.argv[2] === '--section') {
  const mod = (await import(process.argv[3])) as { run: () => Promise<string> };
  process.stdout.write(await mod.run());
  process.exit(0);
}

function runSection(s: Section): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--section', s.module], {
      cwd: process.cwd(),
      env: { ...process.env, ...s.env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let text = '';
    child.stdout.on('data', (d: Buffer) => (text += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`section exited with ${code}`))));
  });
}

const only = process.argv.slice(2);
const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${process.platform}`;
const out: string[] = ['# Benchmark results', '', `Machine: ${machine}. Date: ${new Date().toISOString().slice(0, 10)}.`, 'Absolute numbers drift between runs on a shared 2-core machine: compare the ratios, which come from one run. Each section runs in a process of its own.', ''];

for (const s of sections) {
  if (only.length && !only.some((o) => s.module.includes(o))) continue;
  process.stderr.write(`bench: ${s.title}…\n`);
  try {
    out.push(`## ${s.title}`, '', await runSection(s), '');
  } catch (e) {
    out.push(`## ${s.title}`, '', `Failed: ${(e as Error).message}`, '');
  }
}

const text = out.join('\n');
console.log(text);
if (!only.length) writeFileSync(new URL('./RESULTS.md', import.meta.url), text);
