// The window's add/edit form is served from the kinds list (GET /admin/provider-kinds): every kind is offered with
// what to ask, and a provider of every kind, filled in as the form says, is accepted and built.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProviderKindView, ProviderView } from '../../main/admin/contract.js';
import { providerKinds } from '../../main/providers/kinds/index.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

let gw: TestGateway;

beforeAll(async () => {
  gw = await startTestGateway({ providers: [{ id: 'ollama', kind: 'ollama', baseUrl: 'http://127.0.0.1:9', enabled: false }] });
});
afterAll(async () => {
  await gw?.close();
});

/** What a user types into each field the form asks for. */
const typed: Record<string, string | boolean> = {
  baseUrl: 'http://127.0.0.1:9/v1',
  apiKey: 'sk-typed-in-the-form-0123456789',
  region: 'eu-west-1',
  apiVersion: '2024-10-21',
  deployment: 'my-deployment',
  local: true,
};

describe('GET /admin/provider-kinds', () => {
  it('lists every kind of the list, in its order, with the form to ask', async () => {
    const res = await gw.admin('/admin/provider-kinds');
    expect(res.status).toBe(200);
    const views = (await res.json()) as ProviderKindView[];
    expect(views.map((v) => v.kind)).toEqual(providerKinds.map((k) => k.kind));
    const groq = views.find((v) => v.kind === 'groq');
    expect(groq).toEqual({
      kind: 'groq',
      label: 'Groq',
      locality: 'cloud',
      defaultBaseUrl: 'https://api.groq.com/openai/v1',
      fields: ['apiKey', 'baseUrl'],
      required: ['apiKey'],
      placeholders: { baseUrl: 'https://api.groq.com/openai/v1', models: 'llama-3.1-8b-instant', apiKey: 'gsk_…' },
    });
  });

  it('a provider of every kind, filled in as its form asks, is saved and built', async () => {
    const views = (await (await gw.admin('/admin/provider-kinds')).json()) as ProviderKindView[];
    for (const view of views) {
      const id = `k-${view.kind}`;
      const input = { id, kind: view.kind, models: ['m1'], ...Object.fromEntries(view.fields.map((f) => [f, typed[f]])) };
      const res = await gw.admin('/admin/providers', { method: 'POST', body: JSON.stringify(input) });
      expect(res.status, `${view.kind}: ${await res.clone().text()}`).toBe(201);
      const saved = (await res.json()) as ProviderView;
      expect(saved.kind).toBe(view.kind);
      expect(saved.locality, view.kind).toBe(view.fields.includes('local') ? 'local' : view.locality);
      // Built: Test connection reaches the instance (a provider that could not be built is a 404 here).
      const test = await gw.admin(`/admin/providers/${id}/test`, { method: 'POST' });
      expect(test.status, `${view.kind} was not built`).toBe(200);
    }
  });

  it('an unknown kind is a 400 naming the field', async () => {
    const res = await gw.admin('/admin/providers', { method: 'POST', body: JSON.stringify({ id: 'sky', kind: 'skynet' }) });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('kind');
  });
});
