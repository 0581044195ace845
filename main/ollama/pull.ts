// `ollama pull` through the `ollama` package: POST /api/pull streams NDJSON progress; aborting the signal cancels
// the download. The package sends `{"name": …, "stream": true}`; Ollama reads `cmp.Or(req.Model, req.Name)`
// (server/routes.go, PullHandler), so the older field name still pulls the right model.
import { Ollama, type ProgressResponse } from 'ollama';
import { GatewayError, isAbortError } from '../core/errors.js';
import { boundedFetch } from './bounded-fetch.js';
import type { PullProgress } from './types.js';

/**
 * A progress line is ~150 bytes. The cap is small because the package re-splits an unfinished line on every chunk
 * (browser.mjs parseJSON), so it bounds that work as well as the memory.
 */
export const PULL_LINE_BYTES = 64 * 1024;
/** What the package's AbortableAsyncIterator throws when the stream ends without a "success" line (browser.mjs). */
const NO_SUCCESS = 'Did not receive done or success response in stream.';

function toProgress(line: Partial<ProgressResponse>): PullProgress {
  const p: PullProgress = { status: typeof line.status === 'string' ? line.status : '' };
  if (typeof line.completed === 'number') p.completed = line.completed;
  if (typeof line.total === 'number') p.total = line.total;
  return p;
}

/** The package's ResponseError (browser.mjs checkOk): not exported, so recognised by its shape. */
function isResponseError(err: unknown): err is Error & { error: string; status_code: number } {
  return err instanceof Error && err.name === 'ResponseError' && typeof (err as { status_code?: unknown }).status_code === 'number';
}

const cancelled = (): GatewayError => new GatewayError({ kind: 'aborted', status: 499, message: 'pull cancelled', provider: 'ollama' });

function failed(model: string, message: string, status = 502, upstreamStatus?: number): GatewayError {
  return new GatewayError({ kind: 'upstream_http', status, upstreamStatus, message: `pull ${model} failed: ${message}`, provider: 'ollama' });
}

/** Before the progress stream: Ollama down, an HTTP error (404 for an unknown model), or cancelled. */
function requestError(err: unknown, endpoint: string, model: string, signal: AbortSignal): GatewayError {
  if (err instanceof GatewayError) return err;
  if (signal.aborted || isAbortError(err)) return cancelled();
  if (isResponseError(err)) return failed(model, err.error, err.status_code === 404 ? 404 : 502, err.status_code);
  return new GatewayError({ kind: 'upstream_connect', status: 502, message: `Ollama is not reachable at ${endpoint}`, provider: 'ollama', cause: err });
}

/** While progress streams: a cap passed, cancelled, cut off, ended early, or Ollama's own `{"error": …}` line. */
function streamError(err: unknown, model: string, signal: AbortSignal): GatewayError {
  if (err instanceof GatewayError) return err;
  if (signal.aborted || isAbortError(err)) return cancelled();
  if (err instanceof Error && err.message === NO_SUCCESS) return endedEarly(model);
  // fetch reports a broken connection as a TypeError ("terminated"); the package throws a plain Error per error line.
  if (err instanceof TypeError) {
    return new GatewayError({ kind: 'upstream_protocol', status: 502, message: `pull ${model} was cut off`, provider: 'ollama', cause: err });
  }
  return failed(model, err instanceof Error ? err.message : String(err));
}

const endedEarly = (model: string): GatewayError =>
  new GatewayError({ kind: 'upstream_protocol', status: 502, message: `pull ${model} ended before "success"`, provider: 'ollama' });

export async function pullModel(
  endpoint: string,
  model: string,
  signal: AbortSignal,
  onProgress: (p: PullProgress) => void,
): Promise<void> {
  // The package aborts with its own controller, whose signal it hands to fetch (browser.mjs processStreamableRequest),
  // and its iterator's `.abort()` exists only once the headers are in; joining our signal inside fetch also
  // cancels while connecting.
  const client = new Ollama({ host: endpoint, fetch: boundedFetch({ signal, maxLineBytes: PULL_LINE_BYTES }) });
  let lines: AsyncIterable<ProgressResponse>;
  try {
    lines = await client.pull({ model, stream: true });
  } catch (err) {
    throw requestError(err, endpoint, model, signal);
  }
  let finished = false;
  try {
    for await (const line of lines) {
      const progress = toProgress(line);
      if (progress.status === 'success') {
        finished = true;
        progress.done = true;
      }
      onProgress(progress);
    }
  } catch (err) {
    throw streamError(err, model, signal);
  }
  if (!finished) throw endedEarly(model);
}
