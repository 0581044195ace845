import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ProviderRequest, StreamPart } from '../../main/core/types.js';
import { BedrockProvider } from '../../main/providers/bedrock.js';
import { defaultTimeouts } from '../../main/providers/http.js';
import { providerSchema } from '../../main/settings/schema.js';
import { startFakeBedrock, type FakeBedrock } from '../fakes/bedrock.js';
import { closedPort } from '../fakes/fake-server.js';

// The bedrock adapter (real @aws-sdk/client-bedrock-runtime) against the fake Bedrock endpoint: Converse JSON,
// ConverseStream binary event-stream, bearer API key vs SigV4, tools/images mapping, errors.

const KEY = 'ABSKbedrock-api-key-secret-1234';
let fake: FakeBedrock;
let provider: BedrockProvider;
const ctx = () => ({ signal: new AbortController().signal, requestId: 'r1' });
const make = (baseUrl: string, apiKey?: string) =>
  new BedrockProvider(providerSchema.parse({ id: 'aws', kind: 'bedrock', baseUrl, apiKey, region: 'eu-west-1', models: ['anthropic.claude-3-haiku-20240307-v1:0'] }), { locality: 'cloud', timeouts: defaultTimeouts });

beforeAll(async () => {
  fake = await startFakeBedrock();
  provider = make(fake.url, KEY);
});
afterAll(async () => {
  await provider.close();
  await fake.close();
});
afterEach(() => vi.unstubAllEnvs());

const MODEL = 'anthropic.claude-3-haiku-20240307-v1:0';
const base: ProviderRequest = { model: `aws/${MODEL}`, upstreamModel: MODEL, messages: [{ role: 'user', content: [{ type: 'text', text: 'hello' }] }], stream: false };

