import { spawn as nodeSpawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { PullProgress } from '../../main/ollama/types.js';
import { GatewayError } from '../../main/core/errors.js';
import { systemProbe, type BinaryProbe } from '../../main/ollama/binary.js';
import { createOllamaManager, ollamaEndpointFrom, type ManagedOllama } from '../../main/ollama/manager.js';
import { refusedUrl, startFakeOllamaApi, type FakeOllamaApi } from './fake-ollama-api.js';

let tmp: string;
const cleanups: (() => Promise<void> | void)[] = [];
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'lynkr-ollama-mgr-'));
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/**
 * A fake `ollama` executable: `ollama serve` listens on $OLLAMA_HOST like the real one, answers /api/version,
 * writes its pid next to itself and exits by itself after 20 s so a failed test cannot leak it.
 */
async function fakeOllamaBinary(dir: string, behaviour: 'serve' | 'crash'): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, 'ollama');
  const body =
    behaviour === 'crash'
      ? `process.stderr.write('Error: listen tcp: bind: address already in use\\n'); process.exit(1);`
      : `
const http = require('node:http');
const fs = require('node:fs');
if (process.argv[2] !== 'serve') process.exit(2);
const [host, port] = process.env.OLLAMA_HOST.split(':');
fs.writeFileSync(${JSON.stringify(path.join(dir, 'pid'))}, String(process.pid));
// Start a little late, as the real server does, so start() has to wait.
setTimeout(() => {
  http.createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.url === '/api/version') res.end(JSON.stringify({ version: 'fake-9.9' }));
    else if (req.url === '/api/tags') res.end(JSON.stringify({ models: [] }));
    else { res.statusCode = 404; res.end(); }
  }).listen(Number(port), host);
}, 300);
setTimeout(() => process.exit(0), 20000);`;
  await writeFile(file, `#!${process.execPath}\n${body}\n`);
  await chmod(file, 0o755);
  return file;
}

function probeWithPath(dir: string): BinaryProbe {
  return { ...systemProbe(), platform: 'linux', env: { PATH: dir }, home: path.join(tmp, 'nohome') };
}

function manager(endpoint: string, probe: BinaryProbe, extra: Partial<Parameters<typeof createOllamaManager>[0]> = {}): ManagedOllama {
  const m = createOllamaManager({ endpoint: () => endpoint, probe, recheckMs: 0, ...extra });
  cleanups.push(() => m.close());
  return m;
}

describe('OllamaManager.status', () => {
  let api: FakeOllamaApi;
  beforeAll(async () => {
    api = await startFakeOllamaApi({ models: [{ name: 'llama3.2:3b' }] });
  });
  afterAll(() => api.close());

  it('caches the status and re-checks on demand', async () => {
    const m = manager(api.url, probeWithPath(path.join(tmp, 'empty')));
    const before = api.hits.length;
    const a = await m.status();
    const b = await m.status();
    expect(b).toBe(a);
    expect(api.hits.length - before).toBe(2); // one version + one tags probe
    const c = await m.status(true);
    expect(c).not.toBe(a);
    expect(api.hits.length - before).toBe(4);
    expect(c.models.map((x) => x.name)).toEqual(['llama3.2:3b']);
  });

  it('re-checks periodically in the background', async () => {
    const before = api.hits.length;
    manager(api.url, probeWithPath(path.join(tmp, 'empty')), { recheckMs: 50 });
    await new Promise((r) => setTimeout(r, 180));
    expect(api.hits.length - before).toBeGreaterThanOrEqual(4);
  });

  it('reads the endpoint from the first enabled ollama provider', () => {
    expect(
      ollamaEndpointFrom({
        providers: [
          { kind: 'ollama', enabled: false, baseUrl: 'http://a:1' },
          { kind: 'openai', baseUrl: 'http://b:2' },
          { kind: 'ollama', baseUrl: 'http://c:3' },
        ],
      }),
    ).toBe('http://c:3');
    expect(ollamaEndpointFrom({ providers: [] })).toBeUndefined();
  });
});

