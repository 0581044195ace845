import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../main/core/errors.js';
import { attemptTargets } from '../../main/pipeline/attempts.js';
import { BreakerSet, isUpstreamFault } from '../../main/routing/breaker.js';
import { createRouter } from '../../main/routing/router.js';
import type { Settings } from '../../main/settings/schema.js';
import { makeSettings, registryFor, typicalSettings } from './fake-registry.js';

const refused = new GatewayError({ kind: 'upstream_connect', status: 502, provider: 'p', message: 'p: connection refused (http://127.0.0.1:9)' });
const unauthorized = new GatewayError({ kind: 'auth', status: 401, upstreamStatus: 401, provider: 'p', message: 'Incorrect API key provided' });

const upstreamFaults: GatewayError[] = [
  refused,
  // fetch's own wrapper of a network failure: a TypeError whose cause is the system error.
  new GatewayError({ kind: 'upstream_connect', status: 502, provider: 'p', message: 'p failed: fetch failed', cause: new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) }) }),
  new GatewayError({ kind: 'upstream_timeout', status: 504, provider: 'p', message: 'p sent no response within 100 ms' }),
  new GatewayError({ kind: 'upstream_protocol', status: 502, provider: 'p', message: 'p returned invalid JSON', cause: new SyntaxError('Unexpected token <') }),
  new GatewayError({ kind: 'upstream_http', status: 502, upstreamStatus: 500, provider: 'p', message: 'p returned HTTP 500' }),
  new GatewayError({ kind: 'upstream_http', status: 503, upstreamStatus: 503, provider: 'p', message: 'p returned HTTP 503' }),
];

const notUpstreamFaults: GatewayError[] = [
  // The client's own errors, as the upstream or we answer them.
  new GatewayError({ kind: 'invalid_request', status: 400, upstreamStatus: 400, provider: 'p', message: 'p returned HTTP 400: bad tools' }),
  new GatewayError({ kind: 'too_large', status: 413, upstreamStatus: 413, provider: 'p', message: 'p returned HTTP 413' }),
  new GatewayError({ kind: 'not_found', status: 404, provider: 'p', message: 'model not found' }),
  new GatewayError({ kind: 'upstream_http', status: 404, upstreamStatus: 404, provider: 'p', message: 'p returned HTTP 404' }),
  // A context-length refusal we raise before calling (Provider.fit), and a 400 of ours.
  new GatewayError({ kind: 'invalid_request', status: 400, code: 'context_length_exceeded', provider: 'p', message: 'the prompt is longer than the context window' }),
  // "Not now" / "not with this key": the provider answered.
  new GatewayError({ kind: 'rate_limited', status: 429, upstreamStatus: 429, provider: 'p', message: 'p returned HTTP 429' }),
  unauthorized,
  new GatewayError({ kind: 'permission', status: 403, upstreamStatus: 403, provider: 'p', message: 'p returned HTTP 403' }),
  // Our own: a full queue, a bug, and a stack overflow that a provider wrapped as a transport failure.
  new GatewayError({ kind: 'overloaded', status: 429, provider: 'p', message: 'p: queue full' }),
  new GatewayError({ kind: 'internal', status: 500, message: 'internal error: x is undefined' }),
  new GatewayError({ kind: 'upstream_connect', status: 502, provider: 'p', message: 'p failed: Maximum call stack size exceeded', cause: new RangeError('Maximum call stack size exceeded') }),
  new GatewayError({ kind: 'upstream_connect', status: 502, provider: 'p', message: "p failed: Cannot read properties of undefined (reading 'x')", cause: new TypeError("Cannot read properties of undefined (reading 'x')") }),
  new GatewayError({ kind: 'upstream_protocol', status: 502, provider: 'p', message: 'p: bad response', cause: new Error('while converting', { cause: new RangeError('Maximum call stack size exceeded') }) }),
];

describe('isUpstreamFault', () => {
  it('is true for connection errors, timeouts, malformed upstream data and 5xx', () => {
    for (const err of upstreamFaults) expect({ msg: err.message, fault: isUpstreamFault(err) }).toEqual({ msg: err.message, fault: true });
  });
  it("is false for client errors, 401/403/429 answers and the gateway's own failures", () => {
    for (const err of notUpstreamFaults) expect({ msg: err.message, fault: isUpstreamFault(err) }).toEqual({ msg: err.message, fault: false });
  });
});

function clocked(threshold = 3, cooldownMs = 1_000) {
  let t = 1_000_000;
  const b = new BreakerSet(() => ({ threshold, cooldownMs }), () => t);
  return { b, advance: (ms: number) => (t += ms), now: () => t };
}

