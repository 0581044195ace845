// Modes through a real gateway: the admin API switch (persisted, live, streams in flight untouched), local down
// in auto mode, the 503 when a mode leaves nothing, and tier routing headers.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AliasView, StatusResponse } from '../../main/admin/contract.js';
import type { SettingsInput } from '../../main/settings/schema.js';
import { startFakeOllama, type FakeOllama } from '../fakes/ollama.js';
import { closedPortUrl, startFakeOpenAI, type FakeOpenAI } from '../fakes/openai.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const noCache = { exact: { enabled: false }, semantic: { enabled: false } };

function settingsFor(ollamaUrl: string, cloudUrl: string, extra: Partial<SettingsInput> = {}): SettingsInput {
  return {
    cache: noCache,
    mode: 'auto',
    providers: [
      { id: 'ollama', kind: 'ollama', baseUrl: ollamaUrl, models: ['qwen2.5-coder:7b'] },
      { id: 'cloud', kind: 'openai-compatible', baseUrl: cloudUrl, apiKey: 'sk-cloud-secret-0000', models: ['gpt-4o-mini', 'gpt-4o'] },
    ],
    aliases: {
      'chat-fast': { description: 'local first', targets: ['ollama/qwen2.5-coder:7b', 'cloud/gpt-4o-mini'] },
      'cloud-only': { description: 'cloud only', targets: ['cloud/gpt-4o'] },
      auto: { description: 'tiered', targets: ['cloud/gpt-4o-mini'], tiered: true },
    },
    tiers: { SIMPLE: 'ollama/qwen2.5-coder:7b', COMPLEX: 'cloud/gpt-4o', REASONING: 'cloud/gpt-4o' },
    fallback: { retries: 0, breakerThreshold: 1000 },
    ...extra,
  };
}

const client = (gw: TestGateway) => new OpenAI({ baseURL: `${gw.baseUrl}/v1`, apiKey: 'unused', maxRetries: 0 });
const ask = (gw: TestGateway, model: string, content = 'hello') =>
  client(gw).chat.completions.create({ model, messages: [{ role: 'user', content }] }).withResponse();
const setMode = (gw: TestGateway, mode: string) => gw.admin('/admin/mode', { method: 'PUT', body: JSON.stringify({ mode }) });

