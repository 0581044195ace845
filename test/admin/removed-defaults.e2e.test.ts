// Built-in defaults the user removed in the window (or with `lynkr alias rm` / `lynkr map rm`, which call the same
// admin API) stay removed across a real restart: a deleted default alias, a renamed one (no copy under the old
// name), a built-in model-map pattern taken out. Re-creating an alias under a removed default's name keeps it.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AliasView, RoutingView } from '../../main/admin/contract.js';
import type { SettingsInput } from '../../main/settings/schema.js';
import { startFakeOllama, type FakeOllama } from '../fakes/ollama.js';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/openai.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

let ollama: FakeOllama;
let cloud: FakeOpenAI;
let dataDir: string;

const call = async <T>(gw: TestGateway, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> => {
  const r = await gw.admin(`/admin${path}`, { method, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: r.status, body: (await r.json()) as T };
};
const chat = (gw: TestGateway, model: string) =>
  fetch(`${gw.baseUrl}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
  });
const aliasNames = async (gw: TestGateway) => (await call<AliasView[]>(gw, 'GET', '/aliases')).body.map((a) => a.name).sort();
const patterns = async (gw: TestGateway) => (await call<RoutingView>(gw, 'GET', '/routing')).body.modelMap;
const restart = (settings: SettingsInput = {}) => startTestGateway(settings, { dataDir, keepSettingsFile: true });

beforeAll(async () => {
  ollama = await startFakeOllama({ models: ['qwen2.5-coder:7b'], script: { text: 'from local' } });
  // gpt-4o is a name no provider serves here, so only the model map can route it (a served name would win over the built-in map).
  cloud = await startFakeOpenAI({ models: ['gpt-4o-mini'], script: { text: 'from cloud' } });
  dataDir = mkdtempSync(join(tmpdir(), 'lynkr-removed-defaults-'));
});
afterAll(async () => {
  await Promise.all([ollama?.close(), cloud?.close()]);
  rmSync(dataDir, { recursive: true, force: true });
});

describe('removed defaults survive a restart', () => {
  it('a deleted, a renamed default alias and a removed built-in pattern stay gone; re-creating one keeps it', async () => {
    // No aliases and no model map in the file: everything below starts as a built-in default.
    const first = await startTestGateway(
      {
        cache: { exact: { enabled: false } },
        providers: [
          { id: 'ollama', kind: 'ollama', baseUrl: ollama.url },
          { id: 'cloud', kind: 'openai-compatible', baseUrl: cloud.url, apiKey: 'sk-cloud-secret-0000', models: ['gpt-4o-mini'] },
        ],
      },
      { dataDir },
    );
    try {
      expect(await aliasNames(first)).toEqual(['auto', 'chat-fast', 'chat-quality']);
      expect((await chat(first, 'gpt-4o')).headers.get('x-lynkr-alias')).toBe('chat-quality');

      const map = await patterns(first);
      expect(map.some((m) => m.pattern === 'gpt-4*')).toBe(true);
      expect((await call(first, 'PUT', '/routing/model-map', { modelMap: map.filter((m) => m.pattern !== 'gpt-4*') })).status).toBe(200);
      expect((await call(first, 'DELETE', '/aliases/chat-quality')).status).toBe(200);
      expect((await call(first, 'POST', '/aliases/chat-fast/rename', { name: 'fast' })).status).toBe(200);
      expect(await aliasNames(first)).toEqual(['auto', 'fast']);
    } finally {
      await first.close();
    }
    const saved = JSON.parse(readFileSync(join(dataDir, 'settings.json'), 'utf8')) as { removedDefaults?: { aliases: string[]; modelMap: string[] } };
    expect(saved.removedDefaults?.aliases.sort()).toEqual(['chat-fast', 'chat-quality']);
    expect(saved.removedDefaults?.modelMap).toContain('gpt-4*');

    const second = await restart();
    try {
      expect(await aliasNames(second)).toEqual(['auto', 'fast']);
      const map = await patterns(second);
      expect(map.map((m) => m.pattern)).not.toContain('gpt-4*');
      expect(map.filter((m) => m.alias === 'chat-quality' || m.alias === 'chat-fast')).toEqual([]);
      // The renamed alias kept the built-in patterns that named chat-fast, under its new name.
      expect(map).toContainEqual({ pattern: 'claude-*haiku*', alias: 'fast' });
      expect((await call<RoutingView>(second, 'GET', '/routing')).body.defaultModel).toBe('fast');
      expect((await chat(second, 'chat-fast')).status).toBe(404);
      expect((await chat(second, 'chat-quality')).status).toBe(404);
      // gpt-4o is no longer mapped, and no provider serves it: a 404 that lists what exists.
      expect((await chat(second, 'gpt-4o')).status).toBe(404);
      const haiku = await chat(second, 'claude-3-5-haiku-latest');
      expect([haiku.status, haiku.headers.get('x-lynkr-alias')]).toEqual([200, 'fast']);

      // Re-created under a removed default's name: the user's alias, kept at the next start.
      const recreated = await call<AliasView>(second, 'PUT', '/aliases/chat-quality', { description: 'mine', targets: ['cloud/gpt-4o-mini'] });
      expect(recreated.status).toBe(200);
    } finally {
      await second.close();
    }

    const third = await restart();
    try {
      expect(await aliasNames(third)).toEqual(['auto', 'chat-quality', 'fast']);
      const mine = (await call<AliasView[]>(third, 'GET', '/aliases')).body.find((a) => a.name === 'chat-quality');
      expect([mine?.description, mine?.ownTargets]).toEqual(['mine', ['cloud/gpt-4o-mini']]);
      // gpt-4* stays out even though the alias it named exists again: gpt-4o is not mapped to it.
      expect((await patterns(third)).map((m) => m.pattern)).not.toContain('gpt-4*');
      expect((await chat(third, 'gpt-4o')).headers.get('x-lynkr-alias')).not.toBe('chat-quality');

      // Putting the pattern back (lynkr map set) takes it off the removed list.
      const map = await patterns(third);
      expect((await call(third, 'PUT', '/routing/model-map', { modelMap: [...map, { pattern: 'gpt-4*', alias: 'chat-quality' }] })).status).toBe(200);
    } finally {
      await third.close();
    }
    const saved2 = JSON.parse(readFileSync(join(dataDir, 'settings.json'), 'utf8')) as { removedDefaults: { aliases: string[]; modelMap: string[] } };
    expect(saved2.removedDefaults.aliases).toEqual(['chat-fast']);
    expect(saved2.removedDefaults.modelMap).not.toContain('gpt-4*');

    const fourth = await restart();
    try {
      const gpt4 = await chat(fourth, 'gpt-4o');
      expect([gpt4.status, gpt4.headers.get('x-lynkr-alias')]).toEqual([200, 'chat-quality']);
      expect(cloud.requests.at(-1)?.body).toMatchObject({ model: 'gpt-4o-mini' });
    } finally {
      await fourth.close();
    }
  });
});