describe('circuit breaker', () => {
  it('opens after N consecutive failures and then skips at once', () => {
    const { b } = clocked(3);
    b.recordFailure('p', refused);
    b.recordFailure('p', refused);
    expect(b.admit('p')).toBe(true);
    expect(b.view('p')).toMatchObject({ state: 'closed', consecutiveFailures: 2 });
    b.recordFailure('p', refused);
    expect(b.admit('p')).toBe(false);
    expect(b.view('p').state).toBe('open');
    expect(b.admit('other')).toBe(true); // per provider
  });

  it('a success in between resets the count (failures must be consecutive)', () => {
    const { b } = clocked(3);
    b.recordFailure('p', refused);
    b.recordFailure('p', refused);
    b.recordSuccess('p');
    b.recordFailure('p', refused);
    expect(b.view('p')).toMatchObject({ state: 'closed', consecutiveFailures: 1 });
  });

  it('after the cool-down lets exactly one probe through; success closes', () => {
    const { b, advance, now } = clocked(2, 1_000);
    b.recordFailure('p', refused);
    b.recordFailure('p', refused);
    expect(b.view('p').retryAt).toBe(now() + 1_000);
    advance(999);
    expect(b.admit('p')).toBe(false);
    advance(1);
    expect(b.view('p').state).toBe('half-open');
    expect(b.admit('p')).toBe(true); // the probe
    expect(b.admit('p')).toBe(false); // everyone else waits for it
    b.recordSuccess('p');
    expect(b.view('p')).toEqual({ state: 'closed', consecutiveFailures: 0, lastError: expect.stringContaining('refused') });
    expect(b.admit('p')).toBe(true);
  });

  it('a failed probe re-opens for another cool-down', () => {
    const { b, advance, now } = clocked(2, 1_000);
    b.recordFailure('p', refused);
    b.recordFailure('p', refused);
    advance(1_000);
    expect(b.admit('p')).toBe(true);
    b.recordFailure('p', refused);
    expect(b.view('p')).toMatchObject({ state: 'open', retryAt: now() + 1_000 });
    expect(b.admit('p')).toBe(false);
    advance(1_000);
    expect(b.admit('p')).toBe(true);
  });

  it('a probe that never reports back frees the slot after another cool-down', () => {
    const { b, advance } = clocked(1, 500);
    b.recordFailure('p', refused);
    advance(500);
    expect(b.admit('p')).toBe(true);
    advance(499);
    expect(b.admit('p')).toBe(false);
    advance(1);
    expect(b.admit('p')).toBe(true);
  });

  it('401/403 do not count (the provider is up) but are flagged as a key problem, without echoing secrets', () => {
    const { b } = clocked(1);
    b.recordFailure('p', unauthorized);
    const v = b.view('p');
    expect(v).toMatchObject({ state: 'closed', consecutiveFailures: 0 });
    expect(v.lastError).toBe('key problem (check the API key): auth 401: Incorrect API key provided');
    expect(b.admit('p')).toBe(true);
  });

  it('counts only upstream faults: client errors, "not now" answers and the gateway\'s own failures never open it', () => {
    const { b } = clocked(1);
    for (const err of notUpstreamFaults) b.recordFailure('p', err);
    expect(b.view('p')).toMatchObject({ state: 'closed', consecutiveFailures: 0 });
    expect(b.admit('p')).toBe(true);
    b.recordFailure('p', upstreamFaults[0]);
    expect(b.view('p').state).toBe('open');
  });

  it('reset(id) and reset() close breakers', () => {
    const { b } = clocked(1);
    b.recordFailure('a', refused);
    b.recordFailure('b', refused);
    b.reset('a');
    expect([b.admit('a'), b.admit('b')]).toEqual([true, false]);
    b.reset();
    expect(b.admit('b')).toBe(true);
    expect(b.view('b')).toEqual({ state: 'closed', consecutiveFailures: 0 });
  });
});

describe('router: breakers through the Router port', () => {
  it('reads threshold and cool-down from live settings and stops retrying an open provider', () => {
    let settings: Settings = makeSettings(typicalSettings({ fallback: { breakerThreshold: 2, breakerCooldownMs: 100, retries: 3 } }));
    let t = 0;
    const get = (): Settings => settings;
    const router = createRouter({ settings: get, providers: registryFor(get), now: () => t, random: () => 0.5 });
    const [local, cloud] = router.plan({ model: 'chat-fast', messages: [], stream: false }).targets;
    const boom = new GatewayError({ kind: 'upstream_http', status: 503, upstreamStatus: 503, message: 'overloaded' });
    router.recordFailure(local, boom);
    expect(router.retryDelayMs(local, boom, 0)).not.toBeNull();
    router.recordFailure(local, boom);
    expect(router.retryDelayMs(local, boom, 1)).toBeNull(); // open now: move on, don't wait
    expect([router.admit(local), router.admit(cloud)]).toEqual([false, true]);
    expect(router.view('ollama')).toMatchObject({ state: 'open', consecutiveFailures: 2, retryAt: 100 });
    t = 100;
    expect(router.admit(local)).toBe(true);
    router.recordSuccess(local);
    expect(router.view('ollama').state).toBe('closed');
    settings = makeSettings(typicalSettings({ fallback: { breakerThreshold: 1 } }));
    router.recordFailure(cloud, boom);
    expect(router.admit(cloud)).toBe(false);
    router.reset('openai');
    expect(router.admit(cloud)).toBe(true);
  });
});

