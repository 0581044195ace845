import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { candidatePaths, findOllamaBinary, systemProbe, type BinaryProbe } from '../../main/ollama/binary.js';
import { detectOllama, isEmbeddingModel, normalizeEndpoint, SUGGESTED_MODELS } from '../../main/ollama/detect.js';
import { refusedUrl, startFakeOllamaApi, type FakeOllamaApi } from './fake-ollama-api.js';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'lynkr-ollama-detect-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function fakeBinary(file: string, executable = true): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, '#!/bin/sh\necho fake\n');
  await chmod(file, executable ? 0o755 : 0o644);
}

/** The real file system, with a fake platform, env and home. */
function probeFor(platform: NodeJS.Platform, env: Record<string, string>, home: string): BinaryProbe {
  return { ...systemProbe(), platform, env, home };
}

describe('candidatePaths', () => {
  it('lists PATH entries first, then the Linux install places', () => {
    const paths = candidatePaths({ platform: 'linux', env: { PATH: '/a/bin::/b' }, home: '/home/u' });
    expect(paths).toEqual(['/a/bin/ollama', '/b/ollama', '/usr/local/bin/ollama', '/usr/bin/ollama', '/home/u/.local/bin/ollama']);
  });
  it('includes the macOS app bundle and Homebrew places', () => {
    const paths = candidatePaths({ platform: 'darwin', env: { PATH: '' }, home: '/Users/u' });
    expect(paths).toEqual([
      '/Applications/Ollama.app/Contents/Resources/ollama',
      '/Users/u/Applications/Ollama.app/Contents/Resources/ollama',
      '/usr/local/bin/ollama',
      '/opt/homebrew/bin/ollama',
    ]);
  });
  it('uses ; and ollama.exe and %LOCALAPPDATA% on Windows', () => {
    const paths = candidatePaths({
      platform: 'win32',
      env: { Path: 'C:\\tools;C:\\bin', LOCALAPPDATA: 'C:\\Users\\u\\AppData\\Local' },
      home: 'C:\\Users\\u',
    });
    expect(paths).toEqual(['C:\\tools\\ollama.exe', 'C:\\bin\\ollama.exe', 'C:\\Users\\u\\AppData\\Local\\Programs\\Ollama\\ollama.exe']);
  });
});

describe('findOllamaBinary (real files in temp dirs)', () => {
  it('finds an executable on PATH and ignores a non-executable one earlier in PATH', async () => {
    const a = path.join(tmp, 'p1');
    const b = path.join(tmp, 'p2');
    await fakeBinary(path.join(a, 'ollama'), false);
    await fakeBinary(path.join(b, 'ollama'));
    const found = await findOllamaBinary(probeFor('linux', { PATH: `${a}:${b}` }, path.join(tmp, 'nohome')));
    expect(found).toEqual({ path: path.join(b, 'ollama') });
  });
  it('finds ~/.local/bin/ollama when PATH has none', async () => {
    const home = path.join(tmp, 'home1');
    await fakeBinary(path.join(home, '.local', 'bin', 'ollama'));
    const found = await findOllamaBinary(probeFor('linux', { PATH: path.join(tmp, 'empty') }, home));
    // /usr/local/bin and /usr/bin come first; this machine has no ollama there.
    expect(found?.path).toBe(path.join(home, '.local', 'bin', 'ollama'));
  });
  it('finds the binary inside a per-user macOS app bundle and reports the bundle', async () => {
    const home = path.join(tmp, 'home2');
    const bin = path.join(home, 'Applications', 'Ollama.app', 'Contents', 'Resources', 'ollama');
    await fakeBinary(bin);
    const found = await findOllamaBinary(probeFor('darwin', { PATH: '' }, home));
    expect(found).toEqual({ path: bin, bundle: path.join(home, 'Applications', 'Ollama.app') });
  });
  it('reports a macOS bundle without the inner binary as the bundle itself', async () => {
    const home = path.join(tmp, 'home3');
    await mkdir(path.join(home, 'Applications', 'Ollama.app'), { recursive: true });
    const found = await findOllamaBinary(probeFor('darwin', { PATH: '' }, home));
    expect(found?.path).toBe(path.join(home, 'Applications', 'Ollama.app'));
  });
  it('finds %LOCALAPPDATA%\\Programs\\Ollama\\ollama.exe on Windows (fake fs)', async () => {
    const want = 'C:\\Users\\u\\AppData\\Local\\Programs\\Ollama\\ollama.exe';
    const probe: BinaryProbe = {
      platform: 'win32',
      env: { Path: 'C:\\Windows', LOCALAPPDATA: 'C:\\Users\\u\\AppData\\Local' },
      home: 'C:\\Users\\u',
      isExecutable: async (f) => f === want,
      isDirectory: async () => false,
    };
    expect(await findOllamaBinary(probe)).toEqual({ path: want });
  });
  it('returns undefined when nothing is installed', async () => {
    const found = await findOllamaBinary(probeFor('linux', { PATH: path.join(tmp, 'empty') }, path.join(tmp, 'nohome')));
    // Guard: if this machine really has Ollama in /usr/bin, the assertion would be meaningless.
    const real = await findOllamaBinary(probeFor('linux', { PATH: '' }, '/nonexistent'));
    expect(found).toEqual(real);
    expect(real).toBeUndefined();
  });
});

