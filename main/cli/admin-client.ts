// How CLI commands reach the running gateway: its admin API on loopback, with the token the gateway wrote to
// <dataDir>/admin-token. Every failure becomes a CliError whose message says what to do.
import { createParser } from 'eventsource-parser';
import { readAdminToken } from '../settings/admin-token.js';
import { loadSettings } from '../settings/load.js';
import { adminTokenFile, resolveDataDir } from '../settings/paths.js';

/** A failure to show as one line, without a stack, and exit 1. */
export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}

export interface AdminTarget {
  /** http://127.0.0.1:PORT */
  origin: string;
  port: number;
  dataDir: string;
  token?: string;
}

export interface TargetOptions {
  port?: number;
  dataDir?: string;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** Port: --port, else the settings the gateway would load (env, .env, file), else 8081. */
export function resolveAdminTarget(opts: TargetOptions): AdminTarget {
  const dataDir = opts.dataDir ?? resolveDataDir({ env: opts.env });
  let port = opts.port;
  let host = '127.0.0.1';
  try {
    const { settings } = loadSettings({ env: opts.env, cwd: opts.cwd, dataDir });
    port ??= settings.server.port;
    // The admin API answers on loopback only; a gateway bound to ::1 alone is reached there.
    if (settings.server.host === '::1') host = '[::1]';
  } catch {
    // A config the gateway would reject should not stop `lynkr status` from finding a running one.
    const fromEnv = Number(opts.env.PORT);
    port ??= Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : 8081;
  }
  const token = opts.env.LYNKR_ADMIN_TOKEN || readAdminToken(dataDir);
  return { origin: `http://${host}:${port}`, port, dataDir, token };
}

export interface AdminClient {
  target: AdminTarget;
  get<T>(path: string): Promise<T>;
  send<T>(method: 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<T>;
  /** Server-sent events from `path`, one parsed JSON per `data:` line, until `signal` aborts or the stream ends. */
  stream<T>(path: string, onData: (value: T) => void, signal: AbortSignal): Promise<void>;
}

const REQUEST_TIMEOUT_MS = 10_000;

export function createAdminClient(target: AdminTarget, fetchImpl: typeof fetch = fetch): AdminClient {
  const headers = (): Record<string, string> => ({
    ...(target.token ? { authorization: `Bearer ${target.token}` } : {}),
    'content-type': 'application/json',
  });

  async function call(method: string, path: string, body: unknown, signal: AbortSignal): Promise<Response> {
    let res: Response;
    try {
      res = await fetchImpl(`${target.origin}/admin${path}`, { method, headers: headers(), body: body === undefined ? undefined : JSON.stringify(body), signal });
    } catch (err) {
      throw connectionError(err, target);
    }
    if (!res.ok) throw await httpError(res, target);
    return res;
  }

  return {
    target,
    async get<T>(path: string) {
      return (await (await call('GET', path, undefined, AbortSignal.timeout(REQUEST_TIMEOUT_MS))).json()) as T;
    },
    async send<T>(method: 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown) {
      return (await (await call(method, path, body ?? {}, AbortSignal.timeout(REQUEST_TIMEOUT_MS))).json()) as T;
    },
    async stream<T>(path: string, onData: (value: T) => void, signal: AbortSignal) {
      const res = await call('GET', path, undefined, signal);
      const parser = createParser({
        onEvent: (event) => {
          try {
            onData(JSON.parse(event.data) as T);
          } catch {
            // A line we cannot read is skipped, not fatal for a tail.
          }
        },
      });
      const decoder = new TextDecoder();
      try {
        for await (const chunk of res.body as AsyncIterable<Uint8Array>) parser.feed(decoder.decode(chunk, { stream: true }));
      } catch (err) {
        if (signal.aborted) return;
        throw connectionError(err, target);
      }
    },
  };
}

function connectionError(err: unknown, target: AdminTarget): CliError {
  const code = (err as { cause?: { code?: string } }).cause?.code ?? (err as { code?: string }).code;
  const name = (err as Error).name;
  if (name === 'TimeoutError') return new CliError(`the gateway on :${target.port} did not answer within ${REQUEST_TIMEOUT_MS / 1000} s`);
  if (code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'EADDRNOTAVAIL') {
    return new CliError(`no gateway is running on :${target.port} — start it with \`lynkr start\``);
  }
  return new CliError(`cannot reach the gateway on :${target.port}: ${(err as Error).message}${code ? ` (${code})` : ''}`);
}

async function httpError(res: Response, target: AdminTarget): Promise<CliError> {
  let message = res.statusText;
  try {
    const body = (await res.json()) as { error?: { message?: string } };
    message = body.error?.message ?? message;
  } catch {
    // Not our JSON envelope: is something else listening on this port?
  }
  if (res.status === 401 || res.status === 403) {
    const file = adminTokenFile(target.dataDir);
    return new CliError(
      target.token
        ? `the gateway on :${target.port} refused the admin token from ${file} (${message}); is it running with another data dir? (--data-dir)`
        : `no admin token at ${file}; start the gateway with \`lynkr start\` or pass --data-dir`,
    );
  }
  return new CliError(`admin API ${res.status}: ${message}`);
}
