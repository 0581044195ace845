import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProviderRequest } from '../../main/core/types.js';
import { createProvider } from '../../main/providers/factories.js';
import { settingsSchema, type SettingsInput } from '../../main/settings/schema.js';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/openai.js';

// azure-openai and gemini are the OpenAI chat wire with other URLs and auth: built through the factories
// (as the registry builds them) and checked by what the fake OpenAI upstream received.

let fake: FakeOpenAI;
beforeAll(async () => {
  fake = await startFakeOpenAI();
});
afterAll(() => fake.close());

const ctx = () => ({ signal: new AbortController().signal, requestId: 'r' });
const req = (upstreamModel: string, stream = false): ProviderRequest => ({ model: upstreamModel, upstreamModel, messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }], stream });
const build = (p: NonNullable<SettingsInput['providers']>[number]) => {
  const settings = settingsSchema.parse({ providers: [p] });
  return createProvider(settings.providers[0], settings);
};
const origin = () => fake.url.replace(/\/v1$/, '');

describe('azure-openai', () => {
  it('posts to the deployment URL with api-version and the api-key header', async () => {
    const azure = build({ id: 'az', kind: 'azure-openai', baseUrl: origin(), apiKey: 'azure-secret-key-1', deployment: 'gpt4o-prod', apiVersion: '2024-06-01' });
    fake.reply({ text: 'from azure' });
    const res = await azure.chat(req('gpt-4o'), ctx());
    const sent = fake.requests.at(-1)!;
    expect(sent.path).toBe('/openai/deployments/gpt4o-prod/chat/completions');
    expect(sent.headers['api-key']).toBe('azure-secret-key-1');
    expect(sent.headers.authorization).toBeUndefined();
    expect(res.text).toBe('from azure');
    const chunks: string[] = [];
    for await (const e of azure.stream(req('gpt-4o', true), ctx())) if (e.type === 'text-delta') chunks.push(e.delta);
    expect(chunks.join('')).toBe('from azure');
    expect(await azure.listModels(ctx())).toEqual([{ id: 'gpt4o-prod' }]);
    await azure.close?.();
  });

  it('accepts Lynkr\'s full deployment URL as the endpoint (deployment and api-version taken from it)', async () => {
    const azure = build({ id: 'az2', kind: 'azure-openai', baseUrl: `${origin()}/openai/deployments/dep-x/chat/completions?api-version=2025-01-01-preview`, apiKey: 'k-azure-xxxxxxxx' });
    await azure.chat(req('anything'), ctx());
    expect(fake.requests.at(-1)!.path).toBe('/openai/deployments/dep-x/chat/completions');
    await azure.close?.();
  });
});

describe('gemini', () => {
  it('uses the OpenAI-compatible endpoint with the key as bearer', async () => {
    const gemini = build({ id: 'gem', kind: 'gemini', baseUrl: fake.url, apiKey: 'AIzaFakeGoogleKey123' });
    fake.reply({ toolCalls: [{ name: 'f', arguments: { a: 1 } }] });
    const res = await gemini.chat({ ...req('gemini-2.5-flash'), tools: [{ name: 'f', parameters: { type: 'object' } }] }, ctx());
    const sent = fake.requests.at(-1)!;
    expect(sent.path).toBe('/v1/chat/completions');
    expect(sent.headers.authorization).toBe('Bearer AIzaFakeGoogleKey123');
    expect((sent.body as { model: string }).model).toBe('gemini-2.5-flash');
    expect(res.toolCalls[0]).toMatchObject({ name: 'f', arguments: '{"a":1}' });
    expect(gemini.locality).toBe('cloud');
    await gemini.close?.();
  });
});
