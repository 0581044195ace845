// Child processes for the benchmarks: each server under test runs in its own process.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

export interface Child {
  proc: ChildProcess;
  port: number;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

function stopper(proc: ChildProcess): () => Promise<void> {
  return () =>
    new Promise((resolve) => {
      if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
      proc.once('exit', () => resolve());
      proc.kill('SIGTERM');
      setTimeout(() => proc.kill('SIGKILL'), 3_000).unref();
    });
}

/** Spawns `node ...args` and resolves once it prints `READY <port>`. */
export function spawnReady(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Child> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    const timer = setTimeout(() => reject(new Error(`timeout waiting for READY from ${args.join(' ')}`)), 20_000);
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /READY (\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ proc, port: Number(m[1]), stop: stopper(proc) });
      }
    });
    proc.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}: ${out}`)));
  });
}

/** Spawns a server on `port` and resolves once `url` answers 2xx (or any status when anyStatus). */
export async function spawnUntilUp(args: string[], port: number, url: string, env: NodeJS.ProcessEnv = {}, anyStatus = false): Promise<Child & { readyMs: number }> {
  const started = performance.now();
  const proc = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`${args.join(' ')} exited with ${proc.exitCode}`);
    try {
      const res = await fetch(url);
      if (anyStatus || res.ok) return { proc, port, stop: stopper(proc), readyMs: performance.now() - started };
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  proc.kill('SIGKILL');
  throw new Error(`${args.join(' ')} did not come up on :${port}`);
}
