// The strict fake Ollama's own rules (so that the gateway tests against it mean something), the facts cache, the
// context plan, and the adapter's message mapping for issue 19 (mid-conversation system, listModels kinds).
import { Ollama } from 'ollama';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { factsFromShow, modelKind, OllamaFactsCache } from '../../main/providers/ollama-capabilities.js';
import { planContext } from '../../main/providers/ollama-context.js';
import { startFakeOllama, type FakeOllama } from '../fakes/ollama.js';
import { ctx, makeProvider, request } from './helpers.js';

describe('the fake Ollama behaves like the real one', () => {
  let fake: FakeOllama;
  const chat = (body: Record<string, unknown>) =>
    fetch(`${fake.url}/api/chat`, { method: 'POST', body: JSON.stringify({ stream: false, messages: [{ role: 'user', content: 'hi' }], ...body }) });
  beforeAll(async () => {
    fake = await startFakeOllama({ models: ['qwen2.5-coder:7b', 'qwen3:8b', 'llava:7b', 'nomic-embed-text'], modelSpecs: { 'llava:7b': { contextLength: 4096 } } });
  });
  afterAll(() => fake.close());

  it('/api/show: capabilities and <arch>.context_length by model, `name` = `name:latest`', async () => {
    const client = new Ollama({ host: fake.url });
    const coder = await client.show({ model: 'qwen2.5-coder:7b' });
    expect(coder.capabilities).toEqual(['completion', 'tools', 'insert']);
    expect(coder.model_info).toMatchObject({ 'general.architecture': 'qwen2', 'qwen2.context_length': 32768 });
    expect((await client.show({ model: 'qwen3:8b' })).capabilities).toEqual(['completion', 'tools', 'thinking']);
    expect((await client.show({ model: 'llava:7b' })).model_info).toMatchObject({ 'llama.context_length': 4096 });
    expect((await client.show({ model: 'nomic-embed-text' })).capabilities).toEqual(['embedding']);
    expect(await client.show({ model: 'nomic-embed-text:latest' })).toEqual(await client.show({ model: 'nomic-embed-text' }));
    expect((await client.list()).models.map((m) => m.name)).toContain('nomic-embed-text:latest');
  });

  it('/api/chat: Ollama’s 400s for think, tools and chat a model can’t do; think: false is fine', async () => {
    let r = await chat({ model: 'qwen2.5-coder:7b', think: true });
    expect(r.status).toBe(400);
    expect(await r.json()).toEqual({ error: '"qwen2.5-coder:7b" does not support thinking' });
    expect((await chat({ model: 'qwen2.5-coder:7b', think: false })).status).toBe(200);
    expect((await chat({ model: 'qwen3:8b', think: true })).status).toBe(200);
    r = await chat({ model: 'llava:7b', tools: [{ type: 'function', function: { name: 'f', parameters: {} } }] });
    expect(r.status).toBe(400);
    expect(await r.json()).toEqual({ error: 'registry.ollama.ai/library/llava:7b does not support tools' });
    r = await chat({ model: 'nomic-embed-text' });
    expect(r.status).toBe(400);
    expect(await r.json()).toEqual({ error: '"nomic-embed-text" does not support chat' });
  });

  it('truncates a prompt over num_ctx (default 4096) silently, and records it', async () => {
    const long = 'word '.repeat(5000); // 25,000 characters: over 4096 of the fake's tokens
    const messages = [{ role: 'system', content: 'rules' }, { role: 'user', content: long }, { role: 'assistant', content: 'ok' }, { role: 'user', content: 'and?' }];
    const r = await chat({ model: 'qwen2.5-coder:7b', messages });
    expect(r.status).toBe(200);
    expect(fake.truncations.splice(0)).toEqual([{ path: '/api/chat', model: 'qwen2.5-coder:7b', numCtx: 4096, promptTokens: expect.any(Number), droppedMessages: 1 }]);
    expect((await chat({ model: 'qwen2.5-coder:7b', messages, options: { num_ctx: 8192 } })).status).toBe(200);
    expect(fake.truncations).toEqual([]);
    // num_ctx above the trained context is clamped to it (llm/server.go): llava here has 4096.
    await chat({ model: 'llava:7b', messages, options: { num_ctx: 8192 } });
    expect(fake.truncations.splice(0)).toMatchObject([{ numCtx: 4096 }]);
  });
});