describe('modes via the admin API', () => {
  let ollama: FakeOllama;
  let cloud: FakeOpenAI;
  let gw: TestGateway;

  beforeAll(async () => {
    ollama = await startFakeOllama({ models: ['qwen2.5-coder:7b'], script: { text: 'from local' } });
    cloud = await startFakeOpenAI({ script: { text: 'from cloud' } });
    gw = await startTestGateway(settingsFor(ollama.url, cloud.url));
  });
  afterAll(async () => {
    await gw?.close();
    await ollama?.close();
    await cloud?.close();
  });

  it('a mode switch during a live stream leaves that stream intact and applies to the next request', async () => {
    ollama.reply({ text: 'one two three four five six', chunks: 6, delayMs: 60 });
    const stream = await client(gw).chat.completions.create({ model: 'chat-fast', stream: true, messages: [{ role: 'user', content: 'count' }] });
    let text = '';
    let switched = false;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? '';
      if (!switched && text.length > 0) {
        switched = true;
        const res = await setMode(gw, 'cloud');
        expect(res.status).toBe(200);
        expect(await res.json()).toEqual({ mode: 'cloud', unrouted: [] });
      }
    }
    expect(switched).toBe(true);
    expect(text.replace(/\s+/g, ' ').trim()).toBe('one two three four five six');
    ollama.reply({ text: 'from local' });

    const next = await ask(gw, 'chat-fast');
    expect(next.response.headers.get('x-lynkr-provider')).toBe('cloud');
    expect(next.data.choices[0].message.content).toBe('from cloud');

    // Persisted in the settings file, so it survives a restart.
    const file = JSON.parse(readFileSync(join(gw.dataDir, 'settings.json'), 'utf8')) as { mode?: string };
    expect(file.mode).toBe('cloud');

    expect((await setMode(gw, 'auto')).status).toBe(200);
    expect((await ask(gw, 'chat-fast')).response.headers.get('x-lynkr-provider')).toBe('ollama');
  });

  it('local mode leaves a cloud-only alias nothing: a clear 503', async () => {
    expect((await setMode(gw, 'local')).status).toBe(200);
    const before = cloud.count('/chat/completions');
    try {
      const err = (await ask(gw, 'cloud-only').catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
      expect(err).toBeInstanceOf(OpenAI.APIError);
      expect(err.status).toBe(503);
      expect(err.message).toContain('mode local has no provider for alias cloud-only (targets: cloud/gpt-4o (cloud))');
      expect(cloud.count('/chat/completions')).toBe(before);
    } finally {
      await setMode(gw, 'auto');
    }
  });

  it('GET /admin/aliases shows each target and whether the mode allows it', async () => {
    await setMode(gw, 'local');
    try {
      const views = (await (await gw.admin('/admin/aliases')).json()) as AliasView[];
      expect(views.find((a) => a.name === 'chat-fast')).toEqual({
        name: 'chat-fast',
        description: 'local first',
        tiered: false,
        targets: [
          { label: 'ollama/qwen2.5-coder:7b', locality: 'local', allowed: true },
          { label: 'cloud/gpt-4o-mini', locality: 'cloud', allowed: false },
        ],
        ownTargets: ['ollama/qwen2.5-coder:7b', 'cloud/gpt-4o-mini'],
      });
      expect(views.find((a) => a.name === 'auto')?.tiered).toBe(true);
    } finally {
      await setMode(gw, 'auto');
    }
  });

  it('validates the admin input and needs the token', async () => {
    const bad = await setMode(gw, 'turbo');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toContain('mode');
    const noToken = await fetch(`${gw.baseUrl}/admin/mode`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"mode":"cloud"}' });
    expect([401, 403]).toContain(noToken.status);
    const unknown = await gw.admin('/admin/breakers/reset', { method: 'POST', body: JSON.stringify({ provider: 'nope' }) });
    expect(unknown.status).toBe(404);
    const all = await gw.admin('/admin/breakers/reset', { method: 'POST', body: '{}' });
    expect(all.status).toBe(200);
  });

  it('the tiered auto alias reports tier, score and reasons in x-lynkr-route', async () => {
    const simple = await ask(gw, 'auto', 'hi');
    expect(simple.response.headers.get('x-lynkr-route')).toMatch(/^tier=SIMPLE; score=\d+; reasons=[a-z,-]+; alias=auto$/);
    expect(simple.response.headers.get('x-lynkr-provider')).toBe('ollama');
    const hard = await ask(gw, 'auto', 'Prove that this binary search terminates, using a loop invariant, and derive its complexity.');
    expect(hard.response.headers.get('x-lynkr-route')).toMatch(/^tier=REASONING; /);
    expect(hard.response.headers.get('x-lynkr-provider')).toBe('cloud');
    expect(hard.response.headers.get('x-lynkr-model')).toBe('gpt-4o');
  });
});

