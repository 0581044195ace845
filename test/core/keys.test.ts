import { describe, expect, it } from 'vitest';
import { generateGatewayKey, maskKey } from '../../main/core/keys.js';

describe('generateGatewayKey', () => {
  it('generates lk- + 43 base64url chars, distinct each time', () => {
    const a = generateGatewayKey();
    expect(a).toMatch(/^lk-[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(generateGatewayKey());
    expect(maskKey(a)).toBe(`lk-…${a.slice(-4)}`);
  });
});

describe('maskKey', () => {
  it('keeps the vendor prefix and the last four characters', () => {
    expect(maskKey('sk-abcdefghijklmnopqrstuvwxyz')).toBe('sk-…wxyz');
    expect(maskKey('sk-proj-0123456789abcdefWXYZ')).toBe('sk-…WXYZ');
    expect(maskKey('AKIAIOSFODNN7EXAMPLE')).toBe('…MPLE');
  });
  it('fully masks short keys and passes undefined through', () => {
    expect(maskKey('sk-short')).toBe('••••');
    expect(maskKey('12345678901')).toBe('••••');
    expect(maskKey('sk-0123456789ab')).toBe('••••'); // 15 characters: still too short to show a tail
    expect(maskKey('')).toBeUndefined();
    expect(maskKey(undefined)).toBeUndefined();
  });
  it('never contains the middle of the key', () => {
    const key = 'sk-ant-api03-SECRETMIDDLEPART-abcd';
    const masked = maskKey(key)!;
    expect(masked).not.toContain('SECRET');
    expect(masked.length).toBeLessThan(10);
  });
});
