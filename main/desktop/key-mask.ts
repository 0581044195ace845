// How an API key is shown in the window: its vendor prefix and last four characters, never more.
const PREFIX = /^[A-Za-z]{1,8}-/;
/** Below this length the last four characters are too large a share of the key to show. */
const MIN_REVEAL_LENGTH = 12;

export function maskKey(key: string | undefined): string | undefined {
  if (!key) return undefined;
  const trimmed = key.trim();
  if (trimmed.length < MIN_REVEAL_LENGTH) return '••••';
  const prefix = PREFIX.exec(trimmed)?.[0] ?? '';
  return `${prefix}…${trimmed.slice(-4)}`;
}