describe('bedrock adapter', () => {
  it('Converse with a Bedrock API key as bearer: tools, images, tool results, inference config', async () => {
    fake.reply({ text: 'Done.', usage: { inputTokens: 20, outputTokens: 3, cacheReadInputTokens: 4 } });
    const res = await provider.chat(
      {
        ...base,
        system: 'Be brief.',
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'look' }, { type: 'image', url: 'data:image/png;base64,QUJD' }] },
          { role: 'assistant', content: [{ type: 'text', text: 'calling' }], toolCalls: [{ id: 't1', name: 'read', arguments: '{"p":1}' }] },
          { role: 'tool', toolCallId: 't1', content: [{ type: 'text', text: 'boom' }], isError: true },
        ],
        tools: [{ name: 'read', description: 'reads', parameters: { type: 'object' } }],
        toolChoice: 'required',
        maxTokens: 99,
        temperature: 0.3,
        stop: ['X'],
      },
      ctx(),
    );
    const sent = fake.requests.at(-1)!;
    expect(sent.path).toBe(`/model/${MODEL}/converse`);
    expect(sent.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(sent.body).toEqual({
      messages: [
        { role: 'user', content: [{ text: 'look' }, { image: { format: 'png', source: { bytes: 'QUJD' } } }] },
        { role: 'assistant', content: [{ text: 'calling' }, { toolUse: { toolUseId: 't1', name: 'read', input: { p: 1 } } }] },
        { role: 'user', content: [{ toolResult: { toolUseId: 't1', content: [{ text: 'boom' }], status: 'error' } }] },
      ],
      system: [{ text: 'Be brief.' }],
      inferenceConfig: { maxTokens: 99, temperature: 0.3, stopSequences: ['X'] },
      toolConfig: { tools: [{ toolSpec: { name: 'read', description: 'reads', inputSchema: { json: { type: 'object' } } } }], toolChoice: { any: {} } },
    });
    expect(res).toMatchObject({ text: 'Done.', finishReason: 'stop', usage: { inputTokens: 24, outputTokens: 3, cachedInputTokens: 4 } });
  });

  it('without an API key the SDK signs with SigV4 from the standard credential chain', async () => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIAFAKEFAKEFAKE');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'secretsecretsecret');
    vi.stubEnv('AWS_BEARER_TOKEN_BEDROCK', undefined);
    const signed = make(fake.url);
    fake.reply({ toolCalls: [{ name: 'weather', input: { city: 'Oslo' }, id: 'tu1' }], reasoning: 'think' });
    const res = await signed.chat(base, ctx());
    expect(String(fake.requests.at(-1)!.headers.authorization)).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIAFAKEFAKEFAKE\/\d{8}\/eu-west-1\/bedrock\/aws4_request/);
    expect(res).toMatchObject({ reasoning: 'think', toolCalls: [{ id: 'tu1', name: 'weather', arguments: '{"city":"Oslo"}' }], finishReason: 'tool_calls' });
    await signed.close();
  });

  it('ConverseStream: binary event stream → start, reasoning, text and tool-call blocks, usage, then finish', async () => {
    fake.reply({ reasoning: 'hmm', text: 'Two words', toolCalls: [{ name: 'f', input: { a: [1, 2] }, id: 'tu9' }], usage: { inputTokens: 8, outputTokens: 5 } });
    const parts: StreamPart[] = [];
    for await (const e of provider.stream({ ...base, stream: true }, ctx())) parts.push(e);
    expect(fake.requests.at(-1)!.path).toBe(`/model/${MODEL}/converse-stream`);
    expect(parts[0]).toMatchObject({ type: 'response-start', model: MODEL });
    // Each block opens, carries its deltas and closes before the next (runs of one type folded).
    expect(parts.map((e) => e.type).filter((t, i, all) => t !== all[i - 1])).toEqual([
      'response-start',
      'reasoning-start', 'reasoning-delta', 'reasoning-end',
      'text-start', 'text-delta', 'text-end',
      'tool-call-start', 'tool-call-delta', 'tool-call-end',
      'usage', 'finish',
    ]);
    const joined = (t: string, k: 'delta' | 'argumentsDelta') => parts.filter((e) => e.type === t).map((e) => (e as Record<string, string>)[k]).join('');
    expect(joined('reasoning-delta', 'delta')).toBe('hmm');
    expect(joined('text-delta', 'delta')).toBe('Two words');
    expect(parts).toContainEqual({ type: 'tool-call-start', id: 'tu9', name: 'f' });
    expect(parts.filter((e) => e.type === 'tool-call-delta').every((e) => e.id === 'tu9')).toBe(true);
    expect(joined('tool-call-delta', 'argumentsDelta')).toBe('{"a":[1,2]}');
    expect(parts).toContainEqual({ type: 'tool-call-end', id: 'tu9' });
    expect(parts.slice(-2)).toEqual([{ type: 'usage', usage: { inputTokens: 8, outputTokens: 5 } }, { type: 'finish', reason: 'tool_calls' }]);
  });

  it('maps errors: throttling 429, validation 400, exception event mid-stream, cut stream, refused connection', async () => {
    fake.setFault({ status: 429, body: { message: 'Too many requests' }, headers: { 'x-amzn-errortype': 'ThrottlingException' } }, { times: 1 });
    await expect(provider.chat(base, ctx())).rejects.toMatchObject({ kind: 'rate_limited', status: 429, provider: 'aws', message: expect.stringMatching(/Too many requests/) });
    fake.setFault({ status: 400, body: { message: 'model id is bad' }, headers: { 'x-amzn-errortype': 'ValidationException' } }, { times: 1 });
    await expect(provider.chat(base, ctx())).rejects.toMatchObject({ kind: 'invalid_request', status: 400 });

    fake.streamException('modelStreamErrorException', 'model crashed', 2);
    const seen: string[] = [];
    const run = async (p: BedrockProvider) => {
      for await (const e of p.stream({ ...base, stream: true }, ctx())) seen.push(e.type);
    };
    await expect(run(provider)).rejects.toMatchObject({ provider: 'aws', message: expect.stringMatching(/model crashed/) });
    expect(seen[0]).toBe('response-start');

    fake.setFault('cut-mid-stream', { times: 1, afterChunks: 2 });
    await expect(run(provider)).rejects.toMatchObject({ provider: 'aws', status: 502 });

    const dead = make(`http://127.0.0.1:${await closedPort()}`, KEY);
    await expect(dead.chat(base, ctx())).rejects.toMatchObject({ kind: 'upstream_connect', status: 502, message: expect.stringMatching(/aws \(http:\/\/127\.0\.0\.1:\d+\) refused/) });
    await dead.close();
  });

  it('an upstream that never answers is a 504 after the first-byte timeout', async () => {
    const slow = new BedrockProvider(providerSchema.parse({ id: 'aws', kind: 'bedrock', baseUrl: fake.url, apiKey: KEY }), {
      locality: 'cloud',
      timeouts: { ...defaultTimeouts, firstByteTimeoutMs: 150, idleChunkTimeoutMs: 150 },
    });
    fake.setFault('hang-before-headers', { times: 1 });
    const t = performance.now();
    await expect(slow.chat(base, ctx())).rejects.toMatchObject({ kind: 'upstream_timeout', status: 504, provider: 'aws' });
    expect(performance.now() - t).toBeLessThan(2_000);
    await slow.close();
  });

  it('passes a thinking budget to Claude models as an additional model field, not to others', async () => {
    fake.reply({ text: 'ok' });
    await provider.chat({ ...base, thinkingBudget: 2048 }, ctx());
    expect(fake.requests.at(-1)!.body).toMatchObject({ additionalModelRequestFields: { thinking: { type: 'enabled', budget_tokens: 2048 } } });
    await provider.chat({ ...base, upstreamModel: 'amazon.nova-lite-v1:0', thinkingBudget: 2048 }, ctx());
    expect(fake.requests.at(-1)!.body).not.toHaveProperty('additionalModelRequestFields');
  });

  it('rejects what Converse cannot take with a 400 saying so', async () => {
    await expect(provider.chat({ ...base, messages: [{ role: 'user', content: [{ type: 'image', url: 'https://example.com/a.png' }] }] }, ctx())).rejects.toMatchObject({
      kind: 'invalid_request',
      status: 400,
      message: expect.stringMatching(/bedrock\) cannot take images by URL/),
    });
    await expect(provider.chat({ ...base, responseFormat: { type: 'json_object' } }, ctx())).rejects.toMatchObject({ status: 400 });
  });

  it('abort closes the upstream connection mid-stream', async () => {
    fake.reply({ text: 'a b c d e f g h i j', delayMs: 40 });
    const ac = new AbortController();
    const it = provider.stream({ ...base, stream: true }, { signal: ac.signal, requestId: 'x' })[Symbol.asyncIterator]();
    await it.next();
    ac.abort();
    await expect(it.next()).rejects.toMatchObject({ kind: 'aborted' });
    await fake.waitForAbort();
  });

  it('lists the configured models', async () => {
    expect(await provider.listModels()).toEqual([{ id: MODEL }]);
  });
});
