// Issue 5 end to end: the openai and @anthropic-ai/sdk clients against a real gateway and a fake OpenAI upstream.
// The upstream's request count proves what a hit did not forward.
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CacheStats } from '../../main/admin/contract.js';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/openai.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { tempDir } from './fixtures.js';

let up: FakeOpenAI;
let gw: TestGateway;
let openai: OpenAI;
let anthropic: Anthropic;
const chats = (): number => up.count('/chat/completions');

beforeAll(async () => {
  up = await startFakeOpenAI({ models: ['gpt-4o-mini'] });
  let n = 0;
  up.reply(() => ({ text: `Answer number ${++n} from upstream.`, usage: { prompt_tokens: 20, completion_tokens: 7 } }));
  gw = await startTestGateway({
    providers: [{ id: 'openai', kind: 'openai', baseUrl: up.url, apiKey: 'sk-test-0123456789abcdef', models: ['gpt-4o-mini'] }],
    aliases: { chat: { targets: ['openai/gpt-4o-mini'] }, other: { targets: ['openai/gpt-4o-mini'] } },
    defaultModel: 'chat',
    // The cache's mechanics, not its policy (test/cache/policy.e2e.test.ts): the exact cache answers every request.
    cache: { exact: { policy: 'always' }, semantic: { enabled: true, threshold: 0.8 } },
  });
  openai = new OpenAI({ baseURL: `${gw.baseUrl}/v1`, apiKey: 'unused', maxRetries: 0 });
  // The builtin embedder loads its word vectors in the background (tens of ms); until then requests bypass, never
  // wait (cache.test.ts pins that down with an embedder that loads on command).
  const warm = async () => (await ask(`warm-up ${Date.now()}`)).response.headers.get('x-lynkr-cache');
  expect(['bypass:embedder-loading', 'miss']).toContain(await warm());
  for (let i = 0; i < 100 && (await warm()) === 'bypass:embedder-loading'; i++) await new Promise((r) => setTimeout(r, 50));
  anthropic = new Anthropic({ baseURL: gw.baseUrl, apiKey: 'unused', maxRetries: 0 });
});

afterAll(async () => {
  await gw?.close();
  await up?.close();
});

const ask = (content: string, extra: Partial<OpenAI.ChatCompletionCreateParamsNonStreaming> = {}) =>
  openai.chat.completions.create({ model: 'chat', messages: [{ role: 'user', content }], ...extra }).withResponse();

async function askStream(content: string) {
  const { data: stream, response } = await openai.chat.completions
    .create({ model: 'chat', messages: [{ role: 'user', content }], stream: true, stream_options: { include_usage: true } })
    .withResponse();
  let text = '';
  let usage: OpenAI.CompletionUsage | undefined | null;
  let finish: string | null = null;
  for await (const chunk of stream) {
    text += chunk.choices[0]?.delta?.content ?? '';
    finish = chunk.choices[0]?.finish_reason ?? finish;
    usage = chunk.usage ?? usage;
  }
  return { text, usage, finish, headers: response.headers };
}