describe('facts from /api/show', () => {
  it('reads capabilities, the context length, a Modelfile num_ctx and the family', () => {
    const f = factsFromShow({
      capabilities: ['completion', 'tools'],
      model_info: { 'general.architecture': 'qwen2', 'qwen2.context_length': 32768 },
      parameters: 'num_keep 24\nnum_ctx                        8192\nstop "<|im_end|>"',
      details: { family: 'qwen2' },
    });
    expect(f).toEqual({ capabilities: new Set(['completion', 'tools']), contextLength: 32768, modelfileNumCtx: 8192, family: 'qwen2' });
    expect(factsFromShow({ details: {} })).toEqual({ capabilities: undefined, contextLength: undefined, modelfileNumCtx: undefined, family: undefined });
    expect(factsFromShow('not json')).toEqual({});
  });

  it('kind: embedding only when the model can’t complete; by family or name when unknown', () => {
    expect(modelKind('x', { capabilities: new Set(['embedding']) })).toBe('embedding');
    expect(modelKind('x', { capabilities: new Set(['completion', 'embedding']) })).toBe('chat');
    expect(modelKind('nomic-embed-text:latest', {})).toBe('embedding');
    expect(modelKind('bge-m3:latest', {}, 'bert')).toBe('embedding');
    expect(modelKind('llama3.2:latest', {}, 'llama')).toBe('chat');
  });

  it('caches per model (`name` = `name:latest`), one lookup at a time; a failure is retried after retryMs', async () => {
    let now = 0;
    let calls = 0;
    let fail = true;
    const cache = new OllamaFactsCache(
      async () => {
        calls++;
        if (fail) throw new Error('down');
        return { capabilities: ['completion'] };
      },
      { retryMs: 1000, ttlMs: 60_000, now: () => now },
    );
    const [a, b] = await Promise.all([cache.get('m'), cache.get('m:latest')]);
    expect(a).toEqual({});
    expect(b).toBe(a);
    expect(calls).toBe(1);
    fail = false;
    now = 999;
    await cache.get('m');
    expect(calls).toBe(1);
    now = 1001;
    expect((await cache.get('m')).capabilities).toEqual(new Set(['completion']));
    expect(calls).toBe(2);
    now = 50_000;
    await cache.get('m');
    expect(calls).toBe(2);
    cache.forget('m:latest');
    await cache.get('m');
    expect(calls).toBe(3);
  });
});

describe('planContext', () => {
  it('rounds prompt + budget up to a fixed size, capped at the model, never below the floor', () => {
    expect(planContext({ promptTokens: 100 })).toEqual({ fits: true, numCtx: 4096, numPredict: 3996, clampedTo: undefined });
    expect(planContext({ promptTokens: 20_000, maxTokens: 4096, contextLength: 131072 })).toMatchObject({ numCtx: 32768, numPredict: 4096 });
    expect(planContext({ promptTokens: 100, maxTokens: 100, floor: 16384 })).toMatchObject({ numCtx: 16384, numPredict: 100 });
    expect(planContext({ promptTokens: 30_000, maxTokens: 32_000, contextLength: 40960 })).toEqual({ fits: true, numCtx: 40960, numPredict: 10960, clampedTo: 10960 });
    expect(planContext({ promptTokens: 40_000, maxTokens: 32_000, contextLength: 40960 })).toEqual({ fits: false, needed: 41024, limit: 40960 });
    expect(planContext({ promptTokens: 300_000 })).toMatchObject({ numCtx: 524288 });
  });
});

describe('adapter mapping', () => {
  let fake: FakeOllama;
  beforeAll(async () => {
    fake = await startFakeOllama({ models: ['llama3.2', 'nomic-embed-text', 'mxbai-embed-large'] });
  });
  afterAll(() => fake.close());

  it('a system message in the middle of the conversation goes through in place', async () => {
    const p = makeProvider({ id: 'ollama', kind: 'ollama', baseUrl: fake.url });
    await p.chat(
      request({
        system: 'first',
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'a' }] },
          { role: 'system', content: [{ type: 'text', text: 'mid' }] },
          { role: 'user', content: [{ type: 'text', text: 'b' }] },
        ],
      }),
      ctx(),
    );
    expect((fake.requests.at(-1)?.body as { messages: unknown }).messages).toEqual([
      { role: 'system', content: 'first' },
      { role: 'user', content: 'a' },
      { role: 'system', content: 'mid' },
      { role: 'user', content: 'b' },
    ]);
    await p.close?.();
  });

  it('listModels tells embedding models apart (from /api/show, or by family when it fails)', async () => {
    const p = makeProvider({ id: 'ollama', kind: 'ollama', baseUrl: fake.url });
    expect((await p.listModels(ctx())).map((m) => [m.id, m.kind])).toEqual([
      ['llama3.2:latest', 'chat'],
      ['nomic-embed-text:latest', 'embedding'],
      ['mxbai-embed-large:latest', 'embedding'],
    ]);
    await p.close?.();
    fake.setFault({ status: 500, body: { error: 'x' } }, { path: '/api/show' });
    const q = makeProvider({ id: 'ollama2', kind: 'ollama', baseUrl: fake.url });
    expect((await q.listModels(ctx())).map((m) => m.kind)).toEqual(['chat', 'embedding', 'embedding']);
    fake.setFault(null);
    await q.close?.();
  });
});
