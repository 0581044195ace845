// Through a real gateway: the request log, /metrics and the logs see every request, and no key leaks.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RequestRecord, TrafficSeries } from '../../main/admin/contract.js';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/openai.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const KEY = 'sk-observability-upstream-secret-0123456789';
let cloud: FakeOpenAI;
let gw: TestGateway;
let client: OpenAI;

beforeAll(async () => {
  cloud = await startFakeOpenAI({ models: ['gpt-4o-mini'] });
  gw = await startTestGateway({
    providers: [{ id: 'openai', kind: 'openai', baseUrl: cloud.url, apiKey: KEY, models: ['gpt-4o-mini'] }],
    aliases: { 'chat-fast': { targets: ['openai/gpt-4o-mini'] } },
    mode: 'cloud',
    fallback: { retries: 0 },
    cache: { exact: { enabled: false } },
  });
  client = new OpenAI({ baseURL: `${gw.baseUrl}/v1`, apiKey: 'unused', maxRetries: 0, defaultHeaders: { 'user-agent': 'LibreChat/0.7 (langchain)' } });
});

afterAll(async () => {
  await gw?.close();
  await cloud?.close();
});

describe('observability through the gateway', () => {
  it('logs each request, serves it on the admin API and counts it in /metrics', async () => {
    cloud.reply({ text: 'one two three', usage: { prompt_tokens: 9, completion_tokens: 3 } });
    await client.chat.completions.create({ model: 'chat-fast', messages: [{ role: 'user', content: 'hi' }] });
    const stream = await client.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], stream: true });
    for await (const _chunk of stream) {
      // drain
    }

    // Read at once: nothing needs a flush or a wait (the request log's reads write its pending batch themselves).
    const { rows } = (await (await gw.admin('/admin/logs?limit=10')).json()) as { rows: RequestRecord[] };
    const chats = rows.filter((r) => r.provider === 'openai');
    expect(chats).toHaveLength(2);
    expect(chats.map((r) => r.stream).sort()).toEqual([false, true]);
    const json = chats.find((r) => !r.stream);
    expect(json).toMatchObject({ status: 200, requestedModel: 'chat-fast', model: 'gpt-4o-mini', inputTokens: 9, outputTokens: 3 });
    expect(json?.prompt).toBeUndefined();
    expect(existsSync(join(gw.dataDir, 'requests.db'))).toBe(true);

    const traffic = (await (await gw.admin('/admin/traffic')).json()) as TrafficSeries;
    expect(traffic.buckets).toHaveLength(60);
    expect(traffic.buckets.at(-1)?.requests).toBeGreaterThanOrEqual(2);

    const scrape = await fetch(`${gw.baseUrl}/metrics`);
    expect(scrape.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const metrics = await scrape.text();
    // The two requests may carry different cache labels (a stream may bypass the cache): add them up.
    const counted = [...metrics.matchAll(/^lynkr_requests_total\{provider="openai",model="gpt-4o-mini",status="200",cache="[^"]+"\} (\d+)$/gm)];
    expect(counted.reduce((sum, m) => sum + Number(m[1]), 0)).toBe(2);
    expect(metrics).toMatch(/lynkr_ttfb_seconds_count\{provider="openai",model="gpt-4o-mini"\} [12]/);
    expect(metrics).toMatch(/lynkr_tokens_total\{provider="openai",model="gpt-4o-mini",direction="input"\} \d+/);

    const status = (await (await gw.admin('/admin/status')).json()) as { requestsToday: number; librechatSeenAt?: number };
    expect(status.requestsToday).toBeGreaterThanOrEqual(2);
    expect(status.librechatSeenAt).toBeTypeOf('number');
  });

  it('LibreChat with our yaml entry (the SDK User-Agent plus X-Lynkr-Client) is seen; the SDK alone is not', async () => {
    const fresh = await startTestGateway({ providers: [{ id: 'openai', kind: 'openai', baseUrl: cloud.url, apiKey: KEY, models: ['gpt-4o-mini'] }], cache: { exact: { enabled: false } } });
    try {
      const seen = async () => ((await (await fresh.admin('/admin/status')).json()) as { librechatSeenAt?: number }).librechatSeenAt;
      const sdk = new OpenAI({ baseURL: `${fresh.baseUrl}/v1`, apiKey: 'unused', maxRetries: 0 });
      await sdk.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
      await new Promise((r) => setTimeout(r, 50));
      expect(await seen()).toBeUndefined();
      const librechat = new OpenAI({ baseURL: `${fresh.baseUrl}/v1`, apiKey: 'unused', maxRetries: 0, defaultHeaders: { 'X-Lynkr-Client': 'librechat' } });
      await librechat.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
      await new Promise((r) => setTimeout(r, 50));
      expect(await seen()).toBeTypeOf('number');
      const { rows } = (await (await fresh.admin('/admin/logs?limit=1')).json()) as { rows: RequestRecord[] };
      expect(rows[0].userAgent).toMatch(/^OpenAI\/JS .* \(librechat\)$/);
    } finally {
      await fresh.close();
    }
  });

  it('an upstream that echoes the key: the key is in neither the log rows nor the process log', async () => {
    cloud.setFault({ status: 401, body: { error: { message: `Incorrect API key provided: ${KEY}` } } }, { times: 1 });
    const res = await fetch(`${gw.baseUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] }),
    });
    expect(res.status).toBeGreaterThanOrEqual(400);
    const body = await res.text();
    await new Promise((r) => setTimeout(r, 50));
    const { rows } = (await (await gw.admin('/admin/logs?limit=1')).json()) as { rows: RequestRecord[] };
    expect(rows[0].status).toBeGreaterThanOrEqual(400);
    expect(JSON.stringify(rows)).not.toContain(KEY);
    expect(gw.logs()).not.toContain(KEY);
    expect(body).not.toContain(KEY);
  });
});
