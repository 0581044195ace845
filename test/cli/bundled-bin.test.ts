// `npm test` builds first: the bundled CLI (bin/lynkr.js → dist/lynkr.mjs) must start, serve, and stop cleanly.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

describe('bin/lynkr.js start (the bundled CLI)', () => {
  it('prints the base URLs, answers /health and /ui/, and exits 0 on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lynkr-bin-'));
    writeFileSync(join(dir, 'settings.json'), JSON.stringify({ log: { level: 'warn' } }));
    const child = spawn(process.execPath, ['bin/lynkr.js', 'start', '--port', '0', '--data-dir', dir], { env: { PATH: process.env.PATH }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const line = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no start line: ${out}`)), 15_000);
      child.stdout.on('data', () => {
        if (out.includes('\n')) {
          clearTimeout(timer);
          resolve(out.split('\n')[0]);
        }
      });
      child.once('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
    });
    const port = Number(/localhost:(\d+)\/v1/.exec(line)?.[1]);
    expect(line).toContain(`http://host.docker.internal:${port}/v1`);
    expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${port}/ui/`)).status).toBe(200);
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
