import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../main/observability/logger.js';
import { clearSecrets, registerSecret, registerSettingsSecrets, scrub, scrubError } from '../../main/observability/secrets.js';
import { maskUrlCredentials } from '../../main/core/keys.js';

afterEach(() => clearSecrets());

function capture() {
  let text = '';
  const dest = new Writable({
    write(chunk, _e, cb) {
      text += chunk.toString();
      cb();
    },
  });
  return { dest, text: () => text };
}

describe('secret scrubbing', () => {
  it('hides a key echoed without its prefix, and in base64 at any alignment', () => {
    const key = 'gsk_Q3VzdG9tS2V5MDEyMzQ1Njc4OQxyz';
    registerSecret(key);
    expect(scrub(`bad key ${key.slice(4)} given`)).toBe('bad key *** given');
    for (const before of ['', 'u', 'us', 'usr:']) {
      const encoded = Buffer.from(`${before}${key}`).toString('base64');
      const out = scrub(`Authorization: Basic ${encoded}`);
      // What is left of the encoding is at most the groups that mix the key with its neighbours (and `=` padding).
      expect(out.slice('Authorization: Basic '.length).replace('***', '').length).toBeLessThanOrEqual(14);
      expect(out).toContain('***');
    }
  });

  it('treats URL credentials and provider header values as secrets', () => {
    registerSettingsSecrets({
      providers: [{ baseUrl: 'https://lynkr:hunter2-secret-pw@proxy.example/v1', headers: { 'x-api-token': 'tok-0123456789abcdef' } }],
      server: {},
    });
    expect(scrub('GET https://lynkr:hunter2-secret-pw@proxy.example/v1 with tok-0123456789abcdef')).toBe('GET https://***@proxy.example/v1 with ***');
    expect(scrub(`Basic ${Buffer.from('lynkr:hunter2-secret-pw').toString('base64')}`)).not.toContain(Buffer.from('lynkr:hunter2').toString('base64').slice(0, 12));
    expect(maskUrlCredentials('https://lynkr:hunter2-secret-pw@proxy.example/v1')).toBe('https://•••@proxy.example/v1');
    expect(maskUrlCredentials('http://127.0.0.1:11434')).toBe('http://127.0.0.1:11434');
  });

  it('replaces every registered secret, longest first', () => {
    registerSecret('my-azure-key-123');
    registerSecret('my-azure-key-123-and-more');
    expect(scrub('a my-azure-key-123-and-more b my-azure-key-123 c')).toBe('a *** b *** c');
  });

  it('replaces Bearer tokens and sk- keys even when unregistered', () => {
    expect(scrub('Authorization: Bearer abc.def-ghi_jkl')).toBe('Authorization: Bearer ***');
    expect(scrub('invalid key sk-proj-ABCdef1234567890 given')).toBe('invalid key *** given');
    expect(scrub('the word skill and sk-short stay')).toBe('the word skill and sk-short stay');
  });

  it('ignores values too short to be keys', () => {
    registerSecret('abc');
    registerSecret('');
    registerSecret(undefined);
    expect(scrub('abc abc')).toBe('abc abc');
  });

  it('scrubs error messages', () => {
    registerSecret('gsk_live_0123456789');
    expect(scrubError(new Error('upstream said: bad key gsk_live_0123456789'))).toBe('upstream said: bad key ***');
  });

  it('the logger never writes a registered secret, in messages, fields or errors', () => {
    registerSecret('or-secret-value-42');
    const out = capture();
    const log = createLogger('info', out.dest);
    log.info({ headers: { authorization: 'Bearer or-secret-value-42' }, key: 'or-secret-value-42' }, 'calling with or-secret-value-42');
    log.error({ err: new Error('401 for key or-secret-value-42') }, 'failed');
    log.debug('below the level');
    const text = out.text();
    expect(text).not.toContain('or-secret-value-42');
    expect(text).toContain('calling with ***');
    const lines = text.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ level: 'info', key: '***', headers: { authorization: 'Bearer ***' } });
    expect(lines[1].err.message).toBe('401 for key ***');
  });

  it('honours the level', () => {
    const out = capture();
    const log = createLogger('warn', out.dest);
    log.info('hidden');
    log.warn('shown');
    expect(out.text()).not.toContain('hidden');
    expect(out.text()).toContain('shown');
  });
});
