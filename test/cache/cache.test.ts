import { afterEach, describe, expect, it } from 'vitest';
import type { Cache } from '../../main/cache/cache.js';
import { createNgramEmbedder } from '../../main/cache/embedders/index.js';
import type { Embedder } from '../../main/cache/embedders/types.js';
import type { ChatRequest } from '../../main/core/types.js';
import { answer, ask, ctxFor, fakeProvider, openCache, roundTrip, semanticOn, settings, target } from './fixtures.js';

const open: Cache[] = [];
const track = <T extends Cache>(c: T): T => (open.push(c), c);
afterEach(() => {
  for (const c of open.splice(0)) c.close();
});

describe('exact cache', () => {
  it('misses, stores, then hits with the same answer under a fresh id; tokens and cost are counted', async () => {
    const cache = track(openCache(settings()));
    const req = ask('What is a monad?');
    expect((await roundTrip(cache, req, ctxFor(), answer('A monoid in the category of endofunctors.'))).status).toBe('miss');
    const hit = await cache.lookup({ ...req, stream: true, includeUsage: true }, ctxFor());
    expect(hit.status).toBe('hit-exact');
    expect(hit.response?.text).toBe('A monoid in the category of endofunctors.');
    expect(hit.response?.id).toMatch(/^chatcmpl-[0-9a-f]{24}$/);
    expect(hit.response?.id).not.toBe('chatcmpl-abc123');
    const s = cache.stats();
    expect(s).toMatchObject({ entries: 1, hits: { exact: 1, semantic: 0 }, misses: 1, tokensSaved: 1500 });
    // gpt-4o-mini: 1000 in × $0.15/M + 500 out × $0.6/M
    expect(s.costSavedUsd).toBeCloseTo(0.00045, 8);
    expect(s.bytes).toBeGreaterThan(0);
  });

  it('counts no cost for answers from a local provider', async () => {
    const cache = track(openCache(settings()));
    await roundTrip(cache, ask('q'), ctxFor(), answer('a'), target('ollama/llama3', fakeProvider('ollama', 'local')));
    await cache.lookup(ask('q'), ctxFor());
    expect(cache.stats()).toMatchObject({ tokensSaved: 1500, costSavedUsd: 0 });
  });

  it('keeps scopes and aliases apart', async () => {
    const cache = track(openCache(settings()));
    await roundTrip(cache, ask('q'), ctxFor({ scope: 'alice' }), answer('for alice'));
    expect((await cache.lookup(ask('q'), ctxFor({ scope: 'bob' }))).status).toBe('miss');
    expect((await cache.lookup(ask('q'), ctxFor({ alias: 'chat-smart', scope: 'alice' }))).status).toBe('miss');
    expect((await cache.lookup(ask('q'), ctxFor({ scope: 'alice' }))).status).toBe('hit-exact');
  });

  it('honours Cache-Control no-cache (no read, still stores) and no-store (no write)', async () => {
    const cache = track(openCache(settings()));
    await roundTrip(cache, ask('q'), ctxFor({ noStore: true }), answer('a'));
    expect(cache.stats().entries).toBe(0);
    const l = await cache.lookup(ask('q'), ctxFor({ noRead: true }));
    expect(l.status).toBe('bypass:no-cache');
    cache.store(ask('q'), ctxFor({ noRead: true }), l, answer('a'), target());
    expect((await cache.lookup(ask('q'), ctxFor({ noRead: true }))).status).toBe('bypass:no-cache');
    expect((await cache.lookup(ask('q'), ctxFor())).status).toBe('hit-exact');
  });

  it('never stores errors, truncated tool calls or empty answers', async () => {
    const cache = track(openCache(settings()));
    await roundTrip(cache, ask('1'), ctxFor(), answer('x', { finishReason: 'error' }));
    await roundTrip(cache, ask('2'), ctxFor(), answer('', { finishReason: 'length', toolCalls: [{ id: 'c', name: 'f', arguments: '{"a":' }] }));
    await roundTrip(cache, ask('3'), ctxFor(), answer(''));
    await roundTrip(cache, ask('4'), ctxFor(), answer('cut in the mid', { finishReason: 'length' }));
    expect(cache.stats().entries).toBe(0);
  });

  it('expires entries after the TTL', async () => {
    let t = 1_000_000;
    const cache = track(openCache(settings({ cache: { exact: { ttlMs: 60_000 } } }), { now: () => t }));
    await roundTrip(cache, ask('q'), ctxFor(), answer('a'));
    t += 59_999;
    expect((await cache.lookup(ask('q'), ctxFor())).status).toBe('hit-exact');
    t += 2;
    const expired = await cache.lookup(ask('q'), ctxFor());
    expect(expired.status).toBe('miss');
    // The fresh answer replaces the expired row at once (not only after the periodic purge).
    cache.store(ask('q'), ctxFor(), expired, answer('fresh'), target());
    expect((await cache.lookup(ask('q'), ctxFor())).response?.text).toBe('fresh');
    expect(cache.stats().entries).toBe(1);
  });

  it('evicts the least recently used entry beyond maxEntries', async () => {
    let t = 1_000;
    const cache = track(openCache(settings({ cache: { maxEntries: 3 } }), { now: () => t }));
    for (const q of ['a', 'b', 'c']) {
      t += 10;
      await roundTrip(cache, ask(q), ctxFor(), answer(`answer ${q}`));
    }
    t += 10;
    expect((await cache.lookup(ask('a'), ctxFor())).status).toBe('hit-exact'); // a is now the most recent
    t += 10;
    await roundTrip(cache, ask('d'), ctxFor(), answer('answer d'));
    expect(cache.stats().entries).toBe(3);
    const status = async (q: string) => (await cache.lookup(ask(q), ctxFor())).status;
    expect(await status('b')).toBe('miss');
    expect([await status('a'), await status('c'), await status('d')]).toEqual(['hit-exact', 'hit-exact', 'hit-exact']);
  });

  it('evicts by maxBytes', async () => {
    const cache = track(openCache(settings({ cache: { maxBytes: 5_000 } })));
    for (let i = 0; i < 10; i++) await roundTrip(cache, ask(`q${i}`), ctxFor(), answer('x'.repeat(1_000)));
    const s = cache.stats();
    expect(s.bytes).toBeLessThanOrEqual(5_000);
    expect(s.entries).toBeGreaterThan(0);
    expect(s.entries).toBeLessThan(10);
    expect((await cache.lookup(ask('q9'), ctxFor())).status).toBe('hit-exact');
    expect((await cache.lookup(ask('q0'), ctxFor())).status).toBe('miss');
  });

  it('persists across a restart (close and reopen the same directory)', async () => {
    const s = semanticOn();
    const first = openCache(s);
    await roundTrip(first, ask('How do I reverse a list in Python?'), ctxFor(), answer('list.reverse()'));
    first.close();
    const second = track(openCache(s, { dataDir: first.dir }));
    expect(second.stats().entries).toBe(2);
    expect((await second.lookup(ask('How do I reverse a list in Python?'), ctxFor())).status).toBe('hit-exact');
    const sem = await second.lookup(ask('how do i reverse a list in python'), ctxFor());
    expect(sem.status).toBe('hit-semantic');
    expect(sem.response?.text).toBe('list.reverse()');
  });

  it('clears all entries or only one alias', async () => {
    const cache = track(openCache(semanticOn()));
    await roundTrip(cache, ask('q1 about rust'), ctxFor({ alias: 'a1' }), answer('x'));
    await roundTrip(cache, ask('q2 about go'), ctxFor({ alias: 'a2' }), answer('y'));
    expect(cache.stats().entries).toBe(4);
    expect(cache.clear('a1')).toBe(2);
    expect((await cache.lookup(ask('q1 about rust'), ctxFor({ alias: 'a1' }))).status).toBe('miss');
    expect((await cache.lookup(ask('q2 about go'), ctxFor({ alias: 'a2' }))).status).toBe('hit-exact');
    expect(cache.clear()).toBe(2);
    expect(cache.stats()).toMatchObject({ entries: 0, bytes: 0 });
  });
});

