// Fallback, Retry-After, breakers and all-fail through a real gateway, driven by the `openai` SDK against fake
// upstreams that fail on command.
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { closedPortUrl, startFakeOpenAI, type Fault, type FakeOpenAI } from '../fakes/openai.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import type { SettingsInput } from '../../main/settings/schema.js';

const noCache = { exact: { enabled: false }, semantic: { enabled: false } };

function settingsFor(primary: string, backup: string, fallback: SettingsInput['fallback'], extra: Partial<SettingsInput> = {}): SettingsInput {
  return {
    cache: noCache,
    server: { firstByteTimeoutMs: 400, upstreamTimeoutMs: 600, connectTimeoutMs: 1_000 },
    providers: [
      { id: 'primary', kind: 'openai-compatible', baseUrl: primary, apiKey: 'sk-primary-secret-000', models: ['p-model'] },
      { id: 'backup', kind: 'openai-compatible', baseUrl: backup, apiKey: 'sk-backup-secret-000', models: ['b-model'] },
    ],
    aliases: { duo: { description: 'primary then backup', targets: ['primary/p-model', 'backup/b-model'] } },
    defaultModel: 'duo',
    fallback,
    ...extra,
  };
}

const client = (gw: TestGateway) => new OpenAI({ baseURL: `${gw.baseUrl}/v1`, apiKey: 'unused', maxRetries: 0 });
const ask = (gw: TestGateway, model = 'duo') =>
  client(gw).chat.completions.create({ model, messages: [{ role: 'user', content: 'hello' }] }).withResponse();

