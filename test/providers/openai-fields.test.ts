import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Provider } from '../../main/core/provider.js';
import { keepReadOptions } from '../../main/core/provider-options.js';
import { optionsReadBy } from '../../main/providers/kinds/index.js';
import type { ProviderRequest } from '../../main/core/types.js';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/openai.js';
import { collect, ctx, makeProvider, request } from './helpers.js';

// The `openai` provider options (reasoning effort, parallel tool calls, verbosity) and the sampling knobs as each kind
// of the OpenAI family sends them, fitted the way the pipeline does (the options it reads, fit, then call), against
// the strict fake; and parallel tool calls streamed with interleaved argument chunks.

let fake: FakeOpenAI;
const providers: Record<string, Provider> = {};
const tools = [{ name: 'shell', parameters: { type: 'object', properties: { cmd: { type: 'string' } } } }];
/** LibreChat's knobs as the OpenAI chat parser files them: llama.cpp's min_p and repeat_penalty are Ollama options. */
const knobs: Partial<ProviderRequest> = { topK: 40, frequencyPenalty: 0.5, presencePenalty: 0.25, providerOptions: { ollama: { options: { min_p: 0.05, repeat_penalty: 1.1 } } } };
const openai = (options: Record<string, unknown>): Partial<ProviderRequest> => ({ providerOptions: { openai: options } });

beforeAll(async () => {
  fake = await startFakeOpenAI();
  for (const kind of ['openai', 'lmstudio', 'llamacpp', 'openai-compatible'] as const) {
    providers[kind] = makeProvider({ id: kind, kind, baseUrl: fake.url });
  }
});
afterAll(async () => {
  await Promise.all(Object.values(providers).map((p) => p.close?.()));
  await fake.close();
});
beforeEach(() => fake.reply({}));

/** fit() then chat(), as the pipeline does; returns what was named and what the fake received. */
async function send(kind: string, over: Partial<ProviderRequest>): Promise<{ dropped: string[]; body: Record<string, unknown> }> {
  const p = providers[kind];
  const read = keepReadOptions(request(over), optionsReadBy(p.kind));
  const { request: fitted, dropped } = await p.fit!(read.request, ctx());
  await p.chat(fitted, ctx());
  return { dropped: [...read.dropped, ...dropped], body: fake.requests.at(-1)?.body as Record<string, unknown> };
}

describe('reasoning effort and output budget field', () => {
  it('a reasoning model gets reasoning_effort and max_completion_tokens (on OpenAI and elsewhere)', async () => {
    const r = await send('openai', { upstreamModel: 'o4-mini', ...openai({ reasoning_effort: 'high' }), maxTokens: 2000 });
    expect(r.dropped).toEqual([]);
    expect(r.body).toMatchObject({ model: 'o4-mini', reasoning_effort: 'high', max_completion_tokens: 2000 });
    expect(r.body).not.toHaveProperty('max_tokens');
    const lan = await send('openai-compatible', { upstreamModel: 'gpt-5-mini', ...openai({ reasoning_effort: 'minimal' }), maxTokens: 300 });
    expect(lan.body).toMatchObject({ reasoning_effort: 'minimal', max_completion_tokens: 300 });
    expect(lan.body).not.toHaveProperty('max_tokens');
  });

  it('a non-reasoning OpenAI model loses reasoning_effort, named; an unknown local model keeps it', async () => {
    const r = await send('openai', { upstreamModel: 'gpt-4.1', ...openai({ reasoning_effort: 'low' }), maxTokens: 40000 });
    expect(r.dropped).toEqual(['max_tokens>32768', 'reasoning_effort']);
    expect(r.body).not.toHaveProperty('reasoning_effort');
    expect(r.body.max_completion_tokens).toBe(32768);
    const local = await send('llamacpp', { upstreamModel: 'qwen3-8b', ...openai({ reasoning_effort: 'low' }), maxTokens: 40000 });
    expect(local.dropped).toEqual([]);
    expect(local.body).toMatchObject({ reasoning_effort: 'low', max_tokens: 40000 });
  });
});

describe('parallel tool calls', () => {
  it('sent with tools (false kept), dropped and named without', async () => {
    const withTools = await send('openai', { upstreamModel: 'gpt-4o', tools, ...openai({ parallel_tool_calls: false }) });
    expect(withTools.dropped).toEqual([]);
    expect(withTools.body.parallel_tool_calls).toBe(false);
    const without = await send('openai', { upstreamModel: 'gpt-4o', ...openai({ parallel_tool_calls: false }) });
    expect(without.dropped).toEqual(['parallel_tool_calls']);
    expect(without.body).not.toHaveProperty('parallel_tool_calls');
  });

  it('without fit, the body still never carries parallel_tool_calls without tools (the fake would refuse it)', async () => {
    const r = await providers.openai.chat(request({ upstreamModel: 'gpt-4o', ...openai({ parallel_tool_calls: true }) }), ctx());
    expect(r.text).toBeTruthy();
    expect(fake.requests.at(-1)?.body).not.toHaveProperty('parallel_tool_calls');
  });
});

