// Every secret the process knows (provider keys, the inbound key, the admin token) is registered here, and
// everything that leaves the process as text — log lines, error messages — goes through scrub().

const secrets = new Set<string>();
let registered: RegExp | undefined;

/** Shorter values would blank out ordinary words; real keys are far longer. */
const MIN_SECRET_LENGTH = 6;

export function registerSecret(value: string | undefined | null): void {
  if (!value || value.length < MIN_SECRET_LENGTH || secrets.has(value)) return;
  secrets.add(value);
  registered = undefined;
}

/** Key-shaped text even when nobody registered it: `Bearer <token>` and OpenAI/Anthropic-style `sk-…`. */
const KEY_SHAPES = /(\bBearer\s+)[A-Za-z0-9._~+/=-]{6,}|\bsk-[A-Za-z0-9_-]{8,}/gi;

export function scrub(text: string): string {
  if (secrets.size > 0) {
    // Longest first, so a secret that contains another is replaced whole.
    registered ??= new RegExp([...secrets].sort((a, b) => b.length - a.length).map(escapeRegExp).join('|'), 'g');
    text = text.replace(registered, '***');
  }
  return text.replace(KEY_SHAPES, (_m, bearer: string | undefined) => (bearer ? `${bearer}***` : '***'));
}

/** An error's message with secrets removed, for error envelopes and log fields. */
export function scrubError(err: unknown): string {
  return scrub(err instanceof Error ? err.message : String(err));
}

/** For tests: forget every registered secret. */
export function clearSecrets(): void {
  secrets.clear();
  registered = undefined;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
