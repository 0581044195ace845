import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Provider } from '../../main/core/provider.js';
import { closedPortUrl, startFakeOpenAI, type FakeOpenAI } from '../fakes/openai.js';
import { collect, ctx, failure, makeProvider, request, textOf } from './helpers.js';

const KEY = 'sk-proj-SuperSecretKey1234567890';

describe('OpenAI-compatible adapter', () => {
  let fake: FakeOpenAI;
  let openai: Provider;
  let compat: Provider;
  const body = (i = -1): Record<string, unknown> => fake.requests.at(i)?.body as Record<string, unknown>;

  beforeAll(async () => {
    fake = await startFakeOpenAI();
    openai = makeProvider({ id: 'openai', kind: 'openai', baseUrl: `${fake.url}/chat/completions`, apiKey: KEY });
    compat = makeProvider({ id: 'lan', kind: 'openai-compatible', baseUrl: fake.url, local: true });
  });
  afterAll(async () => {
    await openai.close?.();
    await compat.close?.();
    await fake.close();
  });
  afterEach(() => {
    fake.setFault(null);
    fake.reply({});
  });

  it('answers a chat and sends the translated request (Lynkr full-form base URL accepted)', async () => {
    fake.reply({ text: 'Bonjour', usage: { prompt_tokens: 11, completion_tokens: 3, cached_tokens: 4 } });
    const r = await openai.chat(
      request({
        system: 'Be brief.',
        maxTokens: 50,
        temperature: 0.2,
        topP: 0.9,
        stop: ['END'],
        seed: 7,
        user: 'u1',
        responseFormat: { type: 'json_schema', name: 'out', schema: { type: 'object' }, strict: true },
      }),
      ctx(),
    );
    expect(r).toMatchObject({ text: 'Bonjour', finishReason: 'stop', model: 'fake-model', usage: { inputTokens: 11, outputTokens: 3, cachedInputTokens: 4 } });
    expect(fake.requests.at(-1)?.path).toBe('/v1/chat/completions');
    expect(fake.requests.at(-1)?.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(body()).toEqual({
      model: 'fake-model',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hello there' },
      ],
      response_format: { type: 'json_schema', json_schema: { name: 'out', schema: { type: 'object' }, strict: true } },
      temperature: 0.2,
      top_p: 0.9,
      max_completion_tokens: 50,
      stop: ['END'],
      seed: 7,
      user: 'u1',
    });
    expect(openai.locality).toBe('cloud');
    expect(compat.locality).toBe('local');
    expect(openai.endpoint).toBe(fake.url);
  });

  it('translates images, tools, tool choice, assistant tool calls and tool results; uses max_tokens off OpenAI', async () => {
    fake.reply({ toolCalls: [{ name: 'get_weather', arguments: { city: 'Paris' }, id: 'call_1' }] });
    const r = await compat.chat(
      request({
        maxTokens: 20,
        tools: [{ name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } }],
        toolChoice: { name: 'get_weather' },
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'look' }, { type: 'image', mediaType: 'image/png', data: 'iVBORw0KGgo=' }] },
          { role: 'assistant', content: [], toolCalls: [{ id: 'call_0', name: 'get_weather', arguments: '{"city":"Rome"}' }] },
          { role: 'tool', toolCallId: 'call_0', content: [{ type: 'text', text: 'sunny' }] },
        ],
      }),
      ctx(),
    );
    expect(r.toolCalls).toEqual([{ id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' }]);
    expect(r.finishReason).toBe('tool_calls');
    expect(fake.requests.at(-1)?.headers.authorization).toBeUndefined();
    const b = body();
    expect(b.max_tokens).toBe(20);
    expect(b.tools).toEqual([
      { type: 'function', function: { name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } },
    ]);
    expect(b.tool_choice).toEqual({ type: 'function', function: { name: 'get_weather' } });
    expect(b.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'look' },
          { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
        ],
      },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_0', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Rome"}' } }] },
      { role: 'tool', tool_call_id: 'call_0', content: 'sunny' },
    ]);
  });

  it('streams parts in order, always asking for usage; raw frames only under pass-through', async () => {
    fake.reply({ text: 'one two three', reasoning: 'hmm', usage: { prompt_tokens: 5, completion_tokens: 3 } });
    const parts = await collect(compat.stream(request({ stream: true }), ctx()));
    expect(body().stream).toBe(true);
    expect(body().stream_options).toEqual({ include_usage: true });
    expect(parts.map((e) => e.type)).toEqual([
      'response-start',
      'reasoning-start', 'reasoning-delta', 'reasoning-end',
      'text-start', 'text-delta', 'text-delta', 'text-delta', 'text-end',
      'finish', 'usage',
    ]);
    expect(textOf(parts)).toBe('one two three');
    expect(parts.at(-1)).toEqual({ type: 'usage', usage: { inputTokens: 5, outputTokens: 3 } });
    expect(parts[0]).toMatchObject({ type: 'response-start', id: expect.stringMatching(/^chatcmpl-fake/), model: 'fake-model' });

    // Pass-through (the client speaks OpenAI chat): each frame's parts are followed by its exact data line, so the
    // client can be sent the bytes untouched.
    const native = { format: 'openai-chat' as const, body: { model: 'client-model', messages: [{ role: 'user', content: 'Hello there' }], stream: true } };
    const passed = await collect(compat.stream(request({ stream: true, native }), ctx()));
    expect(passed.filter((e) => e.type !== 'raw-frame')).toEqual(parts.map((e) => (e.type === 'response-start' ? { ...e, id: expect.any(String), created: expect.any(Number) } : e)));
    const frames = passed.flatMap((e) => (e.type === 'raw-frame' ? [JSON.parse(e.data) as { object: string; choices: Array<{ delta?: { content?: string } }> }] : []));
    for (const f of frames) expect(f).toHaveProperty('object', 'chat.completion.chunk');
    expect(frames.map((f) => f.choices[0]?.delta?.content ?? '').join('')).toBe('one two three');
    expect(passed.at(-1)?.type).toBe('raw-frame');
  });

  it('streams tool-call deltas with their index', async () => {
    fake.reply({
      toolCalls: [
        { name: 'a', arguments: { x: 1 } },
        { name: 'b', arguments: { y: 'two' } },
      ],
    });
    const parts = await collect(compat.stream(request({ stream: true, tools: [{ name: 'a', parameters: {} }, { name: 'b', parameters: {} }] }), ctx()));
    const starts = parts.filter((e) => e.type === 'tool-call-start');
    expect(starts.map((e) => e.name)).toEqual(['a', 'b']);
    const [a, b] = starts.map((e) => e.id);
    expect(a).not.toBe(b);
    const args = (id: string): string =>
      parts.map((e) => (e.type === 'tool-call-delta' && e.id === id ? e.argumentsDelta : '')).join('');
    expect(JSON.parse(args(a))).toEqual({ x: 1 });
    expect(JSON.parse(args(b))).toEqual({ y: 'two' });
    expect(parts.filter((e) => e.type === 'tool-call-delta').length).toBeGreaterThan(2);
    // Each call ends, after its last argument chunk and before the finish.
    const finish = parts.findIndex((e) => e.type === 'finish');
    for (const id of [a, b]) {
      const end = parts.findIndex((e) => e.type === 'tool-call-end' && e.id === id);
      expect(end).toBeGreaterThan(parts.findLastIndex((e) => e.type === 'tool-call-delta' && e.id === id));
      expect(end).toBeLessThan(finish);
    }
    expect(parts[finish]).toEqual({ type: 'finish', reason: 'tool_calls' });
  });

  it('ends cleanly on [DONE] even without a finish_reason', async () => {
    fake.reply({ text: 'ok', finishReason: '' });
    const parts = await collect(compat.stream(request({ stream: true }), ctx()));
    expect(parts.at(-1)).toEqual({ type: 'finish', reason: 'stop' });
    expect(parts.at(-2)?.type).toBe('text-end');
    expect(textOf(parts)).toBe('ok');
  });

  it('passes a same-format client body through, keeping only fields the upstream understands', async () => {
    await compat.chat(
      request({
        native: {
          format: 'openai-chat',
          body: { model: 'alias', messages: [{ role: 'user', content: 'hi' }], logit_bias: { '50256': -100 }, n: 3, lynkr_extra: 1, stream: true, stream_options: { include_usage: false } },
        },
      }),
      ctx(),
    );
    expect(body()).toEqual({ model: 'fake-model', messages: [{ role: 'user', content: 'hi' }], logit_bias: { '50256': -100 } });
    await collect(compat.stream(request({ stream: true, native: { format: 'openai-chat', body: { model: 'x', messages: [{ role: 'user', content: 'hi' }] } } }), ctx()));
    expect(body()).toEqual({ model: 'fake-model', messages: [{ role: 'user', content: 'hi' }], stream: true, stream_options: { include_usage: true } });
  });

  it('parses text tool calls only when the provider turns it on (then it declines pass-through)', async () => {
    const tools = [{ name: 'search', parameters: { type: 'object' } }];
    fake.reply({ text: '{"name": "search", "parameters": {"q": "llamas"}}' });
    expect((await compat.chat(request({ tools }), ctx())).toolCalls).toEqual([]);
    const on = makeProvider({ id: 'lms', kind: 'lmstudio', baseUrl: fake.url, parseTextToolCalls: true });
    expect((await on.chat(request({ tools }), ctx())).toolCalls).toMatchObject([{ name: 'search', arguments: '{"q":"llamas"}' }]);
    // As the pipeline does: a same-format request carries the client's body, and fit() decides whether it stays.
    const native = { format: 'openai-chat' as const, body: { model: 'client-model', messages: [{ role: 'user', content: 'Hello there' }], stream: true } };
    const fitted = await on.fit!(request({ stream: true, tools, native }), ctx());
    expect(fitted.request.native).toBeUndefined();
    expect((await compat.fit!(request({ stream: true, tools, native }), ctx())).request.native).toBeDefined();
    const parts = await collect(on.stream(fitted.request, ctx()));
    expect(parts.filter((e) => e.type === 'tool-call-start')).toHaveLength(1);
    expect(textOf(parts)).toBe('');
    expect(parts.some((e) => e.type === 'raw-frame')).toBe(false);
    await on.close?.();
  });

  it('sends OpenRouter its recommended headers', async () => {
    const or = makeProvider({ id: 'openrouter', kind: 'openrouter', baseUrl: fake.url, apiKey: 'k-123456789', headers: { 'X-Title': 'Mine' } });
    await or.chat(request({ native: { format: 'openai-chat', body: { messages: [], provider: { order: ['x'] } } } }), ctx());
    const h = fake.requests.at(-1)?.headers ?? {};
    expect(h['http-referer']).toMatch(/^https:\/\//);
    expect(h['x-title']).toBe('Mine');
    expect(body().provider).toEqual({ order: ['x'] });
    await or.close?.();
  });

  it('sends credentials in the base URL as Basic auth, and never shows them', async () => {
    const authed = makeProvider({ id: 'proxy', kind: 'openai-compatible', baseUrl: fake.url.replace('://', '://me:secret@') });
    expect(authed.endpoint).toBe(fake.url);
    await authed.chat(request(), ctx());
    expect(fake.requests.at(-1)?.headers.authorization).toBe(`Basic ${Buffer.from('me:secret').toString('base64')}`);
    await authed.close?.();
  });

  it('keeps a query string of the base URL (e.g. api-version) on every call', async () => {
    const q = makeProvider({ id: 'q', kind: 'openai-compatible', baseUrl: `${fake.url}/chat/completions?api-version=2024-10-21` });
    await q.chat(request(), ctx());
    expect(fake.requests.at(-1)?.url).toBe('/v1/chat/completions?api-version=2024-10-21');
    expect(q.endpoint).toBe(fake.url);
    await q.close?.();
  });

  it('lists models and embeds', async () => {
    expect((await compat.listModels(ctx())).map((m) => m.id)).toEqual(['gpt-4o-mini', 'gpt-4o', 'fake-model']);
    const e = await compat.embed!({ upstreamModel: 'text-embedding-3-small', input: ['a', 'b'], dimensions: 4 }, ctx());
    expect(e.vectors).toHaveLength(2);
    expect(e.vectors[0]).toHaveLength(4);
    expect(body()).toEqual({ model: 'text-embedding-3-small', input: ['a', 'b'], encoding_format: 'float', dimensions: 4 });
  });

  it('reuses one keep-alive connection across sequential streams and chats', async () => {
    const before = fake.connections();
    for (let i = 0; i < 10; i++) {
      await collect(compat.stream(request({ stream: true }), ctx()));
      await compat.chat(request(), ctx());
    }
    expect(fake.connections() - before).toBeLessThanOrEqual(1);
  });

  it('starts the upstream request lazily, on the first next()', async () => {
    const before = fake.count('/chat/completions');
    const it = compat.stream(request({ stream: true }), ctx())[Symbol.asyncIterator]();
    await new Promise((r) => setTimeout(r, 20));
    expect(fake.count('/chat/completions')).toBe(before);
    await it.next();
    expect(fake.count('/chat/completions')).toBe(before + 1);
    await it.return?.();
  });
});

