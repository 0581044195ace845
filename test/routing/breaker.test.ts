import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../main/core/errors.js';
import { BreakerSet } from '../../main/routing/breaker.js';
import { createRouter } from '../../main/routing/router.js';
import type { Settings } from '../../main/settings/schema.js';
import { makeSettings, registryFor, typicalSettings } from './fake-registry.js';

const refused = new GatewayError({ kind: 'upstream_connect', status: 502, provider: 'p', message: 'p: connection refused (http://127.0.0.1:9)' });
const unauthorized = new GatewayError({ kind: 'auth', status: 401, upstreamStatus: 401, provider: 'p', message: 'Incorrect API key provided' });

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

  it('401/403 count as failures and are flagged as a key problem, without echoing secrets', () => {
    const { b } = clocked(5);
    b.recordFailure('p', unauthorized);
    const v = b.view('p');
    expect(v.consecutiveFailures).toBe(1);
    expect(v.lastError).toBe('key problem (check the API key): auth 401: Incorrect API key provided');
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
    expect(lines[1]).toEqual(['warn', expect.objectContaining({ provider: 'openai', failures: 2, retryAt: 100 }), 'circuit open: skipping the provider']);
    t = 100;
    expect(router.admit(cloud)).toBe(true);
    router.recordSuccess(cloud);
    expect(lines[2]).toEqual(['info', { provider: 'openai' }, 'circuit closed: the provider answered again']);
    expect(lines).toHaveLength(3);
  });
});
