// The reasoning effort a client asks for reaches whatever model serves it, whatever the two formats (issue 20's
// providerOptions keep it under the client's format: `openai.reasoning_effort`, `anthropic.output_config.effort`).
// Through a real gateway, against the fakes: what each upstream received, and what `x-lynkr-dropped` names when the
// effort has no equivalent there (core/provider-options.ts carryEffort, and each kind's fit).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeAnthropic, type FakeAnthropic } from '../fakes/anthropic.js';
import { startFakeOllama, type FakeOllama } from '../fakes/ollama.js';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/openai.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

type Json = Record<string, unknown>;
let openai: FakeOpenAI;
let anthropic: FakeAnthropic;
let ollama: FakeOllama;
let gw: TestGateway;

beforeAll(async () => {
  openai = await startFakeOpenAI({ models: ['gpt-5-mini', 'gpt-4o-mini'] });
  anthropic = await startFakeAnthropic();
  ollama = await startFakeOllama({ strictModels: true, models: ['qwen3:8b', 'gpt-oss:20b', 'qwen2.5-coder:7b'] });
  gw = await startTestGateway({
    providers: [
      { id: 'openai', kind: 'openai', baseUrl: openai.url, apiKey: 'sk-test-0123456789abcdef', models: ['gpt-5-mini', 'gpt-4o-mini'] },
      { id: 'claude', kind: 'anthropic', baseUrl: anthropic.url, apiKey: 'sk-ant-test-0123456789', models: ['claude-sonnet-4-6', 'claude-opus-4-7', 'claude-haiku-4-5'] },
      { id: 'ollama', kind: 'ollama', baseUrl: ollama.url },
    ],
    fallback: { enabled: false, retries: 0 },
    cache: { exact: { enabled: false }, semantic: { enabled: false } },
  });
});
afterAll(async () => {
  await gw?.close();
  await Promise.all([openai?.close(), anthropic?.close(), ollama?.close()]);
});

interface Answer {
  dropped: string | null;
  /** The body the upstream of `target` received for this request. */
  sent: Json;
}

