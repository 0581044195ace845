// `ollama pull` over HTTP: POST /api/pull streams NDJSON progress lines; aborting the signal cancels the download.
import { GatewayError, isAbortError } from '../core/errors.js';
import type { PullProgress } from './types.js';

interface PullLine {
  status?: unknown;
  completed?: unknown;
  total?: unknown;
  error?: unknown;
}

function toProgress(line: PullLine): PullProgress {
  const p: PullProgress = { status: typeof line.status === 'string' ? line.status : '' };
  if (typeof line.completed === 'number') p.completed = line.completed;
  if (typeof line.total === 'number') p.total = line.total;
  return p;
}

export async function pullModel(
  endpoint: string,
  model: string,
  signal: AbortSignal,
  onProgress: (p: PullProgress) => void,
): Promise<void> {
  let res: Response;
  try {
    res = await fetch(`${endpoint}/api/pull`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model, stream: true }),
      signal,
    });
  } catch (err) {
    if (isAbortError(err)) throw new GatewayError({ kind: 'aborted', status: 499, message: 'pull cancelled', provider: 'ollama' });
    throw new GatewayError({ kind: 'upstream_connect', status: 502, message: `Ollama is not reachable at ${endpoint}`, provider: 'ollama', cause: err });
  }
  if (!res.ok || !res.body) {
    const text = await res.text().catch(() => '');
    let message = text.slice(0, 500);
    try {
      const parsed = JSON.parse(text) as { error?: unknown };
      if (typeof parsed.error === 'string') message = parsed.error;
    } catch {
      // not JSON: keep the text
    }
    throw new GatewayError({
      kind: 'upstream_http',
      status: res.status === 404 ? 404 : 502,
      upstreamStatus: res.status,
      message: `pull ${model} failed: ${message || `HTTP ${res.status}`}`,
      provider: 'ollama',
    });
  }

  const decoder = new TextDecoder();
  let buffered = '';
  let finished = false;
  const handle = (raw: string): void => {
    const text = raw.trim();
    if (!text) return;
    let line: PullLine;
    try {
      line = JSON.parse(text) as PullLine;
    } catch {
      throw new GatewayError({ kind: 'upstream_protocol', status: 502, message: 'Ollama sent an unreadable pull progress line', provider: 'ollama' });
    }
    if (typeof line.error === 'string') {
      throw new GatewayError({ kind: 'upstream_http', status: 502, message: `pull ${model} failed: ${line.error}`, provider: 'ollama' });
    }
    const progress = toProgress(line);
    if (progress.status === 'success') {
      finished = true;
      progress.done = true;
    }
    onProgress(progress);
  };
  try {
    for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
      buffered += decoder.decode(chunk, { stream: true });
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        handle(buffered.slice(0, nl));
        buffered = buffered.slice(nl + 1);
      }
    }
    handle(buffered + decoder.decode());
  } catch (err) {
    if (err instanceof GatewayError) throw err;
    if (signal.aborted || isAbortError(err)) {
      throw new GatewayError({ kind: 'aborted', status: 499, message: 'pull cancelled', provider: 'ollama' });
    }
    throw new GatewayError({ kind: 'upstream_protocol', status: 502, message: `pull ${model} was cut off`, provider: 'ollama', cause: err });
  }
  if (!finished) {
    throw new GatewayError({ kind: 'upstream_protocol', status: 502, message: `pull ${model} ended before "success"`, provider: 'ollama' });
  }
}