describe('other openai options', () => {
  it('verbosity and logit_bias go to a reasoning model; verbosity, which gpt-4o refuses, is named there', async () => {
    const r = await send('openai', { upstreamModel: 'gpt-5-mini', ...openai({ verbosity: 'low', logit_bias: { '50256': -100 } }) });
    expect(r.dropped).toEqual([]);
    expect(r.body).toMatchObject({ verbosity: 'low', logit_bias: { '50256': -100 } });
    const old = await send('openai', { upstreamModel: 'gpt-4o', ...openai({ verbosity: 'low', logit_bias: { '50256': -100 } }) });
    expect(old.dropped).toEqual(['verbosity']);
    expect(old.body).not.toHaveProperty('verbosity');
    expect(old.body.logit_bias).toEqual({ '50256': -100 });
  });

  it('options of another namespace are named, never sent', async () => {
    const r = await send('openai', { upstreamModel: 'gpt-4o', providerOptions: { anthropic: { service_tier: 'auto' }, ollama: { keep_alive: '5m' } } });
    expect(r.dropped).toEqual(['anthropic.service_tier', 'ollama.keep_alive']);
    for (const f of ['service_tier', 'keep_alive']) expect(r.body).not.toHaveProperty(f);
  });
});

describe('sampling knobs', () => {
  it("llama.cpp and LM Studio get top_k with OpenAI's penalties; Ollama's min_p and repeat_penalty are named", async () => {
    for (const kind of ['llamacpp', 'lmstudio']) {
      const r = await send(kind, knobs);
      expect(r.dropped).toEqual(['ollama.options.min_p', 'ollama.options.repeat_penalty']);
      expect(r.body).toMatchObject({ top_k: 40, frequency_penalty: 0.5, presence_penalty: 0.25 });
      for (const f of ['min_p', 'repeat_penalty', 'options']) expect(r.body).not.toHaveProperty(f);
    }
  });

  it('OpenAI gets only its own penalties; the rest is named', async () => {
    const r = await send('openai', { ...knobs, upstreamModel: 'gpt-4o-mini' });
    expect(r.dropped).toEqual(['ollama.options.min_p', 'ollama.options.repeat_penalty', 'top_k']);
    expect(r.body).toMatchObject({ frequency_penalty: 0.5, presence_penalty: 0.25 });
    for (const f of ['top_k', 'min_p', 'repeat_penalty']) expect(r.body).not.toHaveProperty(f);
  });

  it('a llama.cpp client body passed through keeps its sampling fields', async () => {
    const body = { model: 'x', messages: [{ role: 'user', content: 'hi' }], top_k: 20, min_p: 0.1, repeat_penalty: 1.2, mirostat: 2 };
    const r = await send('llamacpp', { native: { format: 'openai-chat', body } });
    expect(r.body).toEqual({ model: 'fake-model', messages: [{ role: 'user', content: 'hi' }], top_k: 20, min_p: 0.1, repeat_penalty: 1.2 });
  });
});

describe('streamed parallel tool calls', () => {
  it("interleaved argument chunks are kept apart by call id (Codex's two parallel shell calls)", async () => {
    fake.reply({
      interleaveToolCalls: true,
      chunks: 4,
      toolCalls: [
        { name: 'shell', arguments: { cmd: 'ls -la /tmp/first' }, id: 'call_a' },
        { name: 'shell', arguments: { cmd: 'cat /tmp/second.txt' }, id: 'call_b' },
      ],
    });
    const parts = await collect(providers.openai.stream(request({ upstreamModel: 'gpt-4o', stream: true, tools, ...openai({ parallel_tool_calls: true }) }), ctx()));
    // The fake really interleaved them (one argument chunk per frame): a chunk of call_b comes before the last of call_a.
    const deltaIds = parts.flatMap((e) => (e.type === 'tool-call-delta' ? [e.id] : []));
    expect(deltaIds.indexOf('call_b')).toBeGreaterThan(-1);
    expect(deltaIds.indexOf('call_b')).toBeLessThan(deltaIds.lastIndexOf('call_a'));
    const args = (id: string): string => parts.map((e) => (e.type === 'tool-call-delta' && e.id === id ? e.argumentsDelta : '')).join('');
    expect(parts.filter((e) => e.type === 'tool-call-start')).toEqual([
      { type: 'tool-call-start', id: 'call_a', name: 'shell' },
      { type: 'tool-call-start', id: 'call_b', name: 'shell' },
    ]);
    expect(JSON.parse(args('call_a'))).toEqual({ cmd: 'ls -la /tmp/first' });
    expect(JSON.parse(args('call_b'))).toEqual({ cmd: 'cat /tmp/second.txt' });
    // Both end only before the finish, once their arguments are complete.
    expect(parts.filter((e) => e.type !== 'usage').slice(-3)).toEqual([{ type: 'tool-call-end', id: 'call_a' }, { type: 'tool-call-end', id: 'call_b' }, { type: 'finish', reason: 'tool_calls' }]);
    expect(fake.requests.at(-1)?.body).toMatchObject({ parallel_tool_calls: true });
  });
});
