import { createServer } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CacheStats, ProviderView, RequestRecord, StatusResponse } from '../../main/admin/contract.js';
import { startFakeAdmin, type FakeAdmin } from './fake-admin.js';
import { dataDirWithToken, runCli } from './run.js';

const TOKEN = 'test-admin-token-abcdefghijklmnopqrstuvwxyz0';

const providers: ProviderView[] = [
  { id: 'ollama', kind: 'ollama', enabled: true, locality: 'local', baseUrl: 'http://localhost:11434', models: ['qwen2.5-coder:7b'], breaker: { state: 'closed', consecutiveFailures: 0 } },
  {
    id: 'openai', kind: 'openai', enabled: true, locality: 'cloud', baseUrl: 'https://api.openai.com/v1', apiKeyMasked: 'sk-…abcd', models: [],
    breaker: { state: 'open', consecutiveFailures: 5, lastError: '401 invalid key' },
  },
];

const status: StatusResponse = {
  service: 'lynkr-desktop', version: '1.2.3', baseUrl: 'http://localhost:8081/v1', dockerBaseUrl: 'http://host.docker.internal:8081/v1',
  port: 8081, listening: ['127.0.0.1:8081'], mode: 'auto', allowDocker: false, uptimeMs: 3_723_000, requestsToday: 42, providers,
  ollama: { state: 'running', endpoint: 'http://localhost:11434', version: '0.6.1', models: [{ name: 'qwen2.5-coder:7b' }], suggestions: [], checkedAt: 0 },
  cache: { exact: true, semantic: false }, warnings: ['no OS secret store'], pinned: {},
};

const cacheStats: CacheStats = {
  entries: 12, bytes: 4096, hits: { exact: 3, semantic: 1 }, misses: 4, bypasses: 2, tokensSaved: 900, costSavedUsd: 0.0123,
  embedderFailures: 0, nearMissRejects: 0, threshold: 0.9, embedder: 'builtin',
};

const row = (over: Partial<RequestRecord>): RequestRecord => ({
  id: 'r', time: Date.UTC(2026, 10, 24, 22, 0, 0), clientFormat: 'openai-chat', requestedModel: 'chat-fast', provider: 'ollama', model: 'qwen2.5-coder:7b',
  status: 200, stream: true, latencyMs: 143, cache: 'miss', fallbackFrom: [], inputTokens: 12, outputTokens: 40, ...over,
});

let fake: FakeAdmin | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function withFake() {
  fake = await startFakeAdmin(TOKEN, {
    'GET /admin/status': status,
    'PUT /admin/mode': { mode: 'local' },
    'GET /admin/mode/check': { mode: 'local', unrouted: [] },
    'GET /admin/logs': { rows: [row({ id: 'new', time: Date.UTC(2026, 10, 24, 22, 0, 5), status: 502, provider: undefined, model: undefined, error: 'all targets failed' }), row({ id: 'old' })] },
    'GET /admin/cache/stats': cacheStats,
    'POST /admin/cache/clear': { removed: 3 },
    'GET /admin/providers': providers,
  });
  const dataDir = dataDirWithToken(TOKEN);
  return { fake, common: ['--port', String(fake.port), '--data-dir', dataDir], dataDir };
}

