import { randomBytes } from 'node:crypto';

/** The inbound key non-loopback clients (e.g. LibreChat in Docker) present: `lk-` + 32 random bytes, base64url. */
export const generateGatewayKey = (): string => `lk-${randomBytes(32).toString('base64url')}`;

/**
 * `sk-proj-abc…wxyz` → `sk-…wxyz`: enough to tell keys apart, never enough to use one. Keys under 16 characters
 * are masked whole: four visible characters of an 8-character key would be half of it.
 */
export function maskKey(key: string | undefined): string | undefined {
  if (!key) return undefined;
  if (key.length < 16) return '••••';
  const prefix = /^[A-Za-z]{2,4}-/.exec(key)?.[0] ?? '';
  return `${prefix}…${key.slice(-4)}`;
}

/** `https://user:pw@host/v1` → `https://•••@host/v1`: credentials in a base URL are secrets, like keys. */
export function maskUrlCredentials(url: string | undefined): string | undefined {
  if (!url) return url;
  try {
    const parsed = new URL(url);
    if (!parsed.username && !parsed.password) return url;
    return url.replace(`${parsed.username}${parsed.password ? `:${parsed.password}` : ''}@`, '•••@');
  } catch {
    return url;
  }
}