async function post(path: string, body: Json): Promise<Answer> {
  const target = String(body.model).split('/')[0];
  const res = await fetch(`${gw.baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.status, await res.clone().text()).toBe(200);
  await res.arrayBuffer();
  const requests = target === 'openai' ? openai.requests : target === 'claude' ? anthropic.requests : ollama.requests.filter((r) => r.path === '/api/chat');
  return { dropped: res.headers.get('x-lynkr-dropped'), sent: requests.at(-1)?.body as Json };
}

const fromClaudeCode = (model: string, effort: string, extra: Json = {}) =>
  post('/v1/messages', { model, max_tokens: 1024, messages: [{ role: 'user', content: 'Say hi' }], output_config: { effort }, ...extra });
const fromChat = (model: string, effort: string, extra: Json = {}) =>
  post('/v1/chat/completions', { model, messages: [{ role: 'user', content: 'Say hi' }], reasoning_effort: effort, ...extra });
const fromCodex = (model: string, effort: string) => post('/v1/responses', { model, input: 'Say hi', reasoning: { effort, summary: 'auto' } });

describe('Anthropic output_config.effort', () => {
  it('reaches an OpenAI reasoning model as reasoning_effort; xhigh and max as high, which reasoning models share', async () => {
    for (const [effort, sent] of [['low', 'low'], ['medium', 'medium'], ['high', 'high'], ['xhigh', 'high'], ['max', 'high']]) {
      const r = await fromClaudeCode('openai/gpt-5-mini', effort);
      expect(r.sent.reasoning_effort, effort).toBe(sent);
      expect(r.dropped, effort).toBeNull();
    }
  });

  it('is named, not sent, where the OpenAI model refuses reasoning_effort (gpt-4o-mini); another member of output_config is named on its own', async () => {
    const r = await fromClaudeCode('openai/gpt-4o-mini', 'medium', { output_config: { effort: 'medium', task_budget: { type: 'tokens', total: 9000 } } });
    expect(r.sent).not.toHaveProperty('reasoning_effort');
    expect(r.sent).not.toHaveProperty('output_config');
    expect(r.dropped?.split(', ').sort()).toEqual(['anthropic.output_config.effort', 'anthropic.output_config.task_budget']);
  });

  it('reaches Ollama as think: true for a thinking model, the nearest level for gpt-oss, and is dropped as think where the model does not think', async () => {
    const qwen = await fromClaudeCode('ollama/qwen3:8b', 'low');
    expect([qwen.sent.think, qwen.dropped]).toEqual([true, null]);
    for (const [effort, level] of [['low', 'low'], ['medium', 'medium'], ['xhigh', 'high'], ['max', 'high']]) {
      expect((await fromClaudeCode('ollama/gpt-oss:20b', effort)).sent.think, effort).toBe(level);
    }
    const coder = await fromClaudeCode('ollama/qwen2.5-coder:7b', 'high');
    expect(coder.sent).not.toHaveProperty('think');
    expect(coder.dropped).toBe('think');
  });

  it('reaches an Anthropic target as the client sent it (pass-through)', async () => {
    const r = await fromClaudeCode('claude/claude-sonnet-4-6', 'max');
    expect(r.sent.output_config).toEqual({ effort: 'max' });
  });
});

describe('OpenAI reasoning_effort (chat) and reasoning.effort (Responses)', () => {
  it('reach an Anthropic model as output_config.effort, next to a structured-output format', async () => {
    const chat = await fromChat('claude/claude-sonnet-4-6', 'medium');
    expect([chat.sent.output_config, chat.dropped]).toEqual([{ effort: 'medium' }, null]);
    expect(chat.sent).not.toHaveProperty('reasoning_effort');
    const schema = { type: 'object', properties: { a: { type: 'string' } } };
    const json = await fromChat('claude/claude-sonnet-4-6', 'high', { response_format: { type: 'json_schema', json_schema: { name: 'a', schema } } });
    expect(json.sent.output_config).toEqual({ format: { type: 'json_schema', schema }, effort: 'high' });
    const codex = await fromCodex('claude/claude-opus-4-7', 'low');
    expect([codex.sent.output_config, codex.dropped]).toEqual([{ effort: 'low' }, null]);
  });

  it('take the nearest level the Claude model has: minimal is low; xhigh is high on Sonnet 4.6 and xhigh on Opus 4.7', async () => {
    expect((await fromChat('claude/claude-sonnet-4-6', 'minimal')).sent.output_config).toEqual({ effort: 'low' });
    expect((await fromCodex('claude/claude-sonnet-4-6', 'xhigh')).sent.output_config).toEqual({ effort: 'high' });
    expect((await fromCodex('claude/claude-opus-4-7', 'xhigh')).sent.output_config).toEqual({ effort: 'xhigh' });
  });

  it('still reach Ollama as think', async () => {
    expect((await fromCodex('ollama/gpt-oss:20b', 'minimal')).sent.think).toBe('low');
    expect((await fromChat('ollama/qwen3:8b', 'none')).sent.think).toBe(false);
  });
});

describe('an effort with no equivalent at the target is named in x-lynkr-dropped and not sent', () => {
  it('none (no reasoning) to Claude, which has no such level', async () => {
    const r = await fromChat('claude/claude-sonnet-4-6', 'none');
    expect(r.sent).not.toHaveProperty('output_config');
    expect(r.dropped).toBe('openai.reasoning_effort');
  });

  it('any effort to a Claude model that refuses the effort parameter (Haiku 4.5)', async () => {
    const r = await fromCodex('claude/claude-haiku-4-5', 'high');
    expect(r.sent).not.toHaveProperty('output_config');
    expect(r.dropped).toBe('openai.reasoning_effort');
  });

  it('a value neither API names, to another format (Ollama, Claude)', async () => {
    const local = await fromChat('ollama/qwen3:8b', 'turbo');
    expect(local.sent).not.toHaveProperty('think');
    expect(local.dropped).toBe('openai.reasoning_effort');
    const claude = await fromChat('claude/claude-sonnet-4-6', 'turbo');
    expect(claude.sent).not.toHaveProperty('output_config');
    expect(claude.dropped).toBe('openai.reasoning_effort');
  });
});
