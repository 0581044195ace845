import { GatewayError, toGatewayError } from '../core/errors.js';
import { scrub } from '../observability/secrets.js';

// Where an upstream lives (`http://10.0.0.5:8000/v1`, `connect ECONNREFUSED 127.0.0.1:11434`) is for the operator,
// not for chat users: the message names the provider by its id, and the logs and the request log keep the address.
/** Our own `provider (http://host:port/v1)` form: the address in brackets goes, the name stays. */
const BRACKETED_URL = / ?\((?:[a-z][a-z0-9+.-]*:\/\/[^()\s]*|invalid URL)\)/gi;
/** A URL, without the sentence's punctuation after it. */
const ANY_URL = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>()[\]{}]*[^\s"'<>()[\]{}.,:;!?]/gi;
/** IPv4 (with a port or not), IPv6 in brackets or with `::`, host:port (dotted or one label, e.g. localhost:11434). */
const ADDRESS = new RegExp(
  [
    String.raw`\b\d{1,3}(?:\.\d{1,3}){3}(?::\d{1,5})?\b`,
    String.raw`\[[0-9a-f:.]*:[0-9a-f:.]*\](?::\d{1,5})?`,
    String.raw`(?<![\w:])[0-9a-f]{0,4}(?::[0-9a-f]{0,4})*::[0-9a-f:.]*[0-9a-f](?::\d{1,5})?\b`,
    String.raw`\b[a-z][a-z0-9-]*(?:\.[a-z0-9-]+)*:\d{2,5}\b`,
    // A name that failed to resolve is an address too (Node's `getaddrinfo ENOTFOUND gpu-box.lan`).
    String.raw`(?<=\b(?:ENOTFOUND|EAI_AGAIN) )[^\s)]+`,
  ].join('|'),
  'gi',
);

/**
 * Ollama's default address stays: it is the same on every machine (it says nothing about the user's network), and it
 * is where the user must start Ollama ("Ollama is not running at http://localhost:11434"). Other addresses go.
 */
const OLLAMA_DEFAULT_URL = 'http://localhost:11434';

/** The message with upstream URLs, hosts and ports replaced by `[address]` (Ollama's default address kept). */
export function hideAddresses(message: string): string {
  return message
    .replace(BRACKETED_URL, '')
    .split(OLLAMA_DEFAULT_URL)
    .map((part) => part.replace(ANY_URL, '[address]').replace(ADDRESS, '[address]'))
    .join(OLLAMA_DEFAULT_URL);
}

/**
 * The error as a client may see it: every registered secret and key-shaped string removed, and no upstream address.
 * The one place where upstream errors become client text (JSON errors, stream error events, embeddings).
 */
export function publicError(e: unknown): GatewayError {
  const err = toGatewayError(e);
  const message = hideAddresses(scrub(err.message));
  if (message === err.message) return err;
  return new GatewayError({ kind: err.kind, status: err.status, message, provider: err.provider, code: err.code, param: err.param, upstreamStatus: err.upstreamStatus, retryAfterMs: err.retryAfterMs });
}
