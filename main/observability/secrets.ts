// Every secret the process knows (provider keys, the inbound key, the admin token) is registered here, and
// everything that leaves the process as text — log lines, error messages — goes through scrub().

const secrets = new Set<string>();
let registered: RegExp | undefined;

/** Shorter values would blank out ordinary words; real keys are far longer. */
const MIN_SECRET_LENGTH = 6;

/** Keys carry prefixes (`sk-`, `sk-ant-api03-`, `gsk_`); the part after one is secret on its own and long enough to match. */
const PREFIX_SPAN = 20;
const MIN_BARE_LENGTH = 12;

/** A key without each prefix it may have: upstreams echo keys with or without it. */
function withoutPrefixes(value: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < Math.min(PREFIX_SPAN, value.length); i++) {
    if ((value[i] === '-' || value[i] === '_') && value.length - i - 1 >= MIN_BARE_LENGTH) out.push(value.slice(i + 1));
  }
  return out;
}

/**
 * What a secret's base64 looks like inside longer base64 text (a `Basic` header echoed back, a JSON dump): the
 * characters that depend only on the secret, at each of the three alignments it can have.
 */
function base64Forms(value: string): string[] {
  const forms: string[] = [];
  for (let pad = 0; pad < 3; pad++) {
    const encoded = Buffer.concat([Buffer.alloc(pad), Buffer.from(value)]).toString('base64').replace(/=+$/, '');
    const start = pad === 0 ? 0 : 4; // the first group mixes in the padding bytes
    const whole = Math.floor((pad + Buffer.byteLength(value)) / 3) * 4; // a last partial group depends on what follows
    const form = encoded.slice(start, whole);
    if (form.length >= 8) forms.push(form, form.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return forms;
}

function add(value: string): void {
  if (value.length < MIN_SECRET_LENGTH || secrets.has(value)) return;
  secrets.add(value);
  registered = undefined;
}

/** Registers a secret with the forms an upstream may echo it in: as it is, without its key prefix, and in base64. */
export function registerSecret(value: string | undefined | null): void {
  if (!value || value.length < MIN_SECRET_LENGTH || secrets.has(value)) return;
  add(value);
  for (const bare of withoutPrefixes(value)) add(bare);
  for (const form of base64Forms(value)) add(form);
}

/** Credentials in a URL (`https://user:pw@host/v1`) are secrets like keys, and so is their `Basic` form. */
export function registerUrlCredentials(url: string | undefined): void {
  if (!url) return;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return;
  }
  const user = decodeURIComponent(parsed.username);
  const password = decodeURIComponent(parsed.password);
  if (password) registerSecret(password);
  if (user && password) registerSecret(`${user}:${password}`);
  else if (user) registerSecret(user);
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

/** The parts of the settings that hold secrets: provider keys, credentials in base URLs, header values, the inbound key. */
export interface SecretBearingSettings {
  providers: ReadonlyArray<{ apiKey?: string; baseUrl?: string; headers?: Readonly<Record<string, string>> }>;
  server: { apiKey?: string };
}

export function registerSettingsSecrets(s: SecretBearingSettings): void {
  for (const p of s.providers) {
    registerSecret(p.apiKey);
    registerUrlCredentials(p.baseUrl);
    // Header values are secrets too (custom auth headers, tokens): none is ever shown or logged.
    for (const value of Object.values(p.headers ?? {})) registerSecret(value);
  }
  registerSecret(s.server.apiKey);
}