describe('exact cache through the openai SDK', () => {
  it('a repeated request is answered from the cache without reaching the upstream, streaming or not', async () => {
    const first = await ask('Explain what a mutex is.');
    expect(first.response.headers.get('x-lynkr-cache')).toBe('miss');
    const before = chats();
    const again = await ask('Explain what a mutex is.');
    expect(again.response.headers.get('x-lynkr-cache')).toBe('hit-exact');
    expect(again.data.choices[0].message.content).toBe(first.data.choices[0].message.content);
    expect(again.data.usage).toMatchObject({ prompt_tokens: 20, completion_tokens: 7 });
    const streamed = await askStream('Explain what a mutex is.');
    expect(streamed.headers.get('x-lynkr-cache')).toBe('hit-exact');
    expect(streamed.text).toBe(first.data.choices[0].message.content);
    expect(streamed.finish).toBe('stop');
    expect(streamed.usage).toMatchObject({ prompt_tokens: 20, completion_tokens: 7 });
    expect(chats()).toBe(before);
  });

  it('a streamed miss is stored and later replayed', async () => {
    const live = await askStream('What does the volatile keyword mean in C?');
    expect(live.headers.get('x-lynkr-cache')).toBe('miss');
    const before = chats();
    const replay = await ask('What does the volatile keyword mean in C?');
    expect(replay.response.headers.get('x-lynkr-cache')).toBe('hit-exact');
    expect(replay.data.choices[0].message.content).toBe(live.text);
    expect(chats()).toBe(before);
  });

  it('honours Cache-Control: no-cache and no-store', async () => {
    await ask('What is a semaphore?');
    const before = chats();
    const noCache = await openai.chat.completions
      .create({ model: 'chat', messages: [{ role: 'user', content: 'What is a semaphore?' }] }, { headers: { 'cache-control': 'no-cache' } })
      .withResponse();
    expect(noCache.response.headers.get('x-lynkr-cache')).toBe('bypass:no-cache');
    expect(chats()).toBe(before + 1);
    await openai.chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'Define a spinlock.' }] }, { headers: { 'cache-control': 'no-store' } });
    expect((await ask('Define a spinlock.')).response.headers.get('x-lynkr-cache')).toBe('miss');
  });
});

describe('semantic cache through the openai SDK', () => {
  it('a paraphrase hits (streaming and not) with its similarity; a near miss and another context do not', async () => {
    const first = await ask('How do I reverse a list in Python?');
    const answer = first.data.choices[0].message.content;
    const before = chats();
    const para = await ask('How can I reverse a Python list?');
    expect(para.response.headers.get('x-lynkr-cache')).toBe('hit-semantic');
    expect(Number(para.response.headers.get('x-lynkr-cache-similarity'))).toBeGreaterThanOrEqual(0.8);
    expect(para.data.choices[0].message.content).toBe(answer);
    const paraStream = await askStream('how do i reverse a python list');
    expect(paraStream.headers.get('x-lynkr-cache')).toBe('hit-semantic');
    expect(paraStream.text).toBe(answer);
    expect(chats()).toBe(before);

    const nearMiss = await ask('How do I reverse a list in JavaScript?');
    expect(nearMiss.response.headers.get('x-lynkr-cache')).toBe('miss');
    const otherAlias = await openai.chat.completions.create({ model: 'other', messages: [{ role: 'user', content: 'How can I reverse a Python list?' }] }).withResponse();
    expect(otherAlias.response.headers.get('x-lynkr-cache')).toBe('miss');
    const otherConversation = await openai.chat.completions
      .create({
        model: 'chat',
        messages: [
          { role: 'user', content: 'I am writing Haskell.' },
          { role: 'assistant', content: 'Great.' },
          { role: 'user', content: 'How can I reverse a Python list?' },
        ],
      })
      .withResponse();
    expect(otherConversation.response.headers.get('x-lynkr-cache')).toBe('miss');
    expect(chats()).toBe(before + 3);
  });

  it('says why it skipped: time-sensitive prompt, temperature, tool results', async () => {
    expect((await ask('What is the latest version of TypeScript?')).response.headers.get('x-lynkr-cache')).toBe('bypass:time-sensitive');
    expect((await ask('Name a sorting algorithm.', { temperature: 1.5 })).response.headers.get('x-lynkr-cache')).toBe('bypass:temperature');
    const tools = await openai.chat.completions
      .create({
        model: 'chat',
        messages: [
          { role: 'user', content: 'Weather in Paris?' },
          { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } }] },
          { role: 'tool', tool_call_id: 'c1', content: 'sunny' },
          { role: 'user', content: 'Should I take an umbrella?' },
        ],
      })
      .withResponse();
    expect(tools.response.headers.get('x-lynkr-cache')).toBe('bypass:tool-results');
  });
});