describe('lynkr admin commands', () => {
  it('status: GET /admin/status with the token from the data dir, printed for humans', async () => {
    const { fake, common } = await withFake();
    const run = await runCli(['status', ...common]);
    expect(run.error).toBeUndefined();
    expect(fake.received).toEqual([expect.objectContaining({ method: 'GET', path: '/admin/status', authorization: `Bearer ${TOKEN}` })]);
    const text = run.out.join('\n');
    expect(text).toContain('Lynkr gateway 1.2.3 · up 1h 2m · mode auto');
    expect(text).toContain('http://localhost:8081/v1   (Docker: http://host.docker.internal:8081/v1)');
    expect(text).toContain('42 today');
    expect(text).toContain('up (0.6.1) at http://localhost:11434 · 1 model');
    // The window's words (routing/health.ts): up, down, cooling down; never the breaker's own 'ok'/'closed'.
    expect(text).toContain('ollama (local, up) · openai (cloud, cooling down: 5 failures, skipped until its cool-down ends: 401 invalid key)');
    expect(text).toContain('warning      no OS secret store');
  });

  it('status --json prints the API answer', async () => {
    const { common } = await withFake();
    const run = await runCli(['status', ...common, '--json']);
    expect(JSON.parse(run.out.join('\n'))).toEqual(status);
  });

  it('mode local: PUT /admin/mode {mode}', async () => {
    const { fake, common } = await withFake();
    const run = await runCli(['mode', 'local', ...common]);
    expect(fake.received).toEqual([
      expect.objectContaining({ method: 'GET', path: '/admin/mode/check', query: { mode: 'local' } }),
      expect.objectContaining({ method: 'PUT', path: '/admin/mode', body: { mode: 'local' } }),
    ]);
    expect(run.out).toEqual(['mode: local (saved; streams in flight keep their route)']);
  });

  it('mode set by LYNKR_MODE: status and mode say that a change lasts only until restart', async () => {
    fake = await startFakeAdmin(TOKEN, {
      'GET /admin/status': { ...status, pinned: { mode: 'LYNKR_MODE', 'server.port': '--port' } },
      'PUT /admin/mode': { mode: 'cloud', pinnedBy: 'LYNKR_MODE' },
      'GET /admin/mode/check': { mode: 'cloud', unrouted: [] },
    });
    const common = ['--port', String(fake.port), '--data-dir', dataDirWithToken(TOKEN)];
    expect((await runCli(['mode', ...common])).out).toEqual(['mode: auto (set by LYNKR_MODE at start)']);
    expect((await runCli(['mode', 'cloud', ...common])).out).toEqual([
      'mode: cloud until the gateway restarts: LYNKR_MODE sets the mode at every start (unset it to keep this choice)',
    ]);
    const text = (await runCli(['status', ...common])).out.join('\n');
    expect(text).toContain('set at start mode by LYNKR_MODE · server.port by --port (changes to these last until restart)');
  });

  it('mode without an argument shows the current mode; a wrong one is refused before any request', async () => {
    const { fake, common } = await withFake();
    expect((await runCli(['mode', ...common])).out).toEqual(['mode: auto']);
    const bad = await runCli(['mode', 'turbo', ...common]);
    expect(bad.error?.message).toMatch(/'turbo' is invalid for argument 'mode'. Allowed choices are local, cloud, auto/);
    expect(fake.received.filter((r) => r.method === 'PUT')).toEqual([]);
  });

  it('logs -n 2 -q x: GET /admin/logs?limit=2&q=x, oldest first, one line each', async () => {
    const { fake, common } = await withFake();
    const run = await runCli(['logs', '-n', '2', '-q', 'ollama', ...common]);
    expect(fake.received[0]).toMatchObject({ path: '/admin/logs', query: { limit: '2', q: 'ollama' } });
    expect(run.out).toEqual([
      '2026-11-24 22:00:00  200  stream    143ms  chat-fast → ollama/qwen2.5-coder:7b  cache=miss  tokens=12/40',
      '2026-11-24 22:00:05  502  stream    143ms  chat-fast → -  cache=miss  tokens=12/40  error: all targets failed',
    ]);
  });

  it('logs -f follows the live stream until interrupted', async () => {
    const { fake, common } = await withFake();
    let interrupt: (() => void) | undefined;
    const running = runCli(['logs', '-f', '-n', '1', ...common], { onSignal: (h) => (interrupt = () => h('SIGINT')) });
    await until(() => fake.streams() === 1);
    fake.emitLog(row({ id: 'live', requestedModel: 'auto', tier: 'COMPLEX', fallbackFrom: ['ollama/qwen: connection refused'], provider: 'openai', model: 'gpt-4o' }));
    await until(() => interrupt !== undefined);
    await new Promise((r) => setTimeout(r, 50));
    interrupt?.();
    const run = await running;
    expect(run.error).toBeUndefined();
    expect(run.out.at(-1)).toBe(
      '2026-11-24 22:00:00  200  stream    143ms  auto → openai/gpt-4o  cache=miss  tier=COMPLEX  tokens=12/40  fallback from ollama/qwen: connection refused',
    );
    expect(fake.received.map((r) => r.path)).toEqual(['/admin/logs', '/admin/logs/stream']);
  });

  it('cache stats and cache clear --alias', async () => {
    const { fake, common } = await withFake();
    const stats = await runCli(['cache', 'stats', ...common]);
    expect(stats.out.join('\n')).toContain('hits         4 (exact 3, semantic 1) · hit rate 50.0%');
    expect(stats.out.join('\n')).toContain('entries      12 (4.0 KiB)');
    const clear = await runCli(['cache', 'clear', '--alias', 'chat-fast', ...common]);
    expect(fake.received.at(-1)).toMatchObject({ method: 'POST', path: '/admin/cache/clear', body: { alias: 'chat-fast' } });
    expect(clear.out).toEqual(['removed 3 cached responses for chat-fast']);
  });

  it('providers: a table with masked keys and health in the window\'s words', async () => {
    const { common } = await withFake();
    const run = await runCli(['providers', ...common]);
    const lines = run.out.join('\n').split('\n');
    expect(lines[0]).toMatch(/^ID\s+KIND\s+WHERE\s+ENABLED\s+HEALTH\s+KEY\s+URL\s+MODELS$/);
    expect(lines[1]).toMatch(/^ollama\s+ollama\s+local\s+yes\s+up\s+-\s+http:\/\/localhost:11434\s+qwen2.5-coder:7b$/);
    expect(lines[2]).toMatch(/^openai\s+openai\s+cloud\s+yes\s+cooling down: 5 failures, skipped until its cool-down ends: 401 invalid key\s+sk-…abcd\s+https:\/\/api.openai.com\/v1\s+-$/);
  });

  it('finds the port in the settings file when --port is not given', async () => {
    const { fake, dataDir } = await withFake();
    writeFileSync(join(dataDir, 'settings.json'), JSON.stringify({ version: 1, server: { port: fake.port } }));
    const run = await runCli(['mode', '--data-dir', dataDir]);
    expect(run.out).toEqual(['mode: auto']);
  });

  it('nothing running: says so and how to start it', async () => {
    const port = await freePort();
    const run = await runCli(['status', '--port', String(port), '--data-dir', dataDirWithToken(TOKEN)]);
    expect(run.error?.name).toBe('CliError');
    expect(run.error?.message).toBe(`no gateway is running on :${port} — start it with \`lynkr start\``);
  });

  it('a refused or missing token is explained', async () => {
    const { fake } = await withFake();
    const wrong = dataDirWithToken('some-other-token-from-another-dir');
    const refused = await runCli(['status', '--port', String(fake.port), '--data-dir', wrong]);
    expect(refused.error?.message).toMatch(new RegExp(`refused the admin token from ${wrong}/admin-token .*--data-dir`));
    const none = dataDirWithToken(undefined);
    const missing = await runCli(['status', '--port', String(fake.port), '--data-dir', none]);
    expect(missing.error?.message).toBe(`no admin token at ${none}/admin-token; start the gateway with \`lynkr start\` or pass --data-dir`);
    expect(fake.received.at(-1)?.authorization).toBeUndefined();
  });

  it('LYNKR_ADMIN_TOKEN overrides the token file', async () => {
    const { fake } = await withFake();
    const run = await runCli(['status', '--port', String(fake.port), '--data-dir', dataDirWithToken('stale')], { env: { LYNKR_ADMIN_TOKEN: TOKEN } });
    expect(run.error).toBeUndefined();
    expect(fake.received[0].authorization).toBe(`Bearer ${TOKEN}`);
  });

  it('an admin API error shows its status and message; a bad option sends nothing', async () => {
    fake = await startFakeAdmin(TOKEN, { 'POST /admin/cache/clear': { __status: 503, body: { error: { message: 'cache disabled: sqlite-vec failed to load', type: 'unavailable' } } } });
    const common = ['--port', String(fake.port), '--data-dir', dataDirWithToken(TOKEN)];
    const run = await runCli(['cache', 'clear', ...common]);
    expect(run.error?.message).toBe('admin API 503: cache disabled: sqlite-vec failed to load');
    const bad = await runCli(['logs', ...common, '-n', '0']);
    expect(bad.error?.message).toMatch(/expected a number from 1 to 5000/);
    expect(fake.received.map((r) => r.path)).toEqual(['/admin/cache/clear']);
  });
});

async function until(cond: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}
