// `npm run bench`: every benchmark in one run, printed as markdown and written to bench/RESULTS.md.
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';

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
  { title: 'Load: 1,000 concurrent streams (default heap)', module: './load.js' },
  { title: 'Load: 1,000 concurrent streams (NODE_OPTIONS heap cap --max-old-space-size=192)', module: './load.js', env: { LOAD_NODE_FLAGS: '--max-old-space-size=192' } },
];

const only = process.argv.slice(2);
const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${process.platform}`;
const out: string[] = ['# Benchmark results', '', `Machine: ${machine}. Date: ${new Date().toISOString().slice(0, 10)}.`, 'Absolute numbers drift between runs on a shared 2-core machine: compare the ratios, which come from one run.', ''];

for (const s of sections) {
  if (only.length && !only.some((o) => s.module.includes(o))) continue;
  process.stderr.write(`bench: ${s.title}…\n`);
  Object.assign(process.env, s.env);
  try {
    const mod = (await import(s.module)) as { run: () => Promise<string> };
    out.push(`## ${s.title}`, '', await mod.run(), '');
  } catch (e) {
    out.push(`## ${s.title}`, '', `Failed: ${(e as Error).message}`, '');
  } finally {
    for (const k of Object.keys(s.env ?? {})) delete process.env[k];
  }
}

const text = out.join('\n');
console.log(text);
if (!only.length) writeFileSync(new URL('./RESULTS.md', import.meta.url), text);
