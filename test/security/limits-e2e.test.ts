// The per-provider concurrency limit as wired into the gateway: maxConcurrent running, a short queue, then a
// fast 429 with Retry-After in the client's envelope; the slots come back when streams end or clients leave.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/openai.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

let slow: FakeOpenAI;
let gw: TestGateway;

beforeAll(async () => {
  slow = await startFakeOpenAI({ models: ['m'], script: { text: 'a b c d e f g h', delayMs: 60 } });
  gw = await startTestGateway({
    providers: [
      // maxConcurrent 2 → queue of 1 (half of max, at least 1).
      { id: 'slow', kind: 'openai-compatible', baseUrl: slow.url, models: ['m'], maxConcurrent: 2 },
      { id: 'ollama', kind: 'ollama', baseUrl: slow.url.replace(/\/v1$/, ''), enabled: false },
    ],
    aliases: { s: { targets: ['slow/m'] } },
    defaultModel: 's',
    cache: { exact: { enabled: false } },
    fallback: { enabled: false, retries: 0 },
  });
});
afterAll(async () => {
  await gw?.close();
  await slow?.close();
});

const ask = (path = '/v1/chat/completions', signal?: AbortSignal) =>
  fetch(`${gw.baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
    body: JSON.stringify(
      path.endsWith('/messages')
        ? { model: 's', stream: true, max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] }
        : { model: 's', stream: true, messages: [{ role: 'user', content: 'hi' }] },
    ),
    signal,
  });

describe('per-provider concurrency limit', () => {
  it('2 run, 1 queues, the rest get 429 + Retry-After at once; afterwards everything is free again', async () => {
    const running = await Promise.all([ask(), ask()]);
    const queued = ask();
    await new Promise((r) => setTimeout(r, 30));
    const t0 = Date.now();
    const over = await ask();
    expect(Date.now() - t0).toBeLessThan(300);
    expect(over.status).toBe(429);
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await over.json()).toMatchObject({ error: { message: expect.stringMatching(/slow/) } });
    const overAnthropic = await ask('/v1/messages');
    expect(overAnthropic.status).toBe(429);
    expect(overAnthropic.headers.get('retry-after')).toBeTruthy();
    expect(await overAnthropic.json()).toMatchObject({ type: 'error', error: { type: expect.any(String) } });

    for (const r of running) expect(await r.text()).toContain('[DONE]');
    const q = await queued;
    expect(q.status).toBe(200);
    expect(await q.text()).toContain('[DONE]');
    // All slots back: two at once succeed again.
    const again = await Promise.all([ask(), ask()]);
    for (const r of again) expect(r.status).toBe(200);
    await Promise.all(again.map((r) => r.text()));
  });

  it('clients that leave mid-stream give their slot back', async () => {
    for (let round = 0; round < 3; round++) {
      const controllers = [new AbortController(), new AbortController()];
      const started = await Promise.all(controllers.map((c) => ask('/v1/chat/completions', c.signal)));
      for (const r of started) expect(r.status).toBe(200);
      controllers.forEach((c) => c.abort());
      await new Promise((r) => setTimeout(r, 50));
    }
    const after = await Promise.all([ask(), ask()]);
    for (const r of after) expect(r.status).toBe(200);
    await Promise.all(after.map((r) => r.text()));
  });
});