describe('through the @anthropic-ai/sdk client', () => {
  it('exact hits, streaming and not, without reaching the upstream', async () => {
    const params = { model: 'chat', max_tokens: 100, messages: [{ role: 'user' as const, content: 'What is a B-tree?' }] };
    const first = await anthropic.messages.create(params).withResponse();
    expect(first.response.headers.get('x-lynkr-cache')).toBe('miss');
    const text = (first.data.content[0] as { text: string }).text;
    const before = chats();
    const again = await anthropic.messages.create(params).withResponse();
    expect(again.response.headers.get('x-lynkr-cache')).toBe('hit-exact');
    expect((again.data.content[0] as { text: string }).text).toBe(text);
    const stream = anthropic.messages.stream(params);
    const final = await stream.finalMessage();
    expect((final.content[0] as { text: string }).text).toBe(text);
    expect(final.stop_reason).toBe('end_turn');
    const para = await anthropic.messages.create({ ...params, messages: [{ role: 'user', content: 'what is a b-tree' }] }).withResponse();
    expect(para.response.headers.get('x-lynkr-cache')).toBe('hit-semantic');
    expect(chats()).toBe(before);
  });
});

describe('admin API and readiness', () => {
  it('reports stats, validates and sets the threshold, clears by alias and all', async () => {
    const stats = (await (await gw.admin('/admin/cache/stats')).json()) as CacheStats;
    expect(stats).toMatchObject({ embedder: expect.stringMatching(/^builtin-/), threshold: 0.8, embedderFailures: 0 });
    expect(stats.hits.exact).toBeGreaterThanOrEqual(4);
    expect(stats.hits.semantic).toBeGreaterThanOrEqual(3);
    expect(stats.tokensSaved).toBeGreaterThan(0);
    expect(stats.costSavedUsd).toBeGreaterThan(0);

    for (const bad of [{ threshold: 2 }, { threshold: 'high' }, {}]) {
      expect((await gw.admin('/admin/cache/threshold', { method: 'PUT', body: JSON.stringify(bad) })).status).toBe(400);
    }
    const put = await gw.admin('/admin/cache/threshold', { method: 'PUT', body: JSON.stringify({ threshold: 0.9 }) });
    expect((await put.json()) as unknown).toEqual({ threshold: 0.9 });
    expect(((await (await gw.admin('/admin/cache/stats')).json()) as CacheStats).threshold).toBe(0.9);

    expect((await gw.admin('/admin/cache/clear', { method: 'POST', body: JSON.stringify({ alias: 42 }) })).status).toBe(400);
    const other = await gw.admin('/admin/cache/clear', { method: 'POST', body: JSON.stringify({ alias: 'other' }) });
    expect(((await other.json()) as { removed: number }).removed).toBe(2);
    const all = (await (await gw.admin('/admin/cache/clear', { method: 'POST', body: '{}' })).json()) as { removed: number };
    expect(all.removed).toBeGreaterThan(0);
    expect((await ask('Explain what a mutex is.')).response.headers.get('x-lynkr-cache')).toBe('miss');
  });

  it('/health/ready shows the cache state', async () => {
    const ready = (await (await fetch(`${gw.baseUrl}/health/ready`)).json()) as { cache: unknown };
    expect(ready.cache).toEqual({ exact: true, semantic: true, embedder: 'ready' });
  });
});

