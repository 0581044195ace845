import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Provider } from '../../main/core/provider.js';
import type { ToolDef } from '../../main/core/types.js';
import { closedPortUrl, startFakeOllama, type FakeOllama } from '../fakes/ollama.js';
import { collect, ctx, failure, makeProvider, request, textOf } from './helpers.js';

const weather: ToolDef = { name: 'get_weather', description: 'Weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' } } } };

describe('Ollama adapter', () => {
  let fake: FakeOllama;
  let p: Provider;
  const body = (): Record<string, unknown> => fake.requests.at(-1)?.body as Record<string, unknown>;

  beforeAll(async () => {
    fake = await startFakeOllama();
    p = makeProvider({ id: 'ollama', kind: 'ollama', baseUrl: `${fake.url}/`, keepAlive: '10m' });
  });
  afterAll(async () => {
    await p.close?.();
    await fake.close();
  });
  afterEach(() => {
    fake.setFault(null);
    fake.reply({});
  });

  it('answers a chat and maps options (sampling knobs included), keep_alive, json mode and images', async () => {
    fake.reply({ text: 'Hi!', promptEvalCount: 12, evalCount: 2 });
    const r = await p.chat(
      request({
        upstreamModel: 'llama3.2',
        system: 'Be brief.',
        temperature: 0.3,
        topP: 0.8,
        stop: ['###'],
        seed: 42,
        maxTokens: 64,
        topK: 40,
        frequencyPenalty: 0.2,
        // LibreChat's llama.cpp knobs arrive as Ollama options; `options` merges with the modelled ones, `keep_alive` stays the setting's.
        providerOptions: { ollama: { options: { min_p: 0.05, repeat_penalty: 1.1 }, keep_alive: '1m' } },
        presencePenalty: 0.3,
        responseFormat: { type: 'json_object' },
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'What is this?' }, { type: 'image', url: 'data:image/png;base64,QUJD' }, { type: 'image', mediaType: 'image/jpeg', data: 'REVG' }] },
        ],
      }),
      ctx(),
    );
    expect(r).toMatchObject({ text: 'Hi!', finishReason: 'stop', model: 'llama3.2', usage: { inputTokens: 12, outputTokens: 2 }, toolCalls: [] });
    expect(fake.requests.at(-1)?.path).toBe('/api/chat');
    expect(body()).toEqual({
      model: 'llama3.2',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'What is this?', images: ['QUJD', 'REVG'] },
      ],
      format: 'json',
      // Ollama's option names: docs/api.md "Generate request (With options)".
      options: { temperature: 0.3, top_p: 0.8, top_k: 40, min_p: 0.05, repeat_penalty: 1.1, frequency_penalty: 0.2, presence_penalty: 0.3, stop: ['###'], seed: 42, num_predict: 64 },
      keep_alive: '10m',
      stream: false,
    });
    expect(p.locality).toBe('local');
    expect(p.endpoint).toBe(fake.url);
  });

  it('sends a JSON schema as format, tools, and tool turns with the tool name', async () => {
    fake.reply({ toolCalls: [{ name: 'get_weather', arguments: { city: 'Paris' } }] });
    const r = await p.chat(
      request({
        responseFormat: { type: 'json_schema', name: 'x', schema: { type: 'object', properties: { a: { type: 'number' } } } },
        tools: [weather],
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'weather?' }] },
          { role: 'assistant', content: [], toolCalls: [{ id: 'c1', name: 'get_weather', arguments: '{"city":"Rome"}' }] },
          { role: 'tool', toolCallId: 'c1', content: [{ type: 'text', text: '21C' }] },
        ],
      }),
      ctx(),
    );
    expect(r.finishReason).toBe('tool_calls');
    expect(r.toolCalls).toEqual([{ id: expect.stringMatching(/^call_/), name: 'get_weather', arguments: '{"city":"Paris"}' }]);
    const b = body();
    expect(b.format).toEqual({ type: 'object', properties: { a: { type: 'number' } } });
    expect(b.tools).toEqual([{ type: 'function', function: { name: 'get_weather', description: 'Weather for a city', parameters: weather.parameters } }]);
    expect(b.messages).toEqual([
      { role: 'user', content: 'weather?' },
      { role: 'assistant', content: '', tool_calls: [{ function: { name: 'get_weather', arguments: { city: 'Rome' } } }] },
      { role: 'tool', content: '21C', tool_name: 'get_weather' },
    ]);
  });

  it('rejects remote image URLs and documents with a 400 that says why', async () => {
    const e = await failure(p.chat(request({ messages: [{ role: 'user', content: [{ type: 'image', url: 'https://example.com/x.png' }] }] }), ctx()));
    expect(e).toMatchObject({ kind: 'invalid_request', status: 400 });
    expect(e.message).toMatch(/inline/);
  });

  it('streams NDJSON as parts in order: start, a reasoning block, a text block, usage, finish', async () => {
    fake.reply({ thinking: 'let me think', text: 'a b c', chunks: 3, promptEvalCount: 9, evalCount: 3 });
    const parts = await collect(p.stream(request({ stream: true }), ctx()));
    expect(body().stream).toBe(true);
    expect(parts.map((e) => e.type)).toEqual([
      'response-start',
      'reasoning-start', 'reasoning-delta', 'reasoning-delta', 'reasoning-delta', 'reasoning-end',
      'text-start', 'text-delta', 'text-delta', 'text-delta',
      'usage', 'text-end', 'finish',
    ]);
    expect(textOf(parts)).toBe('a b c');
    expect(parts.find((e) => e.type === 'usage')).toEqual({ type: 'usage', usage: { inputTokens: 9, outputTokens: 3 } });
    expect(parts.at(-1)).toEqual({ type: 'finish', reason: 'stop' });
  });

  it('streams whole tool calls as start + full-argument delta + end', async () => {
    fake.reply({ toolCalls: [{ name: 'get_weather', arguments: { city: 'Oslo' } }] });
    const parts = await collect(p.stream(request({ stream: true, tools: [weather] }), ctx()));
    const id = parts.find((e) => e.type === 'tool-call-start')?.id;
    expect(id).toMatch(/^call_/);
    expect(parts.filter((e) => e.type !== 'response-start' && e.type !== 'usage')).toEqual([
      { type: 'tool-call-start', id, name: 'get_weather' },
      { type: 'tool-call-delta', id, argumentsDelta: '{"city":"Oslo"}' },
      { type: 'tool-call-end', id },
      { type: 'finish', reason: 'tool_calls' },
    ]);
  });

  it('reuses one keep-alive connection across sequential streams and chats', async () => {
    const before = fake.connections();
    for (let i = 0; i < 10; i++) {
      await collect(p.stream(request({ stream: true }), ctx()));
      await p.chat(request(), ctx());
    }
    expect(fake.connections() - before).toBeLessThanOrEqual(1);
  });

  it('sends credentials in the base URL as Basic auth, and never shows them', async () => {
    const authed = makeProvider({ id: 'ollama-lan', kind: 'ollama', baseUrl: fake.url.replace('://', '://me:p%40ss@') });
    expect(authed.endpoint).toBe(fake.url);
    await authed.chat(request(), ctx());
    expect(fake.requests.at(-1)?.headers.authorization).toBe(`Basic ${Buffer.from('me:p@ss').toString('base64')}`);
    await authed.close?.();
  });

  it('maps done_reason length', async () => {
    fake.reply({ text: 'cut', doneReason: 'length' });
    expect((await p.chat(request(), ctx())).finishReason).toBe('length');
  });

  it('lists models from /api/tags and embeds through /api/embed', async () => {
    const models = await p.listModels(ctx());
    expect(models.map((m) => m.id)).toEqual(['qwen2.5-coder:7b', 'llama3.2:latest', 'nomic-embed-text:latest']);
    expect(models[0].sizeBytes).toBeGreaterThan(0);
    const e = await p.embed!({ upstreamModel: 'nomic-embed-text', input: ['x', 'y'] }, ctx());
    expect(e.vectors).toHaveLength(2);
    expect(body()).toEqual({ model: 'nomic-embed-text', input: ['x', 'y'], keep_alive: '10m' });
  });

  describe('text tool calls (on by default for Ollama)', () => {
    it('Qwen <tool_call> text in a stream becomes a real tool call', async () => {
      fake.reply({ text: '<tool_call>\n{"name": "get_weather", "arguments": {"city": "Lima"}}\n</tool_call>', chunks: 5 });
      const parts = await collect(p.stream(request({ stream: true, tools: [weather] }), ctx()));
      expect(textOf(parts)).toBe('');
      expect(parts.some((e) => e.type === 'text-start')).toBe(false);
      const starts = parts.filter((e) => e.type === 'tool-call-start');
      expect(starts).toEqual([{ type: 'tool-call-start', id: expect.any(String), name: 'get_weather' }]);
      const id = starts[0].id;
      expect(parts.find((e) => e.type === 'tool-call-delta')).toEqual({ type: 'tool-call-delta', id, argumentsDelta: '{"city":"Lima"}' });
      expect(parts.at(-2)).toEqual({ type: 'tool-call-end', id });
      expect(parts.at(-1)).toEqual({ type: 'finish', reason: 'tool_calls' });
      expect(parts.some((e) => e.type === 'usage')).toBe(true);
    });

    it('Llama {"name", "parameters"} text (non-stream) becomes a real tool call', async () => {
      fake.reply({ text: '<|python_tag|>{"name": "get_weather", "parameters": {"city": "Kyiv"}}<|eom_id|>' });
      const r = await p.chat(request({ tools: [weather] }), ctx());
      expect(r).toMatchObject({ text: '', finishReason: 'tool_calls', toolCalls: [{ name: 'get_weather', arguments: '{"city":"Kyiv"}' }] });
    });

    it('a call to a tool that was not offered stays text', async () => {
      const text = '{"name": "delete_all", "parameters": {}}';
      fake.reply({ text });
      const r = await p.chat(request({ tools: [weather] }), ctx());
      expect(r).toMatchObject({ text, toolCalls: [], finishReason: 'stop' });
    });

    it('prose still streams chunk by chunk when tools are offered', async () => {
      fake.reply({ text: 'The weather is nice today', chunks: 5, delayMs: 40 });
      const t0 = performance.now();
      const arrivals: number[] = [];
      const texts: string[] = [];
      for await (const e of p.stream(request({ stream: true, tools: [weather] }), ctx())) {
        if (e.type === 'text-delta') {
          texts.push(e.delta);
          arrivals.push(performance.now() - t0);
        }
      }
      expect(texts.join('')).toBe('The weather is nice today');
      expect(texts.length).toBe(5);
      // The first piece arrived well before the last (not held until the end).
      expect(arrivals[4] - arrivals[0]).toBeGreaterThan(100);
    });

    it('is off when the provider setting says so', async () => {
      const off = makeProvider({ id: 'ollama-raw', kind: 'ollama', baseUrl: fake.url, parseTextToolCalls: false });
      const text = '<tool_call>{"name": "get_weather", "arguments": {"city": "Lima"}}</tool_call>';
      fake.reply({ text });
      expect((await off.chat(request({ tools: [weather] }), ctx())).text).toBe(text);
      await off.close?.();
    });
  });
});

