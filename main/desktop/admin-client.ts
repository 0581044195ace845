// The tray talks to the gateway the same way the window does: over the admin HTTP API with the admin token
// (and /health, to know when a freshly bound gateway answers).
import type { Mode, StatusResponse } from '../admin/contract.js';

export interface AdminClient {
  status(): Promise<StatusResponse>;
  setMode(mode: Mode): Promise<Mode>;
}

export function createAdminClient(adminBase: string, token: string, timeoutMs = 3_000): AdminClient {
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${adminBase}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    if (!res.ok) {
      let message = text.slice(0, 300);
      try {
        const parsed = JSON.parse(text) as { error?: { message?: unknown } };
        if (typeof parsed.error?.message === 'string') message = parsed.error.message;
      } catch {
        // keep the raw text
      }
      throw new Error(`${method} ${path}: HTTP ${res.status}${message ? `: ${message}` : ''}`);
    }
    return JSON.parse(text) as T;
  };
  return {
    status: () => call<StatusResponse>('GET', '/admin/status'),
    setMode: async (mode) => (await call<{ mode: Mode }>('PUT', '/admin/mode', { mode })).mode,
  };
}

/** The admin API's origin. 127.0.0.1 rather than localhost: "localhost" may resolve to ::1 first. */
export function adminBaseFor(port: number): string {
  return `http://127.0.0.1:${port}`;
}

/** True when the gateway at `adminBase` answers /health with a 2xx within a second. */
export async function isHealthy(adminBase: string): Promise<boolean> {
  try {
    return (await fetch(`${adminBase}/health`, { signal: AbortSignal.timeout(1_000) })).ok;
  } catch {
    return false;
  }
}

/** Polls /health until it answers or `timeoutMs` passes (it never throws: the caller goes on either way). */
export async function waitForHealth(adminBase: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !(await isHealthy(adminBase))) await new Promise((r) => setTimeout(r, 100));
}