describe('a failing embedder', () => {
  it('bypasses with embedder-error, counts it and keeps the exact cache working', async () => {
    const g = await startTestGateway({
      providers: [{ id: 'openai', kind: 'openai', baseUrl: up.url, apiKey: 'sk-test-0123456789abcdef', models: ['gpt-4o-mini'] }],
      aliases: { chat: { targets: ['openai/gpt-4o-mini'] } },
      defaultModel: 'chat',
      // No Ollama provider is configured: every embed call fails.
      cache: { exact: { policy: 'always' }, semantic: { enabled: true, embedder: 'ollama' } },
    });
    try {
      const client = new OpenAI({ baseURL: `${g.baseUrl}/v1`, apiKey: 'unused', maxRetries: 0 });
      const r1 = await client.chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'What is Rust?' }] }).withResponse();
      expect(r1.response.headers.get('x-lynkr-cache')).toBe('bypass:embedder-error');
      const r2 = await client.chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'What is Rust?' }] }).withResponse();
      expect(r2.response.headers.get('x-lynkr-cache')).toBe('hit-exact');
      const stats = (await (await g.admin('/admin/cache/stats')).json()) as CacheStats;
      expect(stats.embedderFailures).toBe(1);
      expect(g.logs()).toContain('embedder failed');
    } finally {
      await g.close();
    }
  });
});

describe('per-user scope and LRU eviction through the gateway', () => {
  it('scope "user" keeps users apart; maxEntries evicts the least recently used', async () => {
    const g = await startTestGateway({
      providers: [{ id: 'openai', kind: 'openai', baseUrl: up.url, apiKey: 'sk-test-0123456789abcdef', models: ['gpt-4o-mini'] }],
      aliases: { chat: { targets: ['openai/gpt-4o-mini'] } },
      defaultModel: 'chat',
      cache: { scope: 'user', maxEntries: 3, exact: { policy: 'always' }, semantic: { enabled: false } },
    });
    try {
      const client = new OpenAI({ baseURL: `${g.baseUrl}/v1`, apiKey: 'unused', maxRetries: 0 });
      const send = async (content: string, user?: string) =>
        (await client.chat.completions.create({ model: 'chat', messages: [{ role: 'user', content }], ...(user ? { user } : {}) }).withResponse()).response.headers.get(
          'x-lynkr-cache',
        );
      expect(await send('What is TCP?', 'alice')).toBe('miss');
      expect(await send('What is TCP?', 'bob')).toBe('miss');
      expect(await send('What is TCP?', 'alice')).toBe('hit-exact');
      expect(await send('What is UDP?', 'alice')).toBe('miss'); // three entries; the hit made alice's TCP newer than bob's
      expect(await send('What is TCP?', 'alice')).toBe('hit-exact');
      expect(await send('What is QUIC?', 'alice')).toBe('miss'); // a fourth entry evicts the least recently used: bob's
      expect(await send('What is SCTP?', 'alice')).toBe('miss');
      expect(await send('What is TCP?', 'alice')).toBe('hit-exact');
      expect(await send('What is TCP?', 'bob')).toBe('miss');
    } finally {
      await g.close();
    }
  });
});

describe('restart persistence through the gateway', () => {
  it('an answer cached before a restart is served after it without reaching the upstream', async () => {
    const settings = {
      providers: [{ id: 'openai', kind: 'openai' as const, baseUrl: up.url, apiKey: 'sk-test-0123456789abcdef', models: ['gpt-4o-mini'] }],
      aliases: { chat: { targets: ['openai/gpt-4o-mini'] } },
      defaultModel: 'chat',
      cache: { exact: { policy: 'always' as const } },
    };
    const dir = tempDir();
    const once = async () => {
      const g = await startTestGateway(settings, { dataDir: dir });
      try {
        const client = new OpenAI({ baseURL: `${g.baseUrl}/v1`, apiKey: 'unused', maxRetries: 0 });
        const r = await client.chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'What is a trie?' }] }).withResponse();
        return [r.response.headers.get('x-lynkr-cache'), r.data.choices[0].message.content];
      } finally {
        await g.close();
      }
    };
    const [s1, text1] = await once();
    const before = chats();
    const [s2, text2] = await once();
    expect([s1, s2]).toEqual(['miss', 'hit-exact']);
    expect(text2).toBe(text1);
    expect(chats()).toBe(before);
  });
});