describe('Ollama adapter: failures', () => {
  let fake: FakeOllama;
  let p: Provider;
  beforeAll(async () => {
    fake = await startFakeOllama();
    p = makeProvider({ id: 'ollama', kind: 'ollama', baseUrl: fake.url }, { firstByteTimeoutMs: 300, idleChunkTimeoutMs: 300, upstreamTimeoutMs: 400 });
  });
  afterAll(async () => {
    await p.close?.();
    await fake.close();
  });
  afterEach(() => {
    fake.setFault(null);
    fake.reply({});
  });

  it('Ollama not running → 502 naming the provider and URL, within 50 ms', async () => {
    const url = await closedPortUrl();
    const down = makeProvider({ id: 'ollama', kind: 'ollama', baseUrl: url });
    await failure(down.listModels(ctx())); // warm up: the first fetch loads undici's fetch code (~100 ms on a busy box)
    // Best of three: a refused connect is immediate; on this shared 2-core box a single try can lose the CPU.
    let best = Infinity;
    let e: Awaited<ReturnType<typeof failure>> | undefined;
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      e = await failure(down.chat(request(), ctx()));
      best = Math.min(best, performance.now() - t0);
    }
    expect(best).toBeLessThan(50);
    expect(e).toMatchObject({ kind: 'upstream_connect', status: 502, provider: 'ollama' });
    expect(e?.message).toContain(url);
    expect((await failure(collect(down.stream(request({ stream: true }), ctx()))))).toMatchObject({ kind: 'upstream_connect' });
    await down.close?.();
  });

  it('Ollama stops and comes back: refused, then answers again', async () => {
    await fake.stop();
    expect(await failure(p.chat(request(), ctx()))).toMatchObject({ kind: 'upstream_connect' });
    await fake.restart();
    expect((await p.chat(request(), ctx())).text).toContain('fake Ollama');
  });

  it('unknown model → the upstream 404 with Ollama’s message wrapped', async () => {
    const strict = await startFakeOllama({ strictModels: true });
    const sp = makeProvider({ id: 'ollama', kind: 'ollama', baseUrl: strict.url });
    const e = await failure(sp.chat(request({ upstreamModel: 'nope' }), ctx()));
    expect(e).toMatchObject({ kind: 'upstream_http', status: 404, upstreamStatus: 404 });
    expect(e.message).toContain('model "nope" not found, try pulling it first');
    expect(await failure(collect(sp.stream(request({ upstreamModel: 'nope', stream: true }), ctx())))).toMatchObject({ status: 404 });
    await sp.close?.();
    await strict.close();
  });

  it('500 and 429 with Retry-After', async () => {
    fake.setFault({ status: 500, body: { error: 'llama runner process has terminated' } }, { times: 1 });
    expect(await failure(p.chat(request(), ctx()))).toMatchObject({ kind: 'upstream_http', status: 500, message: expect.stringContaining('llama runner') });
    fake.setFault({ status: 429, body: { error: 'busy' }, headers: { 'retry-after': '3' } }, { times: 1 });
    expect(await failure(collect(p.stream(request({ stream: true }), ctx())))).toMatchObject({ kind: 'rate_limited', retryAfterMs: 3000 });
  });

  it('invalid JSON, HTML, empty 200 → upstream_protocol; a truncated NDJSON line throws after the first chunk', async () => {
    for (const fault of ['invalid-json', 'html-error', 'empty-200'] as const) {
      fake.setFault(fault, { times: 1 });
      expect(await failure(p.chat(request(), ctx())), fault).toMatchObject({ kind: 'upstream_protocol', status: 502 });
      fake.setFault(fault, { times: 1 });
      expect(await failure(collect(p.stream(request({ stream: true }), ctx()))), fault).toMatchObject({ kind: 'upstream_protocol' });
    }
    fake.setFault('truncated-ndjson', { times: 1 });
    const seen: string[] = [];
    const e = await failure(
      (async () => {
        for await (const x of p.stream(request({ stream: true }), ctx())) seen.push(x.type);
      })(),
    );
    expect(seen).toEqual(['response-start', 'text-start', 'text-delta']);
    expect(e).toMatchObject({ kind: 'upstream_protocol', status: 502 });
  });

  it('a slow non-streaming answer is governed by the whole-call deadline, not the first-byte timeout', async () => {
    const patient = makeProvider({ id: 'ollama', kind: 'ollama', baseUrl: fake.url }, { firstByteTimeoutMs: 150, upstreamTimeoutMs: 3000 });
    fake.reply({ text: 'loaded', headersDelayMs: 1200 }); // undici's header timer ticks every ~0.5 s
    expect((await patient.chat(request(), ctx())).text).toBe('loaded');
    expect(await failure(collect(patient.stream(request({ stream: true }), ctx())))).toMatchObject({ kind: 'upstream_timeout', status: 504 });
    await patient.close?.();
  });

  it('hang → 504; cut mid-stream → error after the first chunks', async () => {
    fake.setFault('hang-before-headers');
    expect(await failure(p.chat(request(), ctx()))).toMatchObject({ kind: 'upstream_timeout', status: 504 });
    expect(await failure(collect(p.stream(request({ stream: true }), ctx())))).toMatchObject({ kind: 'upstream_timeout', status: 504 });
    fake.setFault('cut-mid-stream', { afterChunks: 2 });
    fake.reply({ text: 'a b c d e' });
    const seen: string[] = [];
    const e = await failure(
      (async () => {
        for await (const x of p.stream(request({ stream: true }), ctx())) seen.push(x.type);
      })(),
    );
    expect(seen).toEqual(['response-start', 'text-start', 'text-delta', 'text-delta']);
    expect(e).toMatchObject({ kind: 'upstream_connect', status: 502 });
  });

  it('aborting the signal, or stopping early, closes the upstream connection', async () => {
    fake.reply({ text: 'a b c d e f g', delayMs: 50 });
    const ac = new AbortController();
    const it = p.stream(request({ stream: true }), ctx(ac.signal))[Symbol.asyncIterator]();
    // The parts of the first line (start, text-start, the first delta); the next pull reads the wire.
    for (let r = await it.next(); !r.done && r.value.type !== 'text-delta'; r = await it.next());
    ac.abort();
    await fake.waitForAbort(1000);
    expect(await failure(it.next())).toMatchObject({ kind: 'aborted' });

    fake.requests.length = 0;
    for await (const e of p.stream(request({ stream: true }), ctx())) if (e.type === 'text-delta') break;
    await fake.waitForAbort(1000);
    expect(fake.requests[0].aborted).toBe(true);

    fake.requests.length = 0;
    fake.setFault('hang-before-headers');
    const ac2 = new AbortController();
    const pending = failure(p.chat(request(), ctx(ac2.signal)));
    await new Promise((r) => setTimeout(r, 30));
    ac2.abort();
    expect(await pending).toMatchObject({ kind: 'aborted', status: 499 });
    await fake.waitForAbort(1000);
  });
});