describe('router: logging', () => {
  it('logs key problems, the breaker opening and closing', () => {
    const settings: Settings = makeSettings(typicalSettings({ fallback: { breakerThreshold: 2, breakerCooldownMs: 100 } }));
    const lines: Array<[string, object, string]> = [];
    let t = 0;
    const router = createRouter({
      settings: () => settings,
      providers: registryFor(() => settings),
      now: () => t,
      logger: { warn: (o, m) => lines.push(['warn', o, m]), info: (o, m) => lines.push(['info', o, m]) },
    });
    const cloud = router.plan({ model: 'openai/gpt-4o', messages: [], stream: false }).targets[0];
    router.recordFailure(cloud, unauthorized);
    expect(lines).toEqual([['warn', { provider: 'openai', target: 'openai/gpt-4o', status: 401 }, expect.stringMatching(/^key problem/)]]);
    router.recordFailure(cloud, refused);
    router.recordFailure(cloud, refused);
    expect(lines[1]).toEqual(['warn', expect.objectContaining({ provider: 'openai', failures: 2, retryAt: 100 }), 'circuit open: skipping the provider']);
    t = 100;
    expect(router.admit(cloud)).toBe(true);
    router.recordSuccess(cloud);
    expect(lines[2]).toEqual(['info', { provider: 'openai' }, 'circuit closed: the provider answered again']);
    expect(lines).toHaveLength(3);
  });
});

describe('every target open: the first one is still tried, as a half-open probe', () => {
  function setup() {
    const settings: Settings = makeSettings(typicalSettings({ fallback: { breakerThreshold: 1, breakerCooldownMs: 1_000, retries: 0 } }));
    let t = 0;
    const router = createRouter({ settings: () => settings, providers: registryFor(() => settings), now: () => t, random: () => 0.5 });
    const plan = () => router.plan({ model: 'chat-fast', messages: [], stream: false });
    const [local, cloud] = plan().targets;
    return { router, plan, local, cloud, advance: (ms: number) => (t += ms), now: () => t };
  }

  /** One request through the real fallback loop (pipeline/attempts.ts); `answer` plays each target. */
  async function request(router: ReturnType<typeof setup>['router'], plan: ReturnType<typeof setup>['plan'], answer: (label: string) => string) {
    const tried: string[] = [];
    const attempt = await attemptTargets(router, plan(), new AbortController().signal, async (t) => (tried.push(t.label), answer(t.label)));
    const skipped = attempt.failures.map((f) => `${f.target} (${f.reason})`);
    return attempt.ok ? { tried, value: attempt.value, skipped } : { tried, error: attempt.error, skipped };
  }
  const fail = (): never => {
    throw refused;
  };

  it('is tried, not failed at once: a fault re-opens it for a full cool-down, a success closes it', async () => {
    const { router, plan, local, cloud, advance, now } = setup();
    router.recordFailure(local, refused);
    router.recordFailure(cloud, refused);
    expect([router.view('ollama').state, router.view('openai').state]).toEqual(['open', 'open']);

    const first = await request(router, plan, fail);
    expect(first.tried).toEqual(['ollama/qwen2.5-coder:7b']);
    expect(first.skipped).toEqual(['ollama/qwen2.5-coder:7b (connection failed)', 'openai/gpt-4o-mini (circuit open)']);
    expect(router.view('ollama')).toMatchObject({ state: 'open', retryAt: now() + 1_000 });

    // The next request gets its try too: never a failure without one.
    advance(10);
    expect((await request(router, plan, fail)).tried).toEqual(['ollama/qwen2.5-coder:7b']);

    advance(10);
    const back = await request(router, plan, () => 'answer');
    expect(back).toMatchObject({ tried: ['ollama/qwen2.5-coder:7b'], value: 'answer' });
    expect(router.view('ollama')).toMatchObject({ state: 'closed', consecutiveFailures: 0 });
    expect(router.view('openai').state).toBe('open');
  });

  it('one try per request: the probe pass is for the plan it was made for', () => {
    const { router, plan, local, cloud } = setup();
    router.recordFailure(local, refused);
    router.recordFailure(cloud, refused);
    const p = plan();
    expect(router.admit(p.targets[0])).toBe(true);
    expect(router.admit(p.targets[0])).toBe(false);
    expect(router.admit(p.targets[1])).toBe(false);
    expect(router.admit(plan().targets[0])).toBe(true);
  });

  it('while another target can take traffic, an open one is skipped as before', async () => {
    const { router, plan, local } = setup();
    router.recordFailure(local, refused);
    const r = await request(router, plan, () => 'from cloud');
    expect(r).toMatchObject({ tried: ['openai/gpt-4o-mini'], value: 'from cloud', skipped: ['ollama/qwen2.5-coder:7b (circuit open)'] });
  });

  it('when a later target is half-open, it takes the regular probe and the open first one is skipped', async () => {
    const { router, plan, local, cloud, advance } = setup();
    router.recordFailure(cloud, refused);
    advance(600);
    router.recordFailure(local, refused);
    advance(400); // cloud's cool-down is over, local's is not
    const r = await request(router, plan, () => 'probe answer');
    expect(r).toMatchObject({ tried: ['openai/gpt-4o-mini'], value: 'probe answer' });
    expect(router.view('openai').state).toBe('closed');
  });
});