describe('OllamaManager.start', () => {
  it('spawns `ollama serve` on the endpoint when installed but stopped, and waits until it answers', async () => {
    const dir = path.join(tmp, 'serve');
    const bin = await fakeOllamaBinary(dir, 'serve');
    const endpoint = await refusedUrl();
    const spawned: string[][] = [];
    const spawn = (cmd: string, args: string[], o: SpawnOptions): ChildProcess => {
      spawned.push([cmd, ...args, String(o.detached), String((o.env as NodeJS.ProcessEnv).OLLAMA_HOST)]);
      return nodeSpawn(cmd, args, o);
    };
    const m = manager(endpoint, probeWithPath(dir), { spawn, startTimeoutMs: 10_000 });
    cleanups.push(async () => {
      const pid = Number(await readFile(path.join(dir, 'pid'), 'utf8').catch(() => '0'));
      if (pid) process.kill(pid);
    });
    expect((await m.status()).state).toBe('installed-stopped');

    // Two clicks at once must spawn one server.
    const [s, s2] = await Promise.all([m.start(), m.start()]);
    expect(s).toBe(s2);
    expect(s).toMatchObject({ state: 'running', version: 'fake-9.9', binaryPath: bin, suggestions: expect.arrayContaining(['qwen2.5-coder:7b']) });
    expect(spawned).toEqual([[bin, 'serve', 'true', endpoint.replace('http://', '')]]);

    // Already running: no second spawn.
    await m.start();
    expect(spawned.length).toBe(1);
  });

  it('reports why `ollama serve` failed', async () => {
    const dir = path.join(tmp, 'crash');
    await fakeOllamaBinary(dir, 'crash');
    const m = manager(await refusedUrl(), probeWithPath(dir), { startTimeoutMs: 10_000 });
    const err = await m.start().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(GatewayError);
    expect((err as GatewayError).message).toMatch(/ollama serve exited \(code 1\): Error: listen tcp: bind: address already in use/);
  });

  it('says how to install Ollama when it is absent', async () => {
    const m = manager(await refusedUrl(), probeWithPath(path.join(tmp, 'empty')), { platform: 'linux' });
    const err = (await m.start().catch((e: unknown) => e)) as GatewayError;
    expect(err.status).toBe(409);
    expect(err.message).toContain('https://ollama.com/install.sh');
  });

  it('gives up after the start timeout', async () => {
    const dir = path.join(tmp, 'silent');
    await mkdir(dir, { recursive: true });
    // Runs "serve" but never listens.
    await writeFile(path.join(dir, 'ollama'), `#!${process.execPath}\nsetTimeout(() => {}, 3000);\n`);
    await chmod(path.join(dir, 'ollama'), 0o755);
    const m = manager(await refusedUrl(), probeWithPath(dir), { startTimeoutMs: 400 });
    const t0 = performance.now();
    const err = (await m.start().catch((e: unknown) => e)) as GatewayError;
    expect(err.message).toMatch(/did not answer .* within/);
    expect(performance.now() - t0).toBeLessThan(3_000);
  });
});

describe('OllamaManager.pull', () => {
  it('streams progress and ends with done, then the model is listed', async () => {
    const api = await startFakeOllamaApi({ pullSteps: 4 });
    cleanups.push(() => api.close());
    const m = manager(api.url, probeWithPath(path.join(tmp, 'empty')));
    const seen: PullProgress[] = [];
    await m.pull('qwen2.5-coder:1.5b', new AbortController().signal, (p) => seen.push(p));
    // The ollama package names the model `name` (browser.mjs pull()); Ollama reads `model` or `name`.
    expect(api.pullBodies).toEqual([{ name: 'qwen2.5-coder:1.5b', stream: true }]);
    expect(seen[0]).toEqual({ status: 'pulling manifest' });
    expect(seen.filter((p) => p.total === 1000).map((p) => p.completed)).toEqual([250, 500, 750, 1000]);
    expect(seen.at(-1)).toEqual({ status: 'success', done: true });
    expect((await m.status()).models.map((x) => x.name)).toEqual(['qwen2.5-coder:1.5b']);
  });

  it('cancels the download when the signal aborts', async () => {
    const api = await startFakeOllamaApi({ pullSteps: 1000, pullDelayMs: 20 });
    cleanups.push(() => api.close());
    const m = manager(api.url, probeWithPath(path.join(tmp, 'empty')));
    const ac = new AbortController();
    const seen: PullProgress[] = [];
    const done = m.pull('llama3.2:3b', ac.signal, (p) => {
      seen.push(p);
      if (seen.length === 3) ac.abort();
    });
    const err = (await done.catch((e: unknown) => e)) as GatewayError;
    expect(err.kind).toBe('aborted');
    await api.pullCancelled; // the fake saw the connection close mid-stream
    expect(seen.length).toBeLessThan(10);
  });

  it("surfaces Ollama's error line", async () => {
    const api = await startFakeOllamaApi({ pullSteps: 1, pullError: 'pull model manifest: file does not exist' });
    cleanups.push(() => api.close());
    const m = manager(api.url, probeWithPath(path.join(tmp, 'empty')));
    const err = (await m.pull('nope:1', new AbortController().signal, () => {}).catch((e: unknown) => e)) as GatewayError;
    expect(err.message).toBe('pull nope:1 failed: pull model manifest: file does not exist');
  });

  it('fails with upstream_connect when Ollama is down', async () => {
    const m = manager(await refusedUrl(), probeWithPath(path.join(tmp, 'empty')));
    const err = (await m.pull('x:1', new AbortController().signal, () => {}).catch((e: unknown) => e)) as GatewayError;
    expect(err.kind).toBe('upstream_connect');
  });
});
