// The routing admin API through a real gateway: aliases created, renamed (map entries and the default follow) and
// deleted; tiers, model map, fallback and default model saved and applied to the next request; 400s naming the
// field, 404s for unknown names; the resolve tester, the model lists and the mode check.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AliasView, ModeCheck, ModeResponse, ProviderModels, RouteResolution, RoutingView } from '../../main/admin/contract.js';
import { startFakeOllama, type FakeOllama } from '../fakes/ollama.js';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/openai.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

let ollama: FakeOllama;
let cloud: FakeOpenAI;
let gw: TestGateway;

const json = async <T>(res: Response | Promise<Response>): Promise<{ status: number; body: T }> => {
  const r = await res;
  return { status: r.status, body: (await r.json()) as T };
};
const call = <T>(method: string, path: string, body?: unknown) =>
  json<T>(gw.admin(`/admin${path}`, { method, body: body === undefined ? undefined : JSON.stringify(body) }));
type ErrorBody = { error: { message: string; param: string | null } };
const chat = (model: string) =>
  fetch(`${gw.baseUrl}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }) });
const savedSettings = () => JSON.parse(readFileSync(join(gw.dataDir, 'settings.json'), 'utf8')) as Record<string, unknown>;

beforeAll(async () => {
  ollama = await startFakeOllama({ models: ['llama3.2:3b', 'nomic-embed-text:latest'], script: { text: 'from local' } });
  cloud = await startFakeOpenAI({ models: ['gpt-4o-mini', 'gpt-4o'], script: { text: 'from cloud' } });
  gw = await startTestGateway({
    mode: 'auto',
    cache: { exact: { enabled: false } },
    defaultModel: 'chat-fast',
    providers: [
      { id: 'ollama', kind: 'ollama', baseUrl: ollama.url },
      { id: 'cloud', kind: 'openai-compatible', baseUrl: cloud.url, apiKey: 'sk-cloud-secret-0000', models: ['gpt-4o-mini'] },
    ],
    aliases: { 'chat-fast': { description: 'quick', targets: ['ollama/llama3.2:3b'] } },
    modelMap: [{ pattern: 'claude-*', alias: 'chat-fast' }],
  });
});
afterAll(async () => {
  await gw?.close();
  await Promise.all([ollama?.close(), cloud?.close()]);
});

describe('routing admin API', () => {
  it('creates an alias and routes to it at once; a bad name or target is a 400 naming the field', async () => {
    const created = await call<AliasView>('PUT', '/aliases/chat-cloud', { description: 'cloud', targets: ['cloud/gpt-4o', 'ollama/llama3.2:3b'] });
    expect(created.status).toBe(200);
    expect(created.body.targets.map((t) => [t.label, t.locality])).toEqual([['cloud/gpt-4o', 'cloud'], ['ollama/llama3.2:3b', 'local']]);
    const res = await chat('chat-cloud');
    expect([res.status, res.headers.get('x-lynkr-alias'), res.headers.get('x-lynkr-provider')]).toEqual([200, 'chat-cloud', 'cloud']);
    expect(cloud.requests.at(-1)?.body).toMatchObject({ model: 'gpt-4o' });

    const badName = await call<ErrorBody>('PUT', '/aliases/has%20space', { targets: [] });
    expect([badName.status, badName.body.error.param]).toEqual([400, 'name']);
    const badTarget = await call<ErrorBody>('PUT', '/aliases/chat-cloud', { targets: ['cloud/gpt-4o', 'nope/x'] });
    expect([badTarget.status, badTarget.body.error.param]).toEqual([400, 'targets.1']);
    expect(badTarget.body.error.message).toContain("no provider 'nope'");
    const notTarget = await call<ErrorBody>('PUT', '/aliases/chat-cloud', { targets: ['just-a-name'] });
    expect([notTarget.status, notTarget.body.error.param]).toEqual([400, 'targets.0']);
    const unknownField = await call<ErrorBody>('PUT', '/aliases/chat-cloud', { target: ['cloud/gpt-4o'] });
    expect(unknownField.status).toBe(400);
  });

  it('renames an alias: model-map entries and the default model follow; the old name is gone', async () => {
    const renamed = await call<AliasView>('POST', '/aliases/chat-fast/rename', { name: 'quick' });
    expect([renamed.status, renamed.body.name, renamed.body.description]).toEqual([200, 'quick', 'quick']);
    const view = (await call<RoutingView>('GET', '/routing')).body;
    // The user's entry and the built-in ones (claude-*haiku*, gpt-5*mini*, …) that named chat-fast.
    expect(view.modelMap[0]).toEqual({ pattern: 'claude-*', alias: 'quick' });
    expect(view.modelMap.filter((m) => m.alias === 'quick').length).toBeGreaterThan(1);
    expect(view.modelMap.filter((m) => m.alias === 'chat-fast')).toEqual([]);
    expect(view.defaultModel).toBe('quick');
    expect(savedSettings()).toMatchObject({ defaultModel: 'quick', modelMap: expect.arrayContaining([{ pattern: 'claude-*', alias: 'quick' }]) });
    const mapped = await chat('claude-3-5-haiku-latest');
    expect([mapped.status, mapped.headers.get('x-lynkr-alias')]).toEqual([200, 'quick']);
    expect((await chat('chat-fast')).status).toBe(404);

    expect((await call<ErrorBody>('POST', '/aliases/missing/rename', { name: 'x' })).status).toBe(404);
    const taken = await call<ErrorBody>('POST', '/aliases/quick/rename', { name: 'chat-cloud' });
    expect([taken.status, taken.body.error.param]).toEqual([409, 'name']);
    expect((await call<ErrorBody>('POST', '/aliases/quick/rename', { name: 'a/b' })).body.error.param).toBe('name');
  });

  it('deletes an alias with its map entries; refuses the default model; 404 for an unknown one', async () => {
    const refused = await call<ErrorBody>('DELETE', '/aliases/quick');
    expect([refused.status, refused.body.error.param]).toEqual([409, 'defaultModel']);
    expect((await call<RoutingView>('PUT', '/routing/default-model', { defaultModel: 'chat-cloud' })).body.defaultModel).toBe('chat-cloud');
    const bad = await call<ErrorBody>('PUT', '/routing/default-model', { defaultModel: 'nothing-here' });
    expect([bad.status, bad.body.error.param]).toEqual([400, 'defaultModel']);
    const pointing = (await call<RoutingView>('GET', '/routing')).body.modelMap.filter((m) => m.alias === 'quick').length;
    const deleted = await call<{ ok: boolean; removedMapEntries: number }>('DELETE', '/aliases/quick');
    expect(deleted.body).toEqual({ ok: true, removedMapEntries: pointing });
    expect((await call<RoutingView>('GET', '/routing')).body.modelMap.filter((m) => m.alias === 'quick')).toEqual([]);
    expect((await call<ErrorBody>('DELETE', '/aliases/quick')).status).toBe(404);
    const auto = await call<ErrorBody>('DELETE', '/aliases/auto');
    expect([auto.status, auto.body.error.message]).toEqual([409, "'auto' is built in: edit its tiers and targets instead"]);
  });

  it('saves the model map and the tester resolves a name through it, without sending anything', async () => {
    const before = cloud.count('/chat/completions');
    const saved = await call<RoutingView>('PUT', '/routing/model-map', { modelMap: [{ pattern: 'gpt-5*', alias: 'chat-cloud' }] });
    expect(saved.body.modelMap).toEqual([{ pattern: 'gpt-5*', alias: 'chat-cloud' }]);
    expect(savedSettings().modelMap).toEqual([{ pattern: 'gpt-5*', alias: 'chat-cloud' }]);
    const r = (await call<RouteResolution>('GET', '/resolve?model=gpt-5-codex')).body;
    expect(r).toMatchObject({ model: 'gpt-5-codex', alias: 'chat-cloud', pattern: 'gpt-5*' });
    expect(r.targets.map((t) => `${t.label} ${t.locality}`)).toEqual(['cloud/gpt-4o cloud', 'ollama/llama3.2:3b local']);
    const unknown = (await call<RouteResolution>('GET', '/resolve?model=nothing-like-it')).body;
    expect(unknown.error?.status).toBe(404);
    expect(cloud.count('/chat/completions')).toBe(before);

    const bad = await call<ErrorBody>('PUT', '/routing/model-map', { modelMap: [{ pattern: 'x*', alias: 'chat-cloud' }, { pattern: 'y', alias: 'nope' }] });
    expect([bad.status, bad.body.error.param]).toEqual([400, 'modelMap.1.alias']);
    const empty = await call<ErrorBody>('PUT', '/routing/model-map', { modelMap: [{ pattern: '', alias: 'chat-cloud' }] });
    expect([empty.status, empty.body.error.param]).toEqual([400, 'modelMap.0.pattern']);
  });

  it('saves tiers and fallback settings; out-of-range values are 400s naming the field', async () => {
    const tiers = await call<RoutingView>('PUT', '/routing/tiers', { SIMPLE: 'ollama/llama3.2:3b', COMPLEX: 'cloud/gpt-4o', MEDIUM: '' });
    expect(tiers.body.tiers).toEqual({ SIMPLE: 'ollama/llama3.2:3b', COMPLEX: 'cloud/gpt-4o' });
    expect((await call<ErrorBody>('PUT', '/routing/tiers', { REASONING: 'nope/x' })).body.error.param).toBe('REASONING');
    expect((await call<RouteResolution>('GET', '/resolve?model=auto')).body).toMatchObject({ alias: 'auto', tier: 'SIMPLE' });

    const fb = await call<RoutingView>('PUT', '/routing/fallback', { enabled: false, retries: 3, breakerThreshold: 2, breakerCooldownMs: 5000 });
    expect(fb.body.fallback).toMatchObject({ enabled: false, retries: 3, breakerThreshold: 2, breakerCooldownMs: 5000 });
    // Fallback off: only the first target is planned.
    expect((await call<RouteResolution>('GET', '/resolve?model=chat-cloud')).body.targets.map((t) => t.label)).toEqual(['cloud/gpt-4o']);
    const bad = await call<ErrorBody>('PUT', '/routing/fallback', { retries: 9 });
    expect([bad.status, bad.body.error.param]).toEqual([400, 'retries']);
    expect((await call<ErrorBody>('PUT', '/routing/fallback', { provider: 'ghost' })).body.error.param).toBe('provider');
    await call('PUT', '/routing/fallback', { enabled: true, provider: 'cloud/gpt-4o-mini' });
    expect((await call<RoutingView>('GET', '/routing')).body.fallback).toMatchObject({ enabled: true, provider: 'cloud/gpt-4o-mini' });
    await call('PUT', '/routing/fallback', { provider: null });
    expect((await call<RoutingView>('GET', '/routing')).body.fallback.provider).toBeUndefined();
  });

  it('lists every provider chat models with locality, without embedding models', async () => {
    const { body } = await call<ProviderModels[]>('GET', '/models?refresh=1');
    expect(body.map((p) => [p.provider, p.locality, p.reachable])).toEqual([['ollama', 'local', true], ['cloud', 'cloud', true]]);
    expect(body[0].models).toEqual(['llama3.2:3b']);
    expect(body[1].models).toEqual(['gpt-4o-mini', 'gpt-4o']);
  });

  it('the mode check names aliases a mode leaves without a target; PUT /mode answers the same', async () => {
    await call('PUT', '/aliases/local-only', { targets: ['ollama/llama3.2:3b'] });
    const check = (await call<ModeCheck>('GET', '/mode/check?mode=cloud')).body;
    expect(check.unrouted.map((u) => u.alias)).toEqual(['local-only']);
    expect(check.unrouted[0].message).toContain('To fix it, add a cloud target to local-only');
    expect((await call<ModeCheck>('GET', '/mode/check?mode=local')).body.unrouted).toEqual([]);
    // The tray reads the same from the status.
    const status = (await call<{ unroutedByMode: Record<string, string[]> }>('GET', '/status')).body;
    expect(status.unroutedByMode).toEqual({ local: [], cloud: ['local-only'] });
    expect((await call<ErrorBody>('GET', '/mode/check?mode=turbo')).body.error.param).toBe('mode');
    const put = (await call<ModeResponse>('PUT', '/mode', { mode: 'cloud' })).body;
    expect(put.unrouted?.map((u) => u.alias)).toEqual(['local-only']);
    const res = await chat('local-only');
    expect(res.status).toBe(503);
    expect(((await res.json()) as ErrorBody).error.message).toContain('`lynkr alias set local-only <provider/model> …`');
    await call('PUT', '/mode', { mode: 'auto' });
  });
});
