// Provider options through a real gateway (issue 20): requests that differ only in an option the parsers file under
// `providerOptions` (OpenAI reasoning_effort and logit_bias, Anthropic top_k, Ollama min_p, Responses reasoning.effort)
// never share an exact-cache entry; requests that differ only in delivery fields do. And a fallback to a kind that
// does not read a namespace names what it dropped. The upstreams' request counts prove what reached them.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeOllama, type FakeOllama } from '../fakes/ollama.js';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/openai.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

let cloud: FakeOpenAI;
let ollama: FakeOllama;
let gw: TestGateway;
let answers = 0;

const calls = (): number => cloud.count('/chat/completions') + ollama.requests.filter((r) => r.path === '/api/chat').length;

beforeAll(async () => {
  cloud = await startFakeOpenAI({ models: ['gpt-5-mini', 'gpt-4o-mini'] });
  cloud.reply(() => ({ text: `Cloud answer ${++answers}.` }));
  ollama = await startFakeOllama({ models: ['llama3.2'] });
  gw = await startTestGateway({
    providers: [
      { id: 'openai', kind: 'openai', baseUrl: cloud.url, apiKey: 'sk-test-0123456789abcdef', models: ['gpt-5-mini', 'gpt-4o-mini'] },
      { id: 'ollama', kind: 'ollama', baseUrl: ollama.url },
    ],
    aliases: {
      chat: { targets: ['openai/gpt-5-mini'] },
      local: { targets: ['ollama/llama3.2'] },
      duo: { targets: ['openai/gpt-4o-mini', 'ollama/llama3.2'] },
    },
    defaultModel: 'chat',
    fallback: { enabled: true, retries: 0, breakerThreshold: 1000 },
    cache: { exact: { policy: 'always' }, semantic: { enabled: false } },
  });
});

afterAll(async () => {
  await gw?.close();
  await cloud?.close();
  await ollama?.close();
});

beforeEach(() => {
  cloud.setFault(null);
});

async function post(path: string, body: Record<string, unknown>): Promise<Response> {
  const res = await fetch(`${gw.baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.status).toBe(200);
  await res.arrayBuffer();
  return res;
}
const cacheOf = (r: Response): string | null => r.headers.get('x-lynkr-cache');

/** Sends each variant twice: every first one misses (no variant answers another), every second one hits its own. */
async function eachKeepsItsOwnEntry(send: (variant: Record<string, unknown>) => Promise<Response>, variants: Array<Record<string, unknown>>): Promise<void> {
  const before = calls();
  for (const v of variants) expect(cacheOf(await send(v)), JSON.stringify(v)).toBe('miss');
  for (const v of variants) expect(cacheOf(await send(v)), JSON.stringify(v)).toBe('hit-exact');
  expect(calls()).toBe(before + variants.length);
}

describe('requests that differ only in provider options never share an entry', () => {
  it('OpenAI chat: reasoning_effort, logit_bias', async () => {
    const chat = (v: Record<string, unknown>) => post('/v1/chat/completions', { model: 'chat', messages: [{ role: 'user', content: 'Name a colour.' }], ...v });
    await eachKeepsItsOwnEntry(chat, [{}, { reasoning_effort: 'high' }, { reasoning_effort: 'low' }, { logit_bias: { '50256': -100 } }, { logit_bias: { '50256': 100 } }]);
  });

  it('Anthropic Messages: top_k, output_config.effort', async () => {
    const messages = (v: Record<string, unknown>) => post('/v1/messages', { model: 'chat', max_tokens: 100, messages: [{ role: 'user', content: 'Name a fruit.' }], ...v });
    await eachKeepsItsOwnEntry(messages, [{}, { top_k: 5 }, { top_k: 50 }, { output_config: { effort: 'low' } }]);
  });

  it('OpenAI chat to Ollama: min_p and repeat_penalty, which Ollama takes as options', async () => {
    const chat = (v: Record<string, unknown>) => post('/v1/chat/completions', { model: 'local', messages: [{ role: 'user', content: 'Name a tree.' }], ...v });
    await eachKeepsItsOwnEntry(chat, [{}, { min_p: 0.05 }, { min_p: 0.1 }, { repeat_penalty: 1.2 }]);
    const sent = ollama.requests.filter((r) => r.path === '/api/chat').at(-1)?.body as { options?: Record<string, unknown> };
    expect(sent.options).toMatchObject({ repeat_penalty: 1.2 });
  });

  it('Responses: reasoning.effort', async () => {
    const responses = (v: Record<string, unknown>) => post('/v1/responses', { model: 'chat', input: 'Name a river.', ...v });
    await eachKeepsItsOwnEntry(responses, [{}, { reasoning: { effort: 'high' } }, { reasoning: { effort: 'low' } }]);
    expect(cloud.requests.at(-1)?.body).toMatchObject({ reasoning_effort: 'low' });
  });
});

describe('requests that differ only in delivery fields share an entry', () => {
  it('user, metadata, store, prompt_cache_key, safety_identifier, stream_options', async () => {
    const before = calls();
    const chat = (v: Record<string, unknown>) => post('/v1/chat/completions', { model: 'chat', messages: [{ role: 'user', content: 'Name a bird.' }], ...v });
    expect(cacheOf(await chat({}))).toBe('miss');
    for (const v of [{ user: 'alice' }, { metadata: { run: '7' } }, { store: true }, { prompt_cache_key: 'k1' }, { safety_identifier: 'h1' }, { stream: true, stream_options: { include_usage: true } }]) {
      expect(cacheOf(await chat(v)), JSON.stringify(v)).toBe('hit-exact');
    }
    expect(calls()).toBe(before + 1);
  });
});

describe('a fallback to another kind', () => {
  it('names the OpenAI options Ollama does not read in x-lynkr-dropped, and sends none of them', async () => {
    cloud.setFault({ status: 500, body: { error: { message: 'boom' } } });
    const r = await post('/v1/chat/completions', {
      model: 'duo',
      messages: [{ role: 'user', content: 'Name a mountain.' }],
      logit_bias: { '50256': -100 },
    });
    expect(r.headers.get('x-lynkr-provider')).toBe('ollama');
    expect(r.headers.get('x-lynkr-fallback-from')).toContain('openai/gpt-4o-mini');
    expect(r.headers.get('x-lynkr-dropped')).toBe('openai.logit_bias');
    const sent = ollama.requests.filter((r) => r.path === '/api/chat').at(-1)?.body as Record<string, unknown>;
    expect(JSON.stringify(sent)).not.toContain('50256');
    const [row] = ((await (await gw.admin('/admin/logs?limit=1')).json()) as { rows: Array<{ dropped?: string[] | string }> }).rows;
    expect(String(row.dropped)).toContain('openai.logit_bias');
  });
});
