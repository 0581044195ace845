// The admin API client. Two ways in: the Electron preload exposes `window.lynkr = { adminBase, token }`;
// in a browser (`/ui`) the token arrives once in the URL fragment `#token=…`, is kept in sessionStorage and
// stripped from the address bar (so it is not left in history or screenshots).

interface LynkrBridge {
  adminBase: string;
  token: string;
}
declare global {
  interface Window {
    lynkr?: LynkrBridge;
  }
}

const TOKEN_KEY = 'lynkr.adminToken';

export interface Auth {
  base: string;
  token: string | undefined;
}

/** Reads the token from the fragment (then removes it, keeping any `#/page` route) or sessionStorage. */
export function resolveAuth(): Auth {
  const bridge = window.lynkr;
  if (bridge?.adminBase) {
    const base = bridge.adminBase.replace(/\/+$/, '');
    return { base: base.endsWith('/admin') ? base : `${base}/admin`, token: bridge.token };
  }
  const hash = location.hash.replace(/^#/, '');
  const match = /(?:^|[&?])token=([^&]*)/.exec(hash);
  if (match) {
    sessionStorage.setItem(TOKEN_KEY, decodeURIComponent(match[1]));
    const route = hash.replace(match[0], '').replace(/^[&?]/, '');
    history.replaceState(null, '', `${location.pathname}${location.search}${route ? `#${route}` : ''}`);
  }
  return { base: new URL('/admin', location.href).href, token: sessionStorage.getItem(TOKEN_KEY) ?? undefined };
}

const auth = resolveAuth();
export const hasToken = (): boolean => Boolean(auth.token);

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    /** The request field the gateway named (`targets.1`, `modelMap.0.alias`), for errors shown beside it. */
    readonly param?: string,
  ) {
    super(message);
  }
}

/** Turns any failed response body into a sentence: the gateway's `{error:{message}}`, or the status. */
async function errorFrom(res: Response): Promise<ApiError> {
  let text = '';
  try {
    text = await res.text();
  } catch {
    /* body unreadable: fall through to the status line */
  }
  let message = '';
  let param: string | undefined;
  try {
    const body = JSON.parse(text) as { error?: string | { message?: string; param?: string | null }; message?: string };
    message = typeof body.error === 'string' ? body.error : (body.error?.message ?? body.message ?? '');
    if (typeof body.error === 'object' && typeof body.error.param === 'string') param = body.error.param;
  } catch {
    message = text.slice(0, 300);
  }
  if (res.status === 401 || res.status === 403) {
    message = `The gateway refused the admin token (${res.status}${message ? `: ${message}` : ''}). Reopen the window from the tray or the URL that \`lynkr start\` prints.`;
  }
  return new ApiError(message || `${res.status} ${res.statusText}`, res.status, param);
}

/** Requests without their own signal (everything but streams) give up after this long, so polls never pile up
 *  and a hung action ends in an error message instead of a spinner forever. */
const TIMEOUT_MS = 20_000;

/** fetch() against the admin API with the bearer token; network failures become readable errors too. */
export async function adminFetch(path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (auth.token) headers.set('Authorization', `Bearer ${auth.token}`);
  if (init.body !== undefined && !headers.has('Content-Type')) headers.set('Content-Type', 'application/json');
  let res: Response;
  try {
    res = await fetch(`${auth.base}${path}`, { ...init, headers, signal: init.signal ?? AbortSignal.timeout(TIMEOUT_MS) });
  } catch (err) {
    const name = (err as Error).name;
    if (name === 'TimeoutError') {
      throw new ApiError(`No answer from the gateway after ${TIMEOUT_MS / 1000} s (${init.method ?? 'GET'} /admin${path}).`, 0);
    }
    if (name === 'AbortError') throw err;
    throw new ApiError(`Cannot reach the gateway at ${auth.base} (${(err as Error).message}). Is it running?`, 0);
  }
  if (!res.ok) throw await errorFrom(res);
  return res;
}

export async function api<T>(path: string, method = 'GET', body?: unknown): Promise<T> {
  const res = await adminFetch(path, { method, body: body === undefined ? undefined : JSON.stringify(body) });
  return (await res.json()) as T;
}

export const errorText = (err: unknown): string =>
  err instanceof Error ? err.message || err.name : typeof err === 'string' ? err : 'Unknown error';
