import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayError } from '../../main/core/errors.js';
import type { ProviderRequest, StreamPart } from '../../main/core/types.js';
import { fitAnthropicRequest } from '../../main/providers/anthropic-fit.js';
import { AnthropicProvider } from '../../main/providers/anthropic.js';
import { defaultTimeouts } from '../../main/providers/http.js';
import { providerSchema } from '../../main/settings/schema.js';
import { anthropicError, startFakeAnthropic, type FakeAnthropic } from '../fakes/anthropic.js';
import { closedPort } from '../fakes/fake-server.js';

// The anthropic adapter against the fake Anthropic upstream: what the upstream receives, what comes back,
// stream parts in order with raw pass-through, and error mapping.

const KEY = 'sk-ant-test-secret-123456';
let fake: FakeAnthropic;
let provider: AnthropicProvider;
const ctx = () => ({ signal: new AbortController().signal, requestId: 'r1' });

const make = (baseUrl: string, timeouts = defaultTimeouts) =>
  new AnthropicProvider(providerSchema.parse({ id: 'claude', kind: 'anthropic', baseUrl, apiKey: KEY }), { baseUrl, locality: 'cloud', timeouts });

beforeAll(async () => {
  fake = await startFakeAnthropic();
  provider = make(fake.url);
});
afterAll(async () => {
  await provider.close();
  await fake.close();
});

const base: ProviderRequest = {
  model: 'claude/claude-fake-1',
  upstreamModel: 'claude-fake-1',
  messages: [{ role: 'user', content: [{ type: 'text', text: 'hello' }] }],
  stream: false,
};

/** The parts of a stream, with the upstream's own frames (`raw-frame`, under pass-through only) apart. */
async function collect(req: ProviderRequest): Promise<{ parts: StreamPart[]; raw: string[] }> {
  const parts: StreamPart[] = [];
  const raw: string[] = [];
  for await (const p of provider.stream(req, ctx())) {
    if (p.type === 'raw-frame') raw.push(p.data);
    else parts.push(p);
  }
  return { parts, raw };
}

/** Part types with runs of the same type folded into one (a block's deltas). */
const runs = (parts: StreamPart[]): string[] => parts.map((p) => p.type).filter((t, i, all) => t !== all[i - 1]);

