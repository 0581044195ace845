// Imported first by main.tsx, so the status request leaves before Preact and the pages are even evaluated:
// the Overview's first render waits on it (≤ 1 s budget, measured by test/e2e/ui.test.ts).
import { api, hasToken } from './api.js';
import type { StatusResponse } from './types.js';

let first: Promise<StatusResponse> | undefined = hasToken() ? api<StatusResponse>('/status') : undefined;
// Avoid an unhandled rejection before anyone awaits it; the caller still sees the error.
first?.catch(() => undefined);

/** The prefetched status once, then fresh requests. */
export function loadStatus(): Promise<StatusResponse> {
  const p = first ?? api<StatusResponse>('/status');
  first = undefined;
  return p;
}
