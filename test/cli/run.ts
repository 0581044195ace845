import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import type { CliIO } from '../../main/cli/io.js';
import { buildProgram } from '../../main/cli/program.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A data dir holding an admin token, as a running gateway leaves it. */
export function dataDirWithToken(token: string | undefined): string {
  const dir = mkdtempSync(join(tmpdir(), 'lynkr-cli-'));
  dirs.push(dir);
  if (token) writeFileSync(join(dir, 'admin-token'), token + '\n', { mode: 0o600 });
  return dir;
}

export interface CliRun {
  out: string[];
  err: string[];
  error?: Error;
}

/** Runs `lynkr <args>` in-process, with an empty environment and a cwd without .env. */
export async function runCli(args: string[], io: Partial<CliIO> = {}): Promise<CliRun> {
  const run: CliRun = { out: [], err: [] };
  const cwd = mkdtempSync(join(tmpdir(), 'lynkr-cwd-'));
  dirs.push(cwd);
  const program = buildProgram({ out: (t) => run.out.push(t), err: (t) => run.err.push(t), env: {}, cwd, ...io }, '9.9.9');
  program.exitOverride();
  for (const c of program.commands) {
    c.exitOverride();
    for (const sub of c.commands) sub.exitOverride();
  }
  try {
    await program.parseAsync(['node', 'lynkr', ...args]);
  } catch (err) {
    run.error = err as Error;
  }
  return run;
}
