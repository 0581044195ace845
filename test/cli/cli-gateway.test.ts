// The CLI against a real running gateway: `lynkr mode` switches and persists (without env secrets), `lynkr
// status` and `lynkr logs` read it.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/openai.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { runCli } from './run.js';

const ENV_KEY = 'sk-env-only-secret-0123456789abcdef';
const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

describe('lynkr CLI against a running gateway', () => {
  it('mode, status and logs; the mode survives a restart and the env key never reaches settings.json', async () => {
    const cloud: FakeOpenAI = await startFakeOpenAI({ models: ['gpt-4o-mini'] });
    cleanups.push(() => cloud.close());
    const dataDir = mkdtempSync(join(tmpdir(), 'lynkr-cli-gw-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const env = { OPENAI_API_KEY: ENV_KEY, OPENAI_ENDPOINT: `${cloud.url}/chat/completions` };
    let gw: TestGateway = await startTestGateway({ mode: 'auto' }, { env, dataDir });
    const args = (): string[] => ['--port', String(gw.port), '--data-dir', dataDir];

    const before = await runCli(['status', ...args()]);
    expect(before.error).toBeUndefined();
    expect(before.out.join('\n')).toContain(`mode auto`);
    expect(before.out.join('\n')).toContain(`http://localhost:${gw.port}/v1`);
    expect(before.out.join('\n')).toMatch(/openai \(cloud, up\)/);

    const switched = await runCli(['mode', 'cloud', ...args()]);
    expect(switched.error).toBeUndefined();
    expect(switched.out[0]).toMatch(/^mode: cloud/);
    expect(((await (await gw.admin('/admin/status')).json()) as { mode: string }).mode).toBe('cloud');

    const saved = readFileSync(join(dataDir, 'settings.json'), 'utf8');
    expect(JSON.parse(saved).mode).toBe('cloud');
    expect(saved).not.toContain(ENV_KEY);

    // A request in cloud mode, then `lynkr logs` shows it.
    const res = await fetch(`${gw.baseUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(res.status).toBe(200);
    await new Promise((r) => setTimeout(r, 30));
    const logs = await runCli(['logs', '-n', '5', ...args()]);
    expect(logs.out.at(-1)).toMatch(/ 200  json .* openai\/gpt-4o-mini  cache=/);
    expect(cloud.requests.at(-1)?.headers.authorization).toBe(`Bearer ${ENV_KEY}`);

    await gw.close();
    const stopped = await runCli(['status', ...args()]);
    expect(stopped.error?.message).toBe(`no gateway is running on :${gw.port} — start it with \`lynkr start\``);

    gw = await startTestGateway({}, { env, dataDir, keepSettingsFile: true });
    cleanups.push(() => gw.close());
    expect((await runCli(['mode', ...args()])).out).toEqual(['mode: cloud']);
  });
});
