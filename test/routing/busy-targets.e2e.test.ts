// Issue 22: a provider at its own concurrency limit (maxConcurrent, once its short queue is full) is busy, not
// failed. The request moves on to the alias's next target, as after an upstream 429; only when every target is busy
// does the client get 429 with Retry-After. Nothing counts against the busy provider's breaker.
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/openai.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

let local: FakeOpenAI | undefined;
let cloud: FakeOpenAI | undefined;
let gw: TestGateway | undefined;

afterEach(async () => {
  await gw?.close();
  await local?.close();
  await cloud?.close();
});

async function setUp(cloudMax: number): Promise<TestGateway> {
  local = await startFakeOpenAI({ models: ['slow'] });
  cloud = await startFakeOpenAI({ models: ['gpt-4o-mini'] });
  // Each local answer takes about a second; the cloud answers at once.
  local.reply({ text: 'local one two three', chunks: 4, delayMs: 250 });
  cloud.reply({ text: 'cloud answer' });
  gw = await startTestGateway({
    providers: [
      { id: 'lms', kind: 'lmstudio', baseUrl: local.url, models: ['slow'], maxConcurrent: 1 },
      { id: 'openai', kind: 'openai', baseUrl: cloud.url, apiKey: 'sk-test-0123456789abcdef', models: ['gpt-4o-mini'], maxConcurrent: cloudMax },
    ],
    aliases: { chat: { targets: ['lms/slow', 'openai/gpt-4o-mini'] } },
    defaultModel: 'chat',
  });
  return gw;
}

async function streamOnce(g: TestGateway): Promise<{ status: number; provider: string | null; fallback: string | null; retryAfter: string | null; body: string }> {
  const res = await fetch(`${g.baseUrl}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'chat', stream: true, messages: [{ role: 'user', content: `hi ${Math.random()}` }] }),
  });
  return { status: res.status, provider: res.headers.get('x-lynkr-provider'), fallback: res.headers.get('x-lynkr-fallback-from'), retryAfter: res.headers.get('retry-after'), body: await res.text() };
}

describe('busy targets', () => {
  it('a full local provider passes the overflow to the idle cloud target: every request is served', async () => {
    const g = await setUp(64);
    const results = await Promise.all(Array.from({ length: 8 }, () => streamOnce(g)));
    expect(results.map((r) => r.status)).toEqual(Array(8).fill(200));
    const byCloud = results.filter((r) => r.provider === 'openai');
    // One runs locally and one waits in its queue of one; the rest go to the cloud at once.
    expect(byCloud.length).toBeGreaterThanOrEqual(6);
    expect(byCloud.every((r) => r.fallback?.includes('lms/slow (busy)'))).toBe(true);
    expect(results.filter((r) => r.provider === 'lms').length).toBeGreaterThanOrEqual(1);
    const providers = (await (await g.admin('/admin/providers')).json()) as Array<{ id: string; breaker: { consecutiveFailures: number } }>;
    expect(providers.find((p) => p.id === 'lms')?.breaker.consecutiveFailures).toBe(0);
  });

  it('when every target is busy the client gets 429 with Retry-After, in its own format', async () => {
    const g = await setUp(1);
    cloud!.reply({ text: 'cloud one two three', chunks: 4, delayMs: 250 });
    const results = await Promise.all(Array.from({ length: 8 }, () => streamOnce(g)));
    const limited = results.filter((r) => r.status === 429);
    // Two run (one per provider) and two wait in the queues; the other four find every target busy.
    expect(limited.length).toBeGreaterThanOrEqual(2);
    expect(results.filter((r) => r.status === 200).length).toBeGreaterThanOrEqual(2);
    for (const r of limited) {
      expect(Number(r.retryAfter)).toBeGreaterThanOrEqual(1);
      expect(JSON.parse(r.body)).toMatchObject({ error: { type: 'rate_limit_error' } });
    }
  });
});
