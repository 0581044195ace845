// Which wins when a name is both served by a provider and matched by the model map: a served model is that model,
// unless the user's own map entry says otherwise; the built-in entries catch only names nobody serves.
import { describe, expect, it } from 'vitest';
import { resolveModel } from '../../main/routing/resolve.js';
import { withDefaults } from '../../main/settings/defaults.js';
import { settingsSchema, type SettingsInput } from '../../main/settings/schema.js';

const settings = (input: SettingsInput = {}) =>
  settingsSchema.parse(
    withDefaults({
      providers: [{ id: 'openai', kind: 'openai', apiKey: 'sk-test-0123456789abcdef', models: ['gpt-4o-mini', 'gpt-4o'] }],
      ...input,
    }),
  );
const none = new Map<string, readonly string[]>();

describe('model name precedence', () => {
  it('a bare model a provider serves is that model, not the alias a built-in map entry names', () => {
    expect(resolveModel('gpt-4o-mini', settings(), none)).toMatchObject({ labels: ['openai/gpt-4o-mini'] });
    expect(resolveModel('gpt-4o-mini', settings(), none).mappedFrom).toBeUndefined();
  });

  it('a hard-coded name nobody serves still goes through the built-in map', () => {
    const r = resolveModel('gpt-4.1', settings(), none);
    expect(r.alias?.name).toBe('chat-quality');
    expect(r.mappedFrom).toBe('gpt-4.1');
  });

  it("the user's own map entry wins over a served model", () => {
    const r = resolveModel('gpt-4o-mini', settings({ modelMap: [{ pattern: 'gpt-4o-mini', alias: 'chat-fast' }] }), none);
    expect(r.alias?.name).toBe('chat-fast');
    expect(r.mappedFrom).toBe('gpt-4o-mini');
  });
});
