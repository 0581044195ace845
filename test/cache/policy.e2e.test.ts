// Issue 22, "a cache that never serves a wrong answer", end to end: the openai and @anthropic-ai/sdk clients against
// a real gateway in front of a local-style and a cloud-style fake. The upstreams' request counts prove what reached them.
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/openai.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

let local: FakeOpenAI;
let cloud: FakeOpenAI;
let gw: TestGateway;
let openai: OpenAI;
let anthropic: Anthropic;
let answers = 0;

const calls = (): number => local.count('/chat/completions') + cloud.count('/chat/completions');

beforeAll(async () => {
  local = await startFakeOpenAI({ models: ['llama3.2'] });
  cloud = await startFakeOpenAI({ models: ['gpt-4o-mini'] });
  local.reply(() => ({ text: `Local answer ${++answers}.` }));
  cloud.reply(() => ({ text: `Cloud answer ${++answers}.` }));
  gw = await startTestGateway({
    providers: [
      { id: 'lms', kind: 'lmstudio', baseUrl: local.url, models: ['llama3.2'] },
      { id: 'openai', kind: 'openai', baseUrl: cloud.url, apiKey: 'sk-test-0123456789abcdef', models: ['gpt-4o-mini'] },
    ],
    aliases: { chat: { targets: ['lms/llama3.2', 'openai/gpt-4o-mini'] } },
    defaultModel: 'chat',
  });
  openai = new OpenAI({ baseURL: `${gw.baseUrl}/v1`, apiKey: 'unused', maxRetries: 0 });
  anthropic = new Anthropic({ baseURL: gw.baseUrl, apiKey: 'unused', maxRetries: 0 });
});

afterAll(async () => {
  await gw?.close();
  await local?.close();
  await cloud?.close();
});

beforeEach(async () => {
  await gw.admin('/admin/mode', { method: 'PUT', body: JSON.stringify({ mode: 'auto' }) });
  gw.gateway.settings.update((s) => {
    s.cache.exact.policy = 'deterministic';
  });
});

type ChatBody = OpenAI.Chat.ChatCompletionCreateParamsNonStreaming;
const ask = async (extra: Partial<ChatBody> & Record<string, unknown> = {}, content = 'What is a monad?') => {
  const r = await openai.chat.completions.create({ model: 'chat', messages: [{ role: 'user', content }], ...extra } as ChatBody).withResponse();
  return { cache: r.response.headers.get('x-lynkr-cache'), text: r.data.choices[0].message.content };
};

describe('exact cache policy "deterministic" (the default)', () => {
  it("LibreChat's Regenerate (the same conversation, sampled) reaches the upstream every time, streaming or not", async () => {
    const before = calls();
    const first = await ask({ temperature: 0.9 }, 'Tell me a story.');
    const again = await ask({ temperature: 0.9 }, 'Tell me a story.');
    expect([first.cache, again.cache]).toEqual(['bypass:nondeterministic', 'bypass:nondeterministic']);
    expect(again.text).not.toBe(first.text);
    const stream = async () => {
      const s = await openai.chat.completions.create({ model: 'chat', stream: true, messages: [{ role: 'user', content: 'Tell me a story.' }] }).withResponse();
      let text = '';
      for await (const c of s.data) text += c.choices[0]?.delta?.content ?? '';
      return text;
    };
    expect(await stream()).not.toBe(await stream());
    expect(calls()).toBe(before + 4);
  });

  it('answers repeats of a request at temperature 0 or with a seed', async () => {
    const before = calls();
    const a = await ask({ temperature: 0 }, 'What is 2+2?');
    const b = await ask({ temperature: 0 }, 'What is 2+2?');
    expect([a.cache, b.cache]).toEqual(['miss', 'hit-exact']);
    expect(b.text).toBe(a.text);
    const c = await ask({ seed: 7, temperature: 0.7 }, 'What is 2+2?');
    const d = await ask({ seed: 7, temperature: 0.7 }, 'What is 2+2?');
    expect([c.cache, d.cache]).toEqual(['miss', 'hit-exact']);
    expect(calls()).toBe(before + 2);
  });

  it('never answers a request that carries tool results (an agent rerun gets new calls, not old call ids)', async () => {
    const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [
      { role: 'user', content: 'List the files.' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'ls', arguments: '{}' } }] },
      { role: 'tool', tool_call_id: 'call_1', content: 'a.txt b.txt' },
    ];
    const before = calls();
    for (let i = 0; i < 2; i++) {
      const r = await openai.chat.completions.create({ model: 'chat', temperature: 0, messages }).withResponse();
      expect(r.response.headers.get('x-lynkr-cache')).toBe('bypass:tool-results');
    }
    expect(calls()).toBe(before + 2);
  });

  it('requests that differ only in a passed-through or provider-specific field never share an entry', async () => {
    const before = calls();
    const variants: Array<Record<string, unknown>> = [
      { temperature: 0 },
      { temperature: 0, reasoning_effort: 'high' },
      { temperature: 0, reasoning_effort: 'low' },
      { temperature: 0, logit_bias: { '50256': -100 } },
      { temperature: 0, top_k: 5 },
      { temperature: 0, presence_penalty: 1 },
    ];
    for (const v of variants) expect((await ask(v, 'Name a colour.')).cache).toBe('miss');
    for (const v of variants) expect((await ask(v, 'Name a colour.')).cache).toBe('hit-exact');
    expect(calls()).toBe(before + variants.length);
  });

  it('Anthropic requests that differ only in thinking never share an entry', async () => {
    const send = async (thinking?: Anthropic.ThinkingConfigParam) => {
      // This SDK's types no longer list `temperature`; the API and the gateway still take it.
      const body = { model: 'chat', max_tokens: 4000, temperature: 0, messages: [{ role: 'user', content: 'Why is the sky blue?' }], ...(thinking ? { thinking } : {}) };
      const r = await anthropic.messages.create(body as Anthropic.MessageCreateParamsNonStreaming).withResponse();
      return r.response.headers.get('x-lynkr-cache');
    };
    expect(await send()).toBe('miss');
    expect(await send({ type: 'enabled', budget_tokens: 2048 })).toBe('miss');
    expect(await send({ type: 'enabled', budget_tokens: 2048 })).toBe('hit-exact');
    expect(await send()).toBe('hit-exact');
  });

  it('after switching to Cloud, a question asked in Local mode is answered by the cloud, not from the local answer', async () => {
    expect((await gw.admin('/admin/mode', { method: 'PUT', body: JSON.stringify({ mode: 'local' }) })).status).toBe(200);
    const inLocal = await ask({ temperature: 0 }, 'What is a functor?');
    expect(inLocal.text).toMatch(/^Local answer/);
    expect((await gw.admin('/admin/mode', { method: 'PUT', body: JSON.stringify({ mode: 'cloud' }) })).status).toBe(200);
    const inCloud = await ask({ temperature: 0 }, 'What is a functor?');
    expect(inCloud.cache).toBe('miss');
    expect(inCloud.text).toMatch(/^Cloud answer/);
  });
});