describe('fallback triggers and non-triggers', () => {
  let primary: FakeOpenAI;
  let backup: FakeOpenAI;
  let gw: TestGateway;

  beforeAll(async () => {
    primary = await startFakeOpenAI({ script: { text: 'from primary' } });
    backup = await startFakeOpenAI({ script: { text: 'from backup' } });
    gw = await startTestGateway(settingsFor(primary.url, backup.url, { retries: 0, breakerThreshold: 1000 }));
  });
  afterAll(async () => {
    await gw?.close();
    await primary?.close();
    await backup?.close();
  });
  beforeEach(() => {
    primary.setFault(null);
    backup.setFault(null);
    primary.requests.length = 0;
    backup.requests.length = 0;
  });

  const triggers: Array<[string, Fault, string]> = [
    ['408', { status: 408, body: { error: { message: 'timeout' } } }, 'HTTP 408'],
    ['409', { status: 409, body: { error: { message: 'conflict' } } }, 'HTTP 409'],
    ['429', { status: 429, body: { error: { message: 'slow down' } } }, '429'],
    ['500', { status: 500, body: { error: { message: 'boom' } } }, 'HTTP 500'],
    ['502', { status: 502, body: 'bad gateway' }, 'HTTP 502'],
    ['503', { status: 503, body: { error: { message: 'overloaded' } } }, 'HTTP 503'],
    ['401 (a key problem)', { status: 401, body: { error: { message: 'Incorrect API key' } } }, 'key problem'],
    ['403 (a key problem)', { status: 403, body: { error: { message: 'forbidden' } } }, 'key problem'],
    ['a timeout before the first byte', 'hang-before-headers', 'timeout'],
    ['an HTML page', 'html-error', 'bad response'],
    ['invalid JSON', 'invalid-json', 'bad response'],
    ['an empty 200', 'empty-200', 'bad response'],
  ];

  for (const [name, fault, reason] of triggers) {
    it(`falls over on ${name}`, async () => {
      primary.setFault(fault);
      const { data, response } = await ask(gw);
      expect(data.choices[0].message.content).toBe('from backup');
      expect(response.headers.get('x-lynkr-provider')).toBe('backup');
      expect(response.headers.get('x-lynkr-model')).toBe('b-model');
      const from = response.headers.get('x-lynkr-fallback-from') ?? '';
      expect(from).toContain('primary/p-model');
      expect(from).toContain(reason);
      expect(primary.count('/chat/completions')).toBe(1);
    });
  }

  it('falls over on a refused connection', async () => {
    const refused = await closedPortUrl();
    const gw2 = await startTestGateway(settingsFor(refused, backup.url, { retries: 2 }));
    try {
      const { data, response } = await ask(gw2);
      expect(data.choices[0].message.content).toBe('from backup');
      expect(response.headers.get('x-lynkr-fallback-from')).toContain('primary/p-model (connection failed)');
    } finally {
      await gw2.close();
    }
  });

  it('falls over when a stream fails before its first byte, and the client sees a clean stream', async () => {
    primary.setFault({ status: 500, body: { error: { message: 'boom' } } });
    const stream = await client(gw).chat.completions.create({ model: 'duo', stream: true, messages: [{ role: 'user', content: 'hi' }] });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    expect(text).toBe('from backup');
  });

  it('falls over when a stream hangs before its first byte (first-byte timeout)', async () => {
    primary.setFault('hang-before-headers');
    const t0 = performance.now();
    const stream = await client(gw).chat.completions.create({ model: 'duo', stream: true, messages: [{ role: 'user', content: 'hi' }] });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    expect(text).toBe('from backup');
    expect(performance.now() - t0).toBeLessThan(2_000);
  });

  it('falls over when a stream is cut before its first chunk', async () => {
    primary.setFault('cut-mid-stream', { afterChunks: 0 });
    const stream = await client(gw).chat.completions.create({ model: 'duo', stream: true, messages: [{ role: 'user', content: 'hi' }] });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    expect(text).toBe('from backup');
  });

  for (const status of [400, 422]) {
    it(`returns the client's own ${status} without trying elsewhere`, async () => {
      primary.setFault({ status, body: { error: { message: `bad field (${status})`, type: 'invalid_request_error', param: 'temperature' } } });
      const err = await ask(gw).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OpenAI.APIError);
      expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(status);
      expect((err as Error).message).toContain(`bad field (${status})`);
      expect(backup.count('/chat/completions')).toBe(0);
    });
  }

  it('every target failing gives a 502 listing each failure, without secrets', async () => {
    primary.setFault({ status: 503, body: { error: { message: 'overloaded' } } });
    backup.setFault({ status: 401, body: { error: { message: 'Incorrect API key' } } });
    const err = (await ask(gw).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
    expect(err.status).toBe(502);
    expect(err.message).toContain('primary/p-model: HTTP 503');
    expect(err.message).toContain('backup/b-model: HTTP 401 (key problem)');
    expect(err.message).not.toContain('sk-');
  });

  it('a stream failing mid-way ends with an error event, not silent truncation', async () => {
    primary.reply({ text: 'one two three four five', chunks: 5 });
    primary.setFault('cut-mid-stream', { afterChunks: 3 });
    try {
      const res = await fetch(`${gw.baseUrl}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'duo', stream: true, messages: [{ role: 'user', content: 'count' }] }),
      });
      expect(res.status).toBe(200);
      const body = await res.text();
      const events = body.split('\n\n').filter((e) => e.startsWith('data: ')).map((e) => e.slice(6));
      expect(events.some((e) => e.includes('"content"'))).toBe(true);
      const last = events[events.length - 1];
      expect(last).not.toBe('[DONE]');
      expect(JSON.parse(last)).toMatchObject({ error: { message: expect.any(String) } });
      expect(backup.count('/chat/completions')).toBe(0); // too late to fall over: bytes were sent

      // The SDK surfaces it as an error, not as a short answer.
      primary.setFault('cut-mid-stream', { afterChunks: 3 });
      const stream = await client(gw).chat.completions.create({ model: 'duo', stream: true, messages: [{ role: 'user', content: 'count' }] });
      const consume = async () => {
        for await (const _ of stream) void _;
      };
      await expect(consume()).rejects.toThrow();
    } finally {
      primary.reply({ text: 'from primary' });
    }
  });
});

describe('Retry-After', () => {
  let primary: FakeOpenAI;
  let backup: FakeOpenAI;
  let gw: TestGateway;

  beforeAll(async () => {
    primary = await startFakeOpenAI({ script: { text: 'from primary' } });
    backup = await startFakeOpenAI({ script: { text: 'from backup' } });
    gw = await startTestGateway(settingsFor(primary.url, backup.url, { retries: 1, backoffMs: 10, breakerThreshold: 1000 }));
  });
  afterAll(async () => {
    await gw?.close();
    await primary?.close();
    await backup?.close();
  });

  it('waits a short Retry-After and retries the same target', async () => {
    primary.setFault({ status: 429, headers: { 'retry-after': '1' }, body: { error: { message: 'rate limited' } } }, { times: 1 });
    const t0 = performance.now();
    const { data } = await ask(gw);
    const elapsed = performance.now() - t0;
    expect(data.choices[0].message.content).toBe('from primary');
    expect(elapsed).toBeGreaterThanOrEqual(950);
    expect(primary.count('/chat/completions')).toBe(2);
    expect(backup.count('/chat/completions')).toBe(0);
  });

  it('does not wait a long Retry-After: the next target answers at once', async () => {
    primary.setFault({ status: 429, headers: { 'retry-after': '120' }, body: { error: { message: 'rate limited' } } }, { times: 1 });
    const t0 = performance.now();
    const { data, response } = await ask(gw);
    expect(performance.now() - t0).toBeLessThan(1_000);
    expect(data.choices[0].message.content).toBe('from backup');
    expect(response.headers.get('x-lynkr-fallback-from')).toContain('primary/p-model');
  });

  it('retries a 503 once with a short backoff before falling over', async () => {
    const before = primary.count('/chat/completions');
    primary.setFault({ status: 503, body: { error: { message: 'overloaded' } } }, { times: 1 });
    const { data } = await ask(gw);
    expect(data.choices[0].message.content).toBe('from primary');
    expect(primary.count('/chat/completions') - before).toBe(2);
  });
});

describe('circuit breaker through the gateway', () => {
  let primary: FakeOpenAI;
  let backup: FakeOpenAI;
  let gw: TestGateway;
  const cooldown = 600;

  beforeAll(async () => {
    primary = await startFakeOpenAI({ script: { text: 'from primary' } });
    backup = await startFakeOpenAI({ script: { text: 'from backup' } });
    gw = await startTestGateway(settingsFor(primary.url, backup.url, { retries: 0, breakerThreshold: 2, breakerCooldownMs: cooldown }));
  });
  afterAll(async () => {
    await gw?.close();
    await primary?.close();
    await backup?.close();
  });

  const breakerOf = async (id: string) => {
    const res = await gw.admin('/admin/providers');
    const list = (await res.json()) as Array<{ id: string; breaker: { state: string; consecutiveFailures: number; lastError?: string } }>;
    return list.find((p) => p.id === id)?.breaker;
  };

  it('opens after N failures, skips at once, lets one probe through after the cool-down, closes on success', async () => {
    primary.setFault({ status: 500, body: { error: { message: 'boom' } } });
    await ask(gw);
    await ask(gw);
    expect(primary.count('/chat/completions')).toBe(2);
    expect(await breakerOf('primary')).toMatchObject({ state: 'open', consecutiveFailures: 2 });

    const { data, response } = await ask(gw);
    expect(data.choices[0].message.content).toBe('from backup');
    expect(primary.count('/chat/completions')).toBe(2); // skipped without a call
    expect(response.headers.get('x-lynkr-fallback-from')).toContain('circuit open');

    const ready = (await (await fetch(`${gw.baseUrl}/health/ready`)).json()) as { providers: Array<{ id: string; breaker: { state: string } }> };
    expect(ready.providers.find((p) => p.id === 'primary')?.breaker.state).toBe('open');

    // Half-open probe fails: re-opens, one call only.
    await new Promise((r) => setTimeout(r, cooldown + 50));
    expect((await breakerOf('primary'))?.state).toBe('half-open');
    await ask(gw);
    expect(primary.count('/chat/completions')).toBe(3);
    expect((await breakerOf('primary'))?.state).toBe('open');

    // Next probe succeeds: closed again, primary serves.
    primary.setFault(null);
    await new Promise((r) => setTimeout(r, cooldown + 50));
    const probe = await ask(gw);
    expect(probe.data.choices[0].message.content).toBe('from primary');
    expect(await breakerOf('primary')).toMatchObject({ state: 'closed', consecutiveFailures: 0 });
  });

  it('flags 401 as a key problem without opening the breaker (the provider is up); POST /admin/breakers/reset closes it', async () => {
    primary.setFault({ status: 401, body: { error: { message: 'Incorrect API key provided' } } });
    await ask(gw);
    await ask(gw);
    const b = await breakerOf('primary');
    expect(b).toMatchObject({ state: 'closed', consecutiveFailures: 0 });
    expect(b?.lastError).toMatch(/^key problem/);
    expect(b?.lastError).not.toContain('sk-');
    primary.setFault({ status: 500, body: { error: { message: 'boom' } } });
    await ask(gw);
    await ask(gw);
    expect((await breakerOf('primary'))?.state).toBe('open');
    primary.setFault(null);
    const reset = await gw.admin('/admin/breakers/reset', { method: 'POST', body: JSON.stringify({ provider: 'primary' }) });
    expect(reset.status).toBe(200);
    expect(await reset.json()).toEqual({ ok: true });
    expect((await breakerOf('primary'))?.state).toBe('closed');
    expect((await ask(gw)).data.choices[0].message.content).toBe('from primary');
  });
});

describe("Lynkr's environment names keep their meaning", () => {
  let primary: FakeOpenAI;
  let backup: FakeOpenAI;

  beforeAll(async () => {
    primary = await startFakeOpenAI({ script: { text: 'from primary' } });
    backup = await startFakeOpenAI({ script: { text: 'from backup' } });
  });
  afterAll(async () => {
    await primary?.close();
    await backup?.close();
  });

  const soloSettings = (): SettingsInput => ({
    ...settingsFor(primary.url, backup.url, { retries: 0 }),
    aliases: {
      solo: { description: 'primary only', targets: ['primary/p-model'] },
      duo: { description: 'primary then backup', targets: ['primary/p-model', 'backup/b-model'] },
    },
  });

  it('FALLBACK_PROVIDER adds a last-resort target; FALLBACK_ENABLED=false turns fallback off', async () => {
    primary.setFault({ status: 500, body: { error: { message: 'boom' } } });
    const on = await startTestGateway(soloSettings(), { env: { FALLBACK_PROVIDER: 'backup' } });
    try {
      const { data, response } = await ask(on, 'solo');
      expect(data.choices[0].message.content).toBe('from backup');
      expect(response.headers.get('x-lynkr-model')).toBe('b-model'); // provider alone: its first model
    } finally {
      await on.close();
    }
    const off = await startTestGateway(soloSettings(), { env: { FALLBACK_PROVIDER: 'backup', FALLBACK_ENABLED: 'false' } });
    try {
      const before = backup.count('/chat/completions');
      const err = (await ask(off, 'duo').catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
      expect(err.status).toBeGreaterThanOrEqual(500);
      expect(backup.count('/chat/completions')).toBe(before); // not even the alias's second target
    } finally {
      await off.close();
      primary.setFault(null);
    }
  });

  it('TIER_* (provider:model) pick the target of the auto alias', async () => {
    const gw = await startTestGateway(soloSettings(), { env: { TIER_SIMPLE: 'backup:b-model', TIER_REASONING: 'primary:p-model' } });
    try {
      const simple = await ask(gw, 'auto');
      expect([simple.response.headers.get('x-lynkr-provider'), simple.response.headers.get('x-lynkr-model')]).toEqual(['backup', 'b-model']);
      const hard = await client(gw)
        .chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'Prove that the halting problem is undecidable, step by step.' }] })
        .withResponse();
      expect(hard.response.headers.get('x-lynkr-route')).toMatch(/^tier=REASONING; score=\d+; reasons=/);
      expect(hard.response.headers.get('x-lynkr-provider')).toBe('primary');
    } finally {
      await gw.close();
    }
  });
});
