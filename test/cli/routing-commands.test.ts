// `lynkr mode` (refuses a switch that leaves aliases without a target unless --force), `lynkr alias list|set|rm`
// and `lynkr map list|set|rm`, against a fake admin API: what was sent and what was printed.
import { afterEach, describe, expect, it } from 'vitest';
import type { AliasView, RoutingView } from '../../main/admin/contract.js';
import { startFakeAdmin, type FakeAdmin } from './fake-admin.js';
import { dataDirWithToken, runCli } from './run.js';

const TOKEN = 'test-admin-token-abcdefghijklmnopqrstuvwxyz0';
const fastView: AliasView = {
  name: 'chat-fast', description: 'quick', tiered: false,
  targets: [{ label: 'ollama/llama3.2:3b', locality: 'local', allowed: true }, { label: 'openai/gpt-4o-mini', locality: 'cloud', allowed: false }],
};
const routing: RoutingView = {
  mode: 'auto', tiers: {}, defaultModel: 'chat-fast',
  fallback: { enabled: true, retries: 1, backoffMs: 200, breakerThreshold: 5, breakerCooldownMs: 30_000 },
  modelMap: [{ pattern: 'claude-*', alias: 'chat-quality' }, { pattern: 'gpt-5*', alias: 'chat-quality' }],
};
const unrouted = [{ alias: 'chat-fast', message: 'mode cloud has no provider for alias chat-fast (…)' }, { alias: 'auto', message: '…' }];

let fake: FakeAdmin | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function withFake(answers: Record<string, unknown>) {
  fake = await startFakeAdmin(TOKEN, answers);
  return { fake, common: ['--port', String(fake.port), '--data-dir', dataDirWithToken(TOKEN)] };
}

describe('lynkr mode warns before leaving aliases without a target', () => {
  it('refuses, naming the aliases and how to fix it, and changes nothing', async () => {
    const { fake, common } = await withFake({ 'GET /admin/mode/check': { mode: 'cloud', unrouted } });
    const run = await runCli(['mode', 'cloud', ...common]);
    expect(run.error?.message).toBe(
      'mode cloud leaves these aliases without a target: chat-fast, auto (requests for them get 503). Add a cloud target with `lynkr alias set <alias> <provider/model> …`, or switch anyway with --force.',
    );
    expect(fake.received.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /admin/mode/check']);
  });

  it('--force switches without asking, and still says which aliases have no target', async () => {
    const { fake, common } = await withFake({ 'PUT /admin/mode': { mode: 'cloud', unrouted } });
    const run = await runCli(['mode', 'cloud', '--force', ...common]);
    expect(run.error).toBeUndefined();
    expect(fake.received.map((r) => `${r.method} ${r.path}`)).toEqual(['PUT /admin/mode']);
    expect(run.out).toEqual(['mode: cloud (saved; streams in flight keep their route)']);
    expect(run.err).toEqual(['warning: no target in mode cloud for chat-fast, auto']);
  });
});

describe('lynkr alias', () => {
  it('list shows each alias with its targets in order and what the mode skips', async () => {
    const { common } = await withFake({ 'GET /admin/aliases': [fastView] });
    const run = await runCli(['alias', 'list', ...common]);
    expect(run.out).toEqual(['chat-fast — quick\n    ollama/llama3.2:3b (local) → openai/gpt-4o-mini (cloud, skipped in this mode)']);
  });

  it('set sends the targets in order and the description; --rename renames', async () => {
    const { fake, common } = await withFake({ 'PUT /admin/aliases/chat-fast': fastView, 'POST /admin/aliases/chat-fast/rename': { ...fastView, name: 'quick' } });
    const run = await runCli(['alias', 'set', 'chat-fast', 'ollama/llama3.2:3b', 'openai/gpt-4o-mini', '--description', 'quick', ...common]);
    expect(run.error).toBeUndefined();
    expect(fake.received[0]).toMatchObject({ method: 'PUT', path: '/admin/aliases/chat-fast', body: { targets: ['ollama/llama3.2:3b', 'openai/gpt-4o-mini'], description: 'quick' } });
    expect(run.out[0]).toMatch(/^chat-fast — quick/);
    const renamed = await runCli(['alias', 'set', 'chat-fast', '--rename', 'quick', ...common]);
    expect(fake.received.at(-1)).toMatchObject({ method: 'POST', path: '/admin/aliases/chat-fast/rename', body: { name: 'quick' } });
    expect(renamed.out[0]).toMatch(/^quick — quick/);
    const nothing = await runCli(['alias', 'set', 'chat-fast', ...common]);
    expect(nothing.error?.message).toBe('nothing to set: give targets, --description or --rename');
  });

  it("set shows the gateway's 400 naming the field; rm reports the map entries removed", async () => {
    const { common } = await withFake({
      'PUT /admin/aliases/x': { __status: 400, body: { error: { message: "targets.0: no provider 'nope' (add it on the Providers page first)", param: 'targets.0' } } },
      'DELETE /admin/aliases/x': { ok: true, removedMapEntries: 2 },
    });
    expect((await runCli(['alias', 'set', 'x', 'nope/m', ...common])).error?.message).toBe("admin API 400: targets.0: no provider 'nope' (add it on the Providers page first)");
    expect((await runCli(['alias', 'rm', 'x', ...common])).out).toEqual(['removed alias x and 2 model-map entries']);
  });
});

describe('lynkr map', () => {
  it('list, set (replaces an entry or adds one at the top), rm', async () => {
    const { fake, common } = await withFake({ 'GET /admin/routing': routing, 'PUT /admin/routing/model-map': routing });
    expect((await runCli(['map', 'list', ...common])).out).toEqual([' 1. claude-* → chat-quality\n 2. gpt-5* → chat-quality']);
    await runCli(['map', 'set', 'gpt-5*', 'chat-fast', ...common]);
    expect(fake.received.at(-1)?.body).toEqual({ modelMap: [{ pattern: 'claude-*', alias: 'chat-quality' }, { pattern: 'gpt-5*', alias: 'chat-fast' }] });
    await runCli(['map', 'set', 'my-editor-*', 'chat-fast', ...common]);
    expect(fake.received.at(-1)?.body).toEqual({ modelMap: [{ pattern: 'my-editor-*', alias: 'chat-fast' }, ...routing.modelMap] });
    await runCli(['map', 'rm', 'claude-*', ...common]);
    expect(fake.received.at(-1)?.body).toEqual({ modelMap: [{ pattern: 'gpt-5*', alias: 'chat-quality' }] });
    const missing = await runCli(['map', 'rm', 'nope*', ...common]);
    expect(missing.error?.message).toBe("no model-map entry for 'nope*' (see `lynkr map list`)");
  });
});