describe('the other policies', () => {
  it('"always" answers sampled repeats too; "off" never looks', async () => {
    gw.gateway.settings.update((s) => {
      s.cache.exact.policy = 'always';
    });
    const a = await ask({ temperature: 1 }, 'Pick a number.');
    expect((await ask({ temperature: 1 }, 'Pick a number.')).text).toBe(a.text);
    gw.gateway.settings.update((s) => {
      s.cache.exact.policy = 'off';
    });
    expect((await ask({ temperature: 0 }, 'Pick a number.')).cache).toBe('bypass:policy-off');
  });

  it('PROMPT_CACHE_POLICY sets it from the environment, and a bad value is refused', async () => {
    const g = await startTestGateway({}, { env: { PROMPT_CACHE_POLICY: 'always' } });
    try {
      expect(g.gateway.settings.get().cache.exact.policy).toBe('always');
    } finally {
      await g.close();
    }
    await expect(startTestGateway({}, { env: { PROMPT_CACHE_POLICY: 'sometimes' } })).rejects.toThrow(/PROMPT_CACHE_POLICY|policy/);
  });
});

describe('only whole answers are stored', () => {
  it('a non-streamed Ollama answer that ended with done: false is reported as cut and never served again', async () => {
    const { startFakeOllama } = await import('../fakes/ollama.js');
    const ollama = await startFakeOllama({ models: ['llama3.2:latest'] });
    const g = await startTestGateway({ providers: [{ id: 'ollama', kind: 'ollama', baseUrl: ollama.url }], defaultModel: 'ollama/llama3.2:latest' });
    try {
      const cut = { model: 'llama3.2:latest', created_at: new Date().toISOString(), message: { role: 'assistant', content: 'The answer is' }, done: false };
      ollama.setFault({ status: 200, body: cut }, { times: 2, path: '/api/chat' });
      const client = new OpenAI({ baseURL: `${g.baseUrl}/v1`, apiKey: 'unused', maxRetries: 0 });
      for (const expected of ['miss', 'miss']) {
        const r = await client.chat.completions.create({ model: 'ollama/llama3.2:latest', temperature: 0, messages: [{ role: 'user', content: 'Finish this.' }] }).withResponse();
        expect(r.response.headers.get('x-lynkr-cache')).toBe(expected);
        expect(r.data.choices[0].finish_reason).toBe('length');
      }
      expect(ollama.count('/api/chat')).toBe(2);
    } finally {
      await g.close();
      await ollama.close();
    }
  });
});