describe('mode persistence', () => {
  it('a mode set through the admin API survives a restart', async () => {
    const ollama = await startFakeOllama({ models: ['qwen2.5-coder:7b'], script: { text: 'from local' } });
    const cloud = await startFakeOpenAI({ script: { text: 'from cloud' } });
    const dataDir = mkdtempSync(join(tmpdir(), 'lynkr-mode-'));
    try {
      const first = await startTestGateway(settingsFor(ollama.url, cloud.url), { dataDir });
      expect((await setMode(first, 'cloud')).status).toBe(200);
      await first.close();
      const second = await startTestGateway({}, { dataDir, keepSettingsFile: true });
      try {
        const status = (await (await second.admin('/admin/status')).json()) as { mode: string };
        expect(status.mode).toBe('cloud');
        expect((await ask(second, 'chat-fast')).response.headers.get('x-lynkr-provider')).toBe('cloud');
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
      await ollama.close();
      await cloud.close();
    }
  });
});

describe('local down in auto mode', () => {
  let cloud: FakeOpenAI;
  let ollama: FakeOllama;
  let gw: TestGateway;

  beforeAll(async () => {
    cloud = await startFakeOpenAI({ script: { text: 'from cloud' } });
    ollama = await startFakeOllama({ models: ['qwen2.5-coder:7b'], script: { text: 'from local' } });
    gw = await startTestGateway(settingsFor(ollama.url, cloud.url));
  });
  afterAll(async () => {
    await gw?.close();
    await ollama?.close();
    await cloud?.close();
  });

  it('a stopped Ollama falls over to cloud with no visible error and < 50 ms added', async () => {
    expect((await ask(gw, 'chat-fast')).data.choices[0].message.content).toBe('from local');
    await ollama.stop();
    const timeIt = async (model: string): Promise<number> => {
      const t0 = performance.now();
      const { data } = await ask(gw, model);
      expect(data.choices[0].message.content).toBe('from cloud');
      return performance.now() - t0;
    };
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const direct: number[] = [];
    const fallen: number[] = [];
    for (let i = 0; i < 7; i++) {
      direct.push(await timeIt('cloud/gpt-4o-mini'));
      fallen.push(await timeIt('chat-fast'));
    }
    const added = median(fallen) - median(direct);
    expect(added).toBeLessThan(50);
    const { response } = await ask(gw, 'chat-fast');
    expect(response.headers.get('x-lynkr-fallback-from')).toContain('ollama/qwen2.5-coder:7b (connection failed)');

    await ollama.restart();
    expect((await ask(gw, 'chat-fast')).data.choices[0].message.content).toBe('from local');
  });

  it('a never-started local server (closed port) behaves the same', async () => {
    const gw2 = await startTestGateway(settingsFor(await closedPortUrl(), cloud.url));
    try {
      const t0 = performance.now();
      const { data } = await ask(gw2, 'chat-fast');
      expect(data.choices[0].message.content).toBe('from cloud');
      expect(performance.now() - t0).toBeLessThan(1_000);
    } finally {
      await gw2.close();
    }
  });
});

describe('a mode set by LYNKR_MODE', () => {
  it('wins at start over the saved mode; the admin API names it, and a switch works until restart', async () => {
    const cloud = await startFakeOpenAI({ script: { text: 'from cloud' } });
    const dataDir = mkdtempSync(join(tmpdir(), 'lynkr-pinned-'));
    try {
      const settings = settingsFor(await closedPortUrl(), cloud.url, { mode: 'local' });
      const gw = await startTestGateway(settings, { dataDir, env: { LYNKR_MODE: 'cloud' } });
      const status = (await (await gw.admin('/admin/status')).json()) as StatusResponse;
      expect(status.mode).toBe('cloud');
      expect(status.pinned).toEqual({ mode: 'LYNKR_MODE' });
      const res = await setMode(gw, 'auto');
      expect(await res.json()).toEqual({ mode: 'auto', pinnedBy: 'LYNKR_MODE', unrouted: [] });
      expect(JSON.parse(readFileSync(join(dataDir, 'settings.json'), 'utf8')).mode).toBe('auto');
      await gw.close();

      // Restarted with the same environment: the variable wins again, which is what the API warned about.
      const again = await startTestGateway(settings, { dataDir, env: { LYNKR_MODE: 'cloud' }, keepSettingsFile: true });
      expect(((await (await again.admin('/admin/status')).json()) as StatusResponse).mode).toBe('cloud');
      await again.close();
      // Without it, the saved choice holds and nothing is pinned.
      const unset = await startTestGateway(settings, { dataDir, keepSettingsFile: true });
      const s = (await (await unset.admin('/admin/status')).json()) as StatusResponse;
      expect([s.mode, s.pinned]).toEqual(['auto', {}]);
      expect(await (await setMode(unset, 'local')).json()).toMatchObject({ mode: 'local', unrouted: [{ alias: 'cloud-only' }] });
      await unset.close();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
      await cloud.close();
    }
  });
});