describe('detectOllama', () => {
  let api: FakeOllamaApi | undefined;
  afterEach(async () => {
    await api?.close();
    api = undefined;
  });
  const noBinary = (): BinaryProbe => probeFor('linux', { PATH: path.join(tmp, 'empty') }, path.join(tmp, 'nohome'));

  it('normalizes the endpoint (trailing /v1, /api, slash)', () => {
    expect(normalizeEndpoint('http://h:11434/v1/')).toBe('http://h:11434');
    expect(normalizeEndpoint('http://h:11434/api')).toBe('http://h:11434');
    expect(normalizeEndpoint(undefined)).toBe('http://localhost:11434');
  });

  it('reports running with version and models, and no suggestions when a chat model exists', async () => {
    api = await startFakeOllamaApi({
      version: '0.9.1',
      models: [{ name: 'qwen2.5-coder:7b', size: 4_700_000_000 }, { name: 'nomic-embed-text:latest', size: 274_000_000 }],
    });
    const s = await detectOllama({ endpoint: `${api.url}/v1`, probe: noBinary(), now: () => 42 });
    expect(s).toEqual({
      state: 'running',
      endpoint: api.url,
      version: '0.9.1',
      binaryPath: undefined,
      models: [
        { name: 'qwen2.5-coder:7b', sizeBytes: 4_700_000_000 },
        { name: 'nomic-embed-text:latest', sizeBytes: 274_000_000 },
      ],
      suggestions: [],
      checkedAt: 42,
    });
    expect(api.hits).toEqual(['GET /api/version', 'GET /api/tags']);
  });

  it('suggests small coding models when only embedding models are installed', async () => {
    api = await startFakeOllamaApi({
      models: [
        { name: 'nomic-embed-text:latest' },
        { name: 'all-minilm:l6-v2' },
        { name: 'my-custom:1', details: { family: 'nomic-bert', families: ['nomic-bert'] } },
      ],
    });
    const s = await detectOllama({ endpoint: api.url, probe: noBinary() });
    expect(s.state).toBe('running');
    expect(s.suggestions).toEqual([...SUGGESTED_MODELS]);
    expect(s.suggestions).toContain('qwen2.5-coder:1.5b');
  });

  it('suggests models when none are installed at all', async () => {
    api = await startFakeOllamaApi({ models: [] });
    const s = await detectOllama({ endpoint: api.url, probe: noBinary() });
    expect(s.suggestions.length).toBeGreaterThan(0);
  });

  it('classifies embedding models', () => {
    expect(isEmbeddingModel({ name: 'mxbai-embed-large' })).toBe(true);
    expect(isEmbeddingModel({ name: 'bge-m3:latest' })).toBe(true);
    expect(isEmbeddingModel({ name: 'llama3.2:3b', details: { family: 'llama', families: ['llama'] } })).toBe(false);
    expect(isEmbeddingModel({ name: 'gemma3:4b' })).toBe(false);
  });

  it('reports absent quickly when the port is refused and no binary exists', async () => {
    const url = await refusedUrl();
    const t0 = performance.now();
    const s = await detectOllama({ endpoint: url, probe: noBinary(), timeoutMs: 5_000 });
    expect(performance.now() - t0).toBeLessThan(1_000);
    expect(s).toMatchObject({ state: 'absent', endpoint: url, models: [], suggestions: [] });
    expect(s.binaryPath).toBeUndefined();
  });

  it('reports installed-stopped with the binary path when the API is down', async () => {
    const dir = path.join(tmp, 'p3');
    await fakeBinary(path.join(dir, 'ollama'));
    const s = await detectOllama({ endpoint: await refusedUrl(), probe: probeFor('linux', { PATH: dir }, tmp) });
    expect(s.state).toBe('installed-stopped');
    expect(s.binaryPath).toBe(path.join(dir, 'ollama'));
  });

  it.each([
    ['never answers', (): void => {}],
    [
      'sends headers and then stalls the body',
      (_req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse): void => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"version":');
      },
    ],
  ])('times out on a server that %s', async (_name, handler) => {
    const http = await import('node:http');
    const server = http.createServer(handler);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    try {
      const t0 = performance.now();
      const s = await detectOllama({ endpoint: `http://127.0.0.1:${port}`, probe: noBinary(), timeoutMs: 200 });
      expect(s.state).toBe('absent');
      expect(performance.now() - t0).toBeLessThan(1_500);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('does not read a /api/tags body over its cap (running, no models)', async () => {
    // Valid JSON with a real model in it: only the 8 MiB cap keeps it from being listed.
    const huge = JSON.stringify({ models: [{ name: 'big:1', model: 'big:1', details: { family: 'x'.repeat(9 * 1024 * 1024) } }] });
    api = await startFakeOllamaApi({ tagsBody: huge });
    const s = await detectOllama({ endpoint: api.url, probe: noBinary(), timeoutMs: 5_000 });
    expect(s.state).toBe('running');
    expect(s.models).toEqual([]);
  });

  it('still reports running when /api/tags fails', async () => {
    api = await startFakeOllamaApi({ tagsStatus: 500, models: [{ name: 'x:1' }] });
    const s = await detectOllama({ endpoint: api.url, probe: noBinary() });
    expect(s.state).toBe('running');
    expect(s.models).toEqual([]);
  });
});
