import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProviderRegistry } from '../../main/providers/registry.js';
import { settingsSchema, type Settings, type SettingsInput } from '../../main/settings/schema.js';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/openai.js';
import { ctx } from './helpers.js';

describe('provider registry', () => {
  let fake: FakeOpenAI;
  beforeAll(async () => {
    fake = await startFakeOpenAI();
  });
  afterAll(() => fake.close());

  it('builds enabled providers, reports unbuildable ones, and rebuilds only what changed', async () => {
    const parse = (i: SettingsInput): Settings => settingsSchema.parse(i);
    let current = parse({
      providers: [
        { id: 'ollama', kind: 'ollama' },
        { id: 'lan', kind: 'openai-compatible', baseUrl: fake.url },
        { id: 'off', kind: 'openai', enabled: false },
        { id: 'nourl', kind: 'openai-compatible' },
      ],
    });
    const listeners: Array<(n: Settings, p: Settings) => void> = [];
    const problems: string[] = [];
    const reg = createProviderRegistry(
      () => current,
      (l) => {
        listeners.push(l);
        return () => {};
      },
      (p) => problems.push(p.id),
    );
    expect(reg.all().map((p) => [p.id, p.kind, p.locality])).toEqual([
      ['ollama', 'ollama', 'local'],
      ['lan', 'openai-compatible', 'cloud'],
    ]);
    expect(reg.problems()).toEqual([{ id: 'nourl', message: expect.stringContaining('needs a baseUrl') }]);
    expect(problems).toEqual(['nourl']);
    const ollama = reg.get('ollama');
    const lan = reg.get('lan');
    await lan?.listModels(ctx()); // a warm connection that must survive unrelated changes

    const prev = current;
    current = parse({
      providers: [
        { id: 'ollama', kind: 'ollama' },
        { id: 'lan', kind: 'openai-compatible', baseUrl: fake.url, local: true },
        { id: 'off', kind: 'openai', enabled: true, apiKey: 'sk-x' },
      ],
    });
    for (const l of listeners) l(current, prev);
    expect(reg.get('ollama')).toBe(ollama);
    expect(reg.get('lan')).not.toBe(lan);
    expect(reg.get('lan')?.locality).toBe('local');
    expect(reg.get('off')?.endpoint).toBe('https://api.openai.com/v1');
    expect(reg.problems()).toEqual([]);
    // The replaced instance's pool is closed: it no longer sends.
    await expect(lan?.listModels(ctx())).rejects.toThrow();
    expect((await reg.get('lan')!.listModels(ctx())).length).toBeGreaterThan(0);
    await reg.close();
    expect(reg.all()).toEqual([]);
  });
});