describe('OpenAI-compatible adapter: failures', () => {
  let fake: FakeOpenAI;
  let p: Provider;
  const fast = { firstByteTimeoutMs: 300, idleChunkTimeoutMs: 300, upstreamTimeoutMs: 400, connectTimeoutMs: 300 };

  beforeAll(async () => {
    fake = await startFakeOpenAI();
    p = makeProvider({ id: 'cloudy', kind: 'openai', baseUrl: fake.url, apiKey: KEY }, fast);
  });
  afterAll(async () => {
    await p.close?.();
    await fake.close();
  });
  afterEach(() => {
    fake.setFault(null);
    fake.reply({});
  });

  it('a refused connection is a 502 naming the provider and URL, within 50 ms, stream or not', async () => {
    const url = await closedPortUrl();
    const down = makeProvider({ id: 'local-llm', kind: 'openai-compatible', baseUrl: url, apiKey: KEY });
    expect(await failure(down.listModels(ctx()))).toMatchObject({ kind: 'upstream_connect' }); // also warms the code path
    // Best of three: a refused connect is immediate; on this shared 2-core box a single try can lose the CPU.
    let best = Infinity;
    let e: Awaited<ReturnType<typeof failure>> | undefined;
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      e = await failure(down.chat(request(), ctx()));
      best = Math.min(best, performance.now() - t0);
    }
    expect(best).toBeLessThan(50);
    expect(e).toMatchObject({ kind: 'upstream_connect', status: 502, provider: 'local-llm' });
    expect(e?.message).toContain('local-llm');
    expect(e?.message).toContain(url);
    expect(e?.message).toContain('refused');
    const s = await failure(collect(down.stream(request({ stream: true }), ctx())));
    expect(s).toMatchObject({ kind: 'upstream_connect', status: 502 });
    await down.close?.();
  });

  it('no headers in time → 504 (stream: first-byte timeout; chat: whole-call deadline)', async () => {
    fake.setFault('hang-before-headers');
    const t0 = performance.now();
    const e = await failure(p.chat(request(), ctx()));
    expect(e).toMatchObject({ kind: 'upstream_timeout', status: 504, provider: 'cloudy' });
    expect(performance.now() - t0).toBeLessThan(1500);
    const s = await failure(collect(p.stream(request({ stream: true }), ctx())));
    expect(s).toMatchObject({ kind: 'upstream_timeout', status: 504 });
    expect(s.message).toMatch(/no response within 300 ms/);
  });

  it('a slow non-streaming answer is governed by the whole-call deadline, not the first-byte timeout', async () => {
    const patient = makeProvider({ id: 'patient', kind: 'openai', baseUrl: fake.url }, { firstByteTimeoutMs: 150, upstreamTimeoutMs: 3000 });
    fake.reply({ text: 'worth the wait', headersDelayMs: 1200 }); // undici's header timer ticks every ~0.5 s
    expect((await patient.chat(request(), ctx())).text).toBe('worth the wait');
    // A stream must show its first byte in time.
    expect(await failure(collect(patient.stream(request({ stream: true }), ctx())))).toMatchObject({ kind: 'upstream_timeout', status: 504 });
    await patient.close?.();
  });

  it('a stream that goes silent mid-way → 504 after the idle timeout, after the first chunks', async () => {
    fake.setFault('hang-mid-stream', { afterChunks: 2 });
    const seen: string[] = [];
    const e = await failure(
      (async () => {
        for await (const x of p.stream(request({ stream: true }), ctx())) seen.push(x.type);
      })(),
    );
    expect(seen).toEqual(['response-start', 'text-start', 'text-delta']);
    expect(e).toMatchObject({ kind: 'upstream_timeout', status: 504 });
    expect(e.message).toMatch(/silent/);
  });

  it('429 → rate_limited with Retry-After (seconds, HTTP date, retry-after-ms)', async () => {
    fake.setFault({ status: 429, body: { error: { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' } }, headers: { 'retry-after': '2' } }, { times: 1 });
    const e = await failure(p.chat(request(), ctx()));
    expect(e).toMatchObject({ kind: 'rate_limited', status: 429, upstreamStatus: 429, retryAfterMs: 2000, code: 'rate_limit_exceeded', provider: 'cloudy' });
    expect(e.message).toContain('Rate limit reached');

    const date = new Date(Date.now() + 5000).toUTCString();
    fake.setFault({ status: 429, body: { error: { message: 'later' } }, headers: { 'retry-after': date } }, { times: 1 });
    const d = await failure(collect(p.stream(request({ stream: true }), ctx())));
    expect(d.retryAfterMs).toBeGreaterThan(3000);
    expect(d.retryAfterMs).toBeLessThanOrEqual(5000);

    fake.setFault({ status: 429, body: {}, headers: { 'retry-after-ms': '150' } }, { times: 1 });
    expect((await failure(p.chat(request(), ctx()))).retryAfterMs).toBe(150);
  });

  it('upstream 4xx/5xx keep their status and wrap the upstream message', async () => {
    fake.setFault({ status: 500, body: { error: { message: 'The server had an error', type: 'server_error' } } }, { times: 1 });
    expect(await failure(p.chat(request(), ctx()))).toMatchObject({ kind: 'upstream_http', status: 500, message: expect.stringContaining('The server had an error') });
    fake.setFault({ status: 400, body: { error: { message: "Invalid value for 'temperature'", param: 'temperature', code: 'invalid_value' } } }, { times: 1 });
    expect(await failure(p.chat(request(), ctx()))).toMatchObject({ kind: 'invalid_request', status: 400, param: 'temperature' });
    fake.setFault({ status: 503, body: '<html><head><title>503 Service Unavailable</title></head></html>' }, { times: 1 });
    expect(await failure(p.chat(request(), ctx()))).toMatchObject({ status: 503, message: expect.stringContaining('503 Service Unavailable') });
    fake.setFault({ status: 404, body: { error: 'model "x" not found' } }, { times: 1 });
    expect(await failure(p.chat(request(), ctx()))).toMatchObject({ kind: 'upstream_http', status: 404, message: expect.stringContaining('model "x" not found') });
  });

  it('never puts the API key in an error message, even when the upstream echoes it', async () => {
    fake.setFault({ status: 401, body: { error: { message: `Incorrect API key provided: ${KEY}. Also sk-proj-Other****abcd`, code: 'invalid_api_key' } } }, { times: 1 });
    const e = await failure(p.chat(request(), ctx()));
    expect(e).toMatchObject({ kind: 'auth', status: 401 });
    expect(e.message).not.toContain(KEY);
    expect(e.message).not.toContain('SuperSecret');
    expect(e.message).not.toContain('sk-proj-Other');
    expect(e.message).toContain('Incorrect API key provided');
  });

  it('invalid JSON, an HTML page and an empty 200 are upstream_protocol 502', async () => {
    for (const fault of ['invalid-json', 'html-error', 'empty-200'] as const) {
      fake.setFault(fault, { times: 1 });
      const e = await failure(p.chat(request(), ctx()));
      expect(e, fault).toMatchObject({ kind: 'upstream_protocol', status: 502, provider: 'cloudy' });
    }
    for (const odd of ['null', '[1,2]', '"text"', '{"object":"chat.completion"}']) {
      fake.setFault({ status: 200, body: odd }, { times: 1 });
      expect(await failure(p.chat(request(), ctx())), odd).toMatchObject({ kind: 'upstream_protocol', status: 502 });
    }
    fake.setFault('html-error', { times: 1 });
    expect((await failure(collect(p.stream(request({ stream: true }), ctx())))).kind).toBe('upstream_protocol');
    fake.setFault('invalid-json', { times: 1 });
    expect((await failure(collect(p.stream(request({ stream: true }), ctx())))).kind).toBe('upstream_protocol');
  });

  it('a broken SSE frame throws upstream_protocol mid-iteration', async () => {
    fake.setFault('broken-sse', { times: 1 });
    const seen: string[] = [];
    const e = await failure(
      (async () => {
        for await (const x of p.stream(request({ stream: true }), ctx())) seen.push(x.type);
      })(),
    );
    expect(seen).toEqual(['response-start']);
    expect(e).toMatchObject({ kind: 'upstream_protocol', status: 502 });
  });

  it('a connection cut mid-stream throws after the first chunks', async () => {
    fake.reply({ text: 'a b c d e f' });
    fake.setFault('cut-mid-stream', { afterChunks: 3, times: 1 });
    const seen: string[] = [];
    const e = await failure(
      (async () => {
        for await (const x of p.stream(request({ stream: true }), ctx())) seen.push(x.type);
      })(),
    );
    expect(seen).toEqual(['response-start', 'text-start', 'text-delta', 'text-delta']);
    expect(e).toMatchObject({ kind: 'upstream_connect', status: 502, provider: 'cloudy' });
  });

  it('aborting the signal closes the upstream connection (stream, and a hanging chat)', async () => {
    fake.reply({ text: 'a b c d e f g h', delayMs: 50 });
    const ac = new AbortController();
    const it = p.stream(request({ stream: true }), ctx(ac.signal))[Symbol.asyncIterator]();
    // The parts of the first frame (start, text-start, the first delta); the next pull reads the wire.
    for (let r = await it.next(); !r.done && r.value.type !== 'text-delta'; r = await it.next());
    ac.abort();
    await fake.waitForAbort(1000);
    expect((await failure(it.next())).kind).toBe('aborted');

    fake.requests.length = 0;
    fake.setFault('hang-before-headers');
    const ac2 = new AbortController();
    const pending = failure(p.chat(request(), ctx(ac2.signal)));
    await new Promise((r) => setTimeout(r, 30));
    ac2.abort();
    expect(await pending).toMatchObject({ kind: 'aborted', status: 499 });
    await fake.waitForAbort(1000);
  });

  it('a consumer that stops early closes the upstream connection', async () => {
    fake.reply({ text: 'a b c d e f g h', delayMs: 50 });
    fake.requests.length = 0;
    for await (const e of p.stream(request({ stream: true }), ctx())) {
      if (e.type === 'text-delta') break;
    }
    await fake.waitForAbort(1000);
    expect(fake.requests[0].aborted).toBe(true);
  });
});
