// A provider that came from Lynkr's env names (OPENAI_API_KEY, OPENAI_ENDPOINT) says so in /admin/providers and
// /admin/status: the window can warn that an edit lasts only until restart. Names only, never the key.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProviderView, StatusResponse } from '../../main/admin/contract.js';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/openai.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const KEY = 'sk-from-the-environment-0123456789';
let upstream: FakeOpenAI;
let gw: TestGateway;

beforeAll(async () => {
  upstream = await startFakeOpenAI({ models: ['gpt-4o-mini'] });
  gw = await startTestGateway(
    { providers: [{ id: 'ollama', kind: 'ollama', baseUrl: 'http://127.0.0.1:9', enabled: false }] },
    { env: { OPENAI_API_KEY: KEY, OPENAI_ENDPOINT: `${upstream.url}/chat/completions`, LYNKR_MODE: 'cloud' } },
  );
});
afterAll(async () => {
  await gw?.close();
  await upstream?.close();
});

describe('settings set by the environment', () => {
  it('name their variables per provider field and in the status, never the key', async () => {
    const res = await gw.admin('/admin/providers');
    const text = await res.text();
    expect(text).not.toContain(KEY);
    const views = JSON.parse(text) as ProviderView[];
    expect(views.find((p) => p.id === 'openai')?.setAtStart).toEqual({ apiKey: 'OPENAI_API_KEY', baseUrl: 'OPENAI_ENDPOINT' });
    expect(views.find((p) => p.id === 'ollama')?.setAtStart).toBeUndefined();

    const status = (await (await gw.admin('/admin/status')).json()) as StatusResponse;
    expect(status.pinned).toEqual({ mode: 'LYNKR_MODE', 'providers[openai].apiKey': 'OPENAI_API_KEY', 'providers[openai].baseUrl': 'OPENAI_ENDPOINT' });
    expect(JSON.stringify(status)).not.toContain(KEY);
  });
});
