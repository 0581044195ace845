// Secrets compared in constant time. Both sides are hashed first so neither the content nor the length of
// the expected key leaks through timing.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export function safeEqual(candidate: string, expected: string): boolean {
  const a = createHash('sha256').update(candidate, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

/** A fresh gateway key: `lk-` + 32 random bytes in base64url (43 chars). */
export function generateGatewayKey(): string {
  return `lk-${randomBytes(32).toString('base64url')}`;
}

/** `lk-…wxyz`: enough to tell keys apart in the UI, never enough to use one. */
export function maskKey(key: string | undefined): string | undefined {
  if (!key) return undefined;
  const dash = key.indexOf('-');
  const prefix = dash > 0 && dash <= 4 ? key.slice(0, dash + 1) : '';
  return key.length < 12 ? `${prefix}…` : `${prefix}…${key.slice(-4)}`;
}

export interface KeyHolder {
  get(): string | undefined;
  /** Replaces the key with a new random one and returns it; the old key stops working at once. */
  rotate(): string;
  set(key: string | undefined): void;
  matches(candidate: string | undefined): boolean;
}

/** Holds the current gateway key so rotation takes effect without rebuilding the middleware. */
export function createKeyHolder(initial?: string, onChange?: (key: string | undefined) => void): KeyHolder {
  let current = initial;
  return {
    get: () => current,
    rotate() {
      const key = generateGatewayKey();
      current = key;
      onChange?.(key);
      return key;
    },
    set(key) {
      current = key;
      onChange?.(key);
    },
    matches: (candidate) => current !== undefined && candidate !== undefined && safeEqual(candidate, current),
  };
}