describe('anthropic adapter', () => {
  it('sends the Messages wire with x-api-key, anthropic-version and a default max_tokens', async () => {
    fake.reply({ text: 'Hi!', usage: { input_tokens: 10, output_tokens: 2, cache_read_input_tokens: 5 } });
    const res = await provider.chat(
      {
        ...base,
        system: 'Be nice.',
        messages: [
          { role: 'system', content: [{ type: 'text', text: 'Also terse.' }] },
          { role: 'user', content: [{ type: 'text', text: 'weather?' }, { type: 'image', url: 'data:image/png;base64,QUJD' }] },
          { role: 'assistant', content: [], toolCalls: [{ id: 'c1', name: 'weather', arguments: '{"city":"Paris"}' }] },
          { role: 'tool', toolCallId: 'c1', content: [{ type: 'text', text: 'sunny' }], isError: false },
          { role: 'user', content: [{ type: 'text', text: 'thanks' }] },
        ],
        tools: [{ name: 'weather', description: 'w', parameters: { type: 'object' } }],
        toolChoice: 'required',
        stop: ['END'],
        temperature: 1.5,
        user: 'u1',
      },
      ctx(),
    );
    const sent = fake.requests.at(-1)!;
    expect(sent.path).toBe('/v1/messages');
    expect(sent.headers['x-api-key']).toBe(KEY);
    expect(sent.headers['anthropic-version']).toBe('2023-06-01');
    expect(sent.body).toEqual({
      model: 'claude-fake-1',
      max_tokens: 4096,
      system: 'Be nice.\n\nAlso terse.',
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'weather?' }, { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'QUJD' } }] },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'c1', name: 'weather', input: { city: 'Paris' } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'c1', content: [{ type: 'text', text: 'sunny' }] }, { type: 'text', text: 'thanks' }] },
      ],
      tools: [{ name: 'weather', description: 'w', input_schema: { type: 'object' } }],
      tool_choice: { type: 'any' },
      stop_sequences: ['END'],
      temperature: 1,
      metadata: { user_id: 'u1' },
    });
    expect(res).toMatchObject({ text: 'Hi!', finishReason: 'stop', usage: { inputTokens: 15, outputTokens: 2, cachedInputTokens: 5 } });
  });

  it('passes an Anthropic client body through natively (cache_control kept), model replaced', async () => {
    fake.reply({ text: 'ok' });
    const native = { model: 'claude-3-5-haiku', max_tokens: 9, system: [{ type: 'text', text: 'S', cache_control: { type: 'ephemeral' } }], messages: [{ role: 'user', content: 'x' }], top_k: 3 };
    const withHeaders = { format: 'anthropic-messages' as const, body: native, headers: { 'anthropic-beta': 'interleaved-thinking-2025-05-14' } };
    await provider.chat({ ...base, native: withHeaders }, ctx());
    expect(fake.requests.at(-1)!.body).toEqual({ ...native, model: 'claude-fake-1', stream: false });
    expect(fake.requests.at(-1)!.headers['anthropic-beta']).toBe('interleaved-thinking-2025-05-14');
  });

  it('non-stream tool_use and thinking come back as tool calls and reasoning', async () => {
    fake.reply({ thinking: 'let me see', toolCalls: [{ name: 'weather', input: { city: 'Oslo' }, id: 'toolu_1' }] });
    const res = await provider.chat(base, ctx());
    expect(res).toMatchObject({ text: '', reasoning: 'let me see', toolCalls: [{ id: 'toolu_1', name: 'weather', arguments: '{"city":"Oslo"}' }], finishReason: 'tool_calls' });
  });

  it('streams parts in order, and under pass-through keeps each raw event for same-format clients', async () => {
    const reply = { thinking: 'hmm', text: 'Sure thing', toolCalls: [{ name: 'f', input: { a: 1 }, id: 'toolu_9' }], usage: { input_tokens: 7, output_tokens: 4 } };
    fake.reply(reply);
    const { parts, raw } = await collect({ ...base, stream: true });
    expect(runs(parts)).toEqual([
      'response-start',
      'reasoning-start', 'reasoning-delta', 'reasoning-end',
      'text-start', 'text-delta', 'text-end',
      'tool-call-start', 'tool-call-delta', 'tool-call-end',
      'usage', 'finish',
    ]);
    expect(parts.map((e) => (e.type === 'reasoning-delta' ? e.delta : '')).join('')).toBe('hmm');
    expect(parts.map((e) => (e.type === 'text-delta' ? e.delta : '')).join('')).toBe('Sure thing');
    expect(parts).toContainEqual({ type: 'tool-call-start', id: 'toolu_9', name: 'f' });
    expect(parts.map((e) => (e.type === 'tool-call-delta' && e.id === 'toolu_9' ? e.argumentsDelta : '')).join('')).toBe('{"a":1}');
    expect(parts).toContainEqual({ type: 'tool-call-end', id: 'toolu_9' });
    expect(parts.at(-2)).toEqual({ type: 'usage', usage: { inputTokens: 7, outputTokens: 4, cachedInputTokens: 0 } });
    expect(parts.at(-1)).toEqual({ type: 'finish', reason: 'tool_calls' });
    expect(raw).toEqual([]); // pass-through is the pipeline's choice, made by setting `native`
    expect((fake.requests.at(-1)!.body as { stream: boolean }).stream).toBe(true);

    fake.reply(reply);
    const native = { format: 'anthropic-messages' as const, body: { model: 'claude', max_tokens: 64, messages: [{ role: 'user', content: 'hello' }] } };
    const passed = await collect({ ...base, stream: true, native });
    expect(passed.parts).toEqual(parts.map((e) => (e.type === 'response-start' ? { ...e, id: expect.any(String), created: expect.any(Number) } : e)));
    expect(JSON.parse(passed.raw[0]).type).toBe('message_start');
    expect(JSON.parse(passed.raw[1]).type).toBe('ping');
    expect(JSON.parse(passed.raw.at(-1)!).type).toBe('message_stop');
  });

  it('maps upstream errors: 529 overloaded, 429 with retry-after, 401, and never leaks the key', async () => {
    fake.setFault({ status: 529, body: anthropicError('overloaded_error', 'Overloaded') }, { times: 1 });
    await expect(provider.chat(base, ctx())).rejects.toMatchObject({ kind: 'upstream_http', status: 529, provider: 'claude', message: expect.stringMatching(/Overloaded/) });
    fake.setFault({ status: 429, body: anthropicError('rate_limit_error', 'slow down'), headers: { 'retry-after': '3' } }, { times: 1 });
    await expect(provider.chat(base, ctx())).rejects.toMatchObject({ kind: 'rate_limited', status: 429, retryAfterMs: 3000 });
    fake.setFault({ status: 401, body: anthropicError('authentication_error', `invalid x-api-key ${KEY}`) }, { times: 1 });
    const err = (await provider.chat(base, ctx()).catch((e: unknown) => e)) as GatewayError;
    expect(err.kind).toBe('auth');
    expect(err.message).not.toContain(KEY);
  });

  it('an error event mid-stream and a cut stream are thrown after the first chunks', async () => {
    fake.setFault('cut-mid-stream', { times: 1, afterChunks: 3 });
    const seen: string[] = [];
    const run = async () => {
      for await (const e of provider.stream({ ...base, stream: true }, ctx())) seen.push(e.type);
    };
    await expect(run()).rejects.toMatchObject({ provider: 'claude', status: 502 });
    expect(seen[0]).toBe('response-start');
    fake.setFault('broken-sse', { times: 1 });
    await expect(collect({ ...base, stream: true })).rejects.toMatchObject({ kind: 'upstream_protocol' });
  });

  it('refused connection is a 502 naming the provider, fast', async () => {
    const dead = make(`http://127.0.0.1:${await closedPort()}`);
    const t = performance.now();
    await expect(dead.chat(base, ctx())).rejects.toMatchObject({ kind: 'upstream_connect', status: 502, message: expect.stringMatching(/claude \(http:\/\/127\.0\.0\.1:\d+\/v1\) refused/) });
    expect(performance.now() - t).toBeLessThan(500);
    await dead.close();
  });

  it('rejects response_format (Anthropic cannot enforce it) with a 400', async () => {
    await expect(provider.chat({ ...base, responseFormat: { type: 'json_object' } }, ctx())).rejects.toMatchObject({ kind: 'invalid_request', status: 400, message: expect.stringMatching(/response_format/) });
  });

  it('aborting the signal closes the upstream connection', async () => {
    fake.reply({ text: 'a b c d e f g h', delayMs: 50 });
    const ac = new AbortController();
    const it = provider.stream({ ...base, stream: true }, { signal: ac.signal, requestId: 'x' })[Symbol.asyncIterator]();
    await it.next();
    ac.abort();
    await expect(it.next()).rejects.toMatchObject({ kind: 'aborted' });
    await fake.waitForAbort();
  });

  it('an OpenAI client\'s mid-conversation system message is folded into system (other models refuse the role); json_schema → output_config.format', async () => {
    fake.reply({ text: '{"a":1}' });
    const schema = { type: 'object', properties: { a: { type: 'number' } } };
    await provider.chat(
      {
        ...base,
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'q1' }] },
          { role: 'assistant', content: [{ type: 'text', text: 'a1' }] },
          { role: 'system', content: [{ type: 'text', text: 'From now on, JSON.' }] },
          { role: 'user', content: [{ type: 'text', text: 'q2' }] },
        ],
        responseFormat: { type: 'json_schema', name: 'x', schema },
      },
      ctx(),
    );
    const sent = fake.requests.at(-1)!.body as Record<string, unknown>;
    expect(sent.system).toBe('From now on, JSON.');
    expect((sent.messages as Array<{ role: string }>).map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect(sent.output_config).toEqual({ format: { type: 'json_schema', schema } });
  });

  it('fit: a thinking budget the API would refuse goes, temperature/top_k go with thinking kept, all named', () => {
    const fit = (r: Partial<ProviderRequest>, limit?: number) => fitAnthropicRequest({ ...base, ...r }, limit);
    expect(fit({ thinkingBudget: 500, maxTokens: 4000 })).toMatchObject({ request: { thinkingBudget: undefined }, dropped: ['thinking'] });
    expect(fit({ thinkingBudget: 4000, maxTokens: 4000 }).dropped).toEqual(['thinking']);
    expect(fit({ thinkingBudget: 2000, maxTokens: 4000, toolChoice: 'required' }).dropped).toEqual(['thinking']);
    const kept = fit({ thinkingBudget: 2000, maxTokens: 4000, temperature: 0.3, topK: 5, topP: 0.97 });
    expect(kept.request).toMatchObject({ thinkingBudget: 2000, temperature: undefined, topK: undefined, topP: 0.97 });
    expect(kept.dropped).toEqual(['temperature', 'top_k']);
    expect(fit({ maxTokens: 32000 }, 8192)).toMatchObject({ request: { maxTokens: 8192 }, dropped: ['max_tokens>8192'] });
    expect(fit({ maxTokens: 100, temperature: 0.3 })).toEqual({ request: { ...base, maxTokens: 100, temperature: 0.3 }, dropped: [] });
    // A client's own body: only the output limit, with a thinking budget that no longer fits halved.
    const native = { format: 'anthropic-messages' as const, body: { model: 'm', max_tokens: 32000, thinking: { type: 'enabled', budget_tokens: 16000 }, temperature: 1 } };
    const n = fit({ native }, 8192);
    expect(n.request.native?.body).toEqual({ model: 'm', max_tokens: 8192, thinking: { type: 'enabled', budget_tokens: 4096 }, temperature: 1 });
    expect(n.dropped).toEqual(['max_tokens>8192', 'thinking']);
    expect(fit({ native }).request.native).toBe(native);
  });

  it('lists models', async () => {
    expect(await provider.listModels(ctx())).toEqual([{ id: 'claude-fake-1' }]);
  });
});
