// The bounds the `ollama` package has no option for, applied where it lets us in: the `fetch` it is given.
// In ollama 0.6.4 (node_modules/ollama/dist/browser.mjs): `get()` passes no signal, so list() and version()
// cannot time out; `checkOk()` reads a failed response's whole body (response.json() or text()) and logs to the
// console when that body is not JSON; `parseJSON()` keeps an unfinished NDJSON line in a string with no cap and
// re-splits it on every chunk. This wrapper joins a deadline and the caller's AbortSignal to every call, hands
// the package an error body already cut to ERROR_BODY_BYTES (as JSON, so checkOk takes its message quietly),
// and fails a successful body whose size or single line passes its cap. The caps count decoded bytes, so they
// hold after fetch has inflated a compressed body.
import { GatewayError } from '../core/errors.js';

export interface FetchBounds {
  /** Deadline of each call, reading the body included. */
  timeoutMs?: number;
  /** Cancels the call, also while its body is being read. */
  signal?: AbortSignal;
  /** Cap on the whole body of a successful response. */
  maxBodyBytes?: number;
  /** Cap on one NDJSON line of a successful response. */
  maxLineBytes?: number;
}

/** Error bodies are read only for their message. */
export const ERROR_BODY_BYTES = 64 * 1024;
/** The error message kept from a body that is not Ollama's `{"error": …}`. */
const ERROR_TEXT_CHARS = 500;
const NEWLINE = 0x0a;

export function boundedFetch(bounds: FetchBounds): typeof fetch {
  return async (input, init = {}) => {
    const deadline = bounds.timeoutMs === undefined ? undefined : AbortSignal.timeout(bounds.timeoutMs);
    const signals = [init.signal, bounds.signal, deadline].filter((s): s is AbortSignal => s instanceof AbortSignal);
    const res = await fetch(input, { ...init, signal: AbortSignal.any(signals) });
    if (!res.ok) return cutErrorResponse(res);
    if (!res.body || (bounds.maxBodyBytes === undefined && bounds.maxLineBytes === undefined)) return res;
    const body = res.body.pipeThrough(capStream(bounds));
    return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
  };
}

function tooLarge(what: string, limit: number): GatewayError {
  const size = limit >= 1024 * 1024 ? `${limit / (1024 * 1024)} MiB` : `${limit / 1024} KiB`;
  return new GatewayError({ kind: 'upstream_protocol', status: 502, message: `Ollama sent ${what} over the ${size} limit; the call was cut there`, provider: 'ollama' });
}

/** Passes chunks through while the body and each line stay under their caps; past one, fails the body (and so the call). */
function capStream({ maxBodyBytes, maxLineBytes }: FetchBounds): TransformStream<Uint8Array, Uint8Array> {
  let bodyBytes = 0;
  let lineBytes = 0;
  return new TransformStream({
    transform(chunk, controller) {
      bodyBytes += chunk.length;
      if (maxBodyBytes !== undefined && bodyBytes > maxBodyBytes) throw tooLarge('a body', maxBodyBytes);
      if (maxLineBytes !== undefined) {
        let start = 0;
        for (let nl = chunk.indexOf(NEWLINE); nl !== -1; nl = chunk.indexOf(NEWLINE, start)) {
          if (lineBytes + nl - start > maxLineBytes) throw tooLarge('one NDJSON line', maxLineBytes);
          lineBytes = 0;
          start = nl + 1;
        }
        lineBytes += chunk.length - start;
        if (lineBytes > maxLineBytes) throw tooLarge('one NDJSON line', maxLineBytes);
      }
      controller.enqueue(chunk);
    },
  });
}

/** The head of a body, then the rest is cancelled (which closes the connection). */
async function readHead(body: ReadableStream<Uint8Array>, limit: number): Promise<string> {
  const reader = body.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < limit) {
      const { done, value } = await reader.read();
      if (done) break;
      parts.push(value);
      size += value.length;
    }
  } finally {
    void reader.cancel().catch(() => {});
  }
  return Buffer.concat(parts).subarray(0, limit).toString('utf8');
}

/** Ollama's `{"error": "…"}` message, else the start of the text. */
function errorMessage(text: string): string {
  try {
    const parsed = JSON.parse(text) as { error?: unknown };
    if (typeof parsed?.error === 'string') return parsed.error;
  } catch {
    // not JSON (or cut in the middle): keep the text
  }
  return text.trim().slice(0, ERROR_TEXT_CHARS);
}

async function cutErrorResponse(res: Response): Promise<Response> {
  const text = res.body ? await readHead(res.body, ERROR_BODY_BYTES).catch(() => '') : '';
  const error = errorMessage(text) || `HTTP ${res.status}`;
  return new Response(JSON.stringify({ error }), { status: res.status, statusText: res.statusText, headers: { 'content-type': 'application/json' } });
}
