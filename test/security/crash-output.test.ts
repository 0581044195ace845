// Crash output: when the gateway cannot start (port taken, a broken settings file), the process dies with
// an error on stderr. Neither that output nor anything logged before it may carry a key.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const UPSTREAM_KEY = 'sk-proj-CRASHCANARY1-0a9b8c7d6e5f4a3b2c1d0e9f';
const GATEWAY_KEY = 'lk-CRASHCANARY2-0123456789abcdefghijkl';
const CANARIES = ['CRASHCANARY1', 'CRASHCANARY2'];
const startUrl = new URL('../../main/cli/start.ts', import.meta.url).href;

let taken: Server;
let takenPort = 0;
beforeAll(async () => {
  taken = createServer();
  await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
  takenPort = (taken.address() as { port: number }).port;
});
afterAll(() => new Promise<void>((r) => taken.close(() => r())));

/** Runs startGateway() in a child process with no error handling of its own, as `lynkr start` would crash. */
function crash(settings: unknown): Promise<{ code: number | null; output: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'lynkr-crash-'));
  writeFileSync(join(dir, 'settings.json'), typeof settings === 'string' ? settings : JSON.stringify(settings));
  const code = `const { startGateway } = await import(${JSON.stringify(startUrl)});\nawait startGateway({ dataDir: ${JSON.stringify(dir)}, env: {}, cwd: ${JSON.stringify(dir)} });\nprocess.exit(0);`;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { env: { PATH: process.env.PATH ?? '' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('exit', (exitCode) => {
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
      resolve({ code: exitCode, output });
    });
  });
}

const providers = () => [
  { id: 'openai', kind: 'openai', baseUrl: 'http://127.0.0.1:9/v1', apiKey: UPSTREAM_KEY, models: ['gpt-4o-mini'] },
  { id: 'ollama', kind: 'ollama', baseUrl: 'http://127.0.0.1:9', enabled: false },
];

describe('crash output carries no secrets', () => {
  it('port in use at start: a clear EADDRINUSE crash, no keys', async () => {
    const { code, output } = await crash({ providers: providers(), server: { port: takenPort, apiKey: GATEWAY_KEY }, log: { level: 'trace' } });
    expect(code).not.toBe(0);
    expect(output).toMatch(/EADDRINUSE/);
    expect(CANARIES.filter((c) => output.includes(c))).toEqual([]);
  }, 30_000);

  it('an invalid settings file next to the keys: the validation error names the field, not the keys', async () => {
    const { code, output } = await crash({
      providers: [{ ...providers()[0], baseUrl: 'not a url', headers: { authorization: `Bearer ${UPSTREAM_KEY}` } }, providers()[1]],
      server: { port: 'eighty', apiKey: GATEWAY_KEY },
    });
    expect(code).not.toBe(0);
    expect(output).toMatch(/server\.port/);
    expect(output).toMatch(/providers\[openai\]\.baseUrl/);
    expect(CANARIES.filter((c) => output.includes(c))).toEqual([]);
  }, 30_000);

  it('a settings file that is not JSON at all', async () => {
    const { output } = await crash(`{ "providers": [ { "apiKey": "${UPSTREAM_KEY}", `);
    expect(output).toMatch(/not valid JSON/);
    expect(CANARIES.filter((c) => output.includes(c))).toEqual([]);
  }, 30_000);
});