describe('semantic cache', () => {
  const q = 'How do I reverse a list in Python?';
  const para = 'how can I reverse a list in python';

  it('answers a paraphrase with its similarity, and not a near miss', async () => {
    const cache = track(openCache(semanticOn()));
    await roundTrip(cache, ask(q), ctxFor(), answer('Use list.reverse().'));
    const hit = await cache.lookup(ask(para), ctxFor());
    expect(hit.status).toBe('hit-semantic');
    expect(hit.similarity).toBeGreaterThan(0.5);
    expect(hit.similarity).toBeLessThan(1);
    expect(hit.response?.text).toBe('Use list.reverse().');
    expect((await cache.lookup(ask('How do I reverse a list in JavaScript?'), ctxFor())).status).toBe('miss');
    expect(cache.stats().hits.semantic).toBe(1);
    // Python → JavaScript scores over the threshold; the near-miss guard refused it, and the stats say so.
    expect(cache.stats().nearMissRejects).toBe(1);
  });

  it('never answers across contexts: other history, system prompt, alias or scope', async () => {
    const cache = track(openCache(semanticOn()));
    await roundTrip(cache, ask(q), ctxFor(), answer('a'));
    const history: ChatRequest = {
      model: 'm',
      stream: false,
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'We are talking about Lisp.' }] },
        { role: 'assistant', content: [{ type: 'text', text: 'OK.' }] },
        { role: 'user', content: [{ type: 'text', text: para }] },
      ],
    };
    expect((await cache.lookup(history, ctxFor())).status).toBe('miss');
    expect((await cache.lookup(ask(para, { system: 'Answer in Lisp.' }), ctxFor())).status).toBe('miss');
    expect((await cache.lookup(ask(para), ctxFor({ alias: 'chat-smart' }))).status).toBe('miss');
    expect((await cache.lookup(ask(para), ctxFor({ scope: 'u2' }))).status).toBe('miss');
    expect((await cache.lookup(ask(para), ctxFor())).status).toBe('hit-semantic');
  });

  it('respects the threshold, and setThreshold changes it live', async () => {
    const cache = track(openCache(semanticOn({ threshold: 0.999 })));
    await roundTrip(cache, ask(q), ctxFor(), answer('a'));
    expect((await cache.lookup(ask(para), ctxFor())).status).toBe('miss');
    cache.setThreshold(0.5);
    expect(cache.stats().threshold).toBe(0.5);
    expect((await cache.lookup(ask(para), ctxFor())).status).toBe('hit-semantic');
    expect(() => cache.setThreshold(1.5)).toThrow();
  });

  it('says why it skipped: tool results, time-sensitive prompt, temperature', async () => {
    const cache = track(openCache(semanticOn({ maxTemperature: 0.8 })));
    const tool: ChatRequest = {
      model: 'm',
      stream: false,
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'x' }] },
        { role: 'assistant', content: [], toolCalls: [{ id: 'c', name: 'f', arguments: '{}' }] },
        { role: 'tool', toolCallId: 'c', content: [{ type: 'text', text: 'r' }] },
        { role: 'user', content: [{ type: 'text', text: 'and then?' }] },
      ],
    };
    expect((await cache.lookup(tool, ctxFor())).status).toBe('bypass:tool-results');
    expect((await cache.lookup(ask('What is the latest version of Rust?'), ctxFor())).status).toBe('bypass:time-sensitive');
    expect((await cache.lookup(ask(q, { temperature: 0.9 }), ctxFor())).status).toBe('bypass:temperature');
    expect(cache.stats().bypasses).toBe(3);
    // A bypassed semantic lookup still stores and serves the exact entry.
    const l = await cache.lookup(ask(q, { temperature: 0.9 }), ctxFor());
    cache.store(ask(q, { temperature: 0.9 }), ctxFor(), l, answer('hot'), target());
    expect((await cache.lookup(ask(q, { temperature: 0.9 }), ctxFor())).status).toBe('hit-exact');
    expect((await cache.lookup(ask(para, { temperature: 0.9 }), ctxFor())).status).toBe('bypass:temperature');
  });

  it('on embedder failure: bypass:embedder-error, counted, and no silent downgrade later', async () => {
    let fail = true;
    const ngram = createNgramEmbedder();
    const flaky: Embedder = { id: 'flaky', dim: ngram.dim, embed: (t, s) => (fail ? Promise.reject(new Error('connection refused')) : ngram.embed(t, s)) };
    const warnings: unknown[] = [];
    const logger = { warn: (o: unknown) => warnings.push(o), info: () => {}, error: () => {} };
    const cache = track(openCache(semanticOn(), { embedder: flaky, logger }));
    const first = await roundTrip(cache, ask(q), ctxFor(), answer('a'));
    expect(first.status).toBe('bypass:embedder-error');
    expect((await cache.lookup(ask(para), ctxFor())).status).toBe('bypass:embedder-error');
    expect(cache.stats().embedderFailures).toBe(2);
    expect(warnings.length).toBe(2);
    // Still the same embedder, still failing: nothing was embedded some other way meanwhile.
    expect(cache.stats().embedder).toBe('flaky');
    expect(cache.stats().entries).toBe(1); // the exact entry only
    fail = false;
    expect((await cache.lookup(ask(para), ctxFor())).status).toBe('miss');
  });

  it('while the embedder is still loading, requests bypass at once instead of waiting for it', async () => {
    const ngram = createNgramEmbedder();
    let loaded!: () => void;
    const loading = new Promise<void>((r) => (loaded = r));
    let ready = false;
    const slow: Embedder & { preload(): Promise<void> } = {
      id: 'slow',
      dim: ngram.dim,
      get ready() {
        return ready;
      },
      preload: () => loading,
      embed: (t, sig) => ngram.embed(t, sig),
    };
    const cache = track(openCache(semanticOn(), { embedder: slow }));
    const started = performance.now();
    expect((await cache.lookup(ask(q), ctxFor())).status).toBe('bypass:embedder-loading');
    expect(performance.now() - started).toBeLessThan(500);
    ready = true;
    loaded();
    expect((await cache.lookup(ask(q), ctxFor())).status).toBe('miss');
  });

  it('switching embedder uses a separate vec table: vectors from one space never answer the other', async () => {
    const s = semanticOn();
    const a = openCache(s, { embedder: createNgramEmbedder(256) });
    await roundTrip(a, ask(q), ctxFor(), answer('from 256'));
    a.close();
    const b = track(openCache(s, { dataDir: a.dir, embedder: createNgramEmbedder(512) }));
    expect((await b.lookup(ask(para), ctxFor())).status).toBe('miss');
    await roundTrip(b, ask('How do I reverse a list in Python, please?'), ctxFor(), answer('from 512'));
    const hit = await b.lookup(ask(para), ctxFor());
    expect(hit.response?.text).toBe('from 512');
    b.close();
    const c = track(openCache(s, { dataDir: a.dir, embedder: createNgramEmbedder(256) }));
    expect((await c.lookup(ask(para), ctxFor())).response?.text).toBe('from 256');
  });
});
