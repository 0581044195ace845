// One live request log for the whole window: loaded once, then fed by GET /admin/logs/stream, so rows keep
// arriving while other pages are open.
import { useEffect, useState } from 'preact/hooks';
import { api, errorText } from './api.js';
import { subscribeSse } from './sse.js';
import type { RequestRecord } from './types.js';

const MAX_ROWS = 2000;

export interface LogState {
  /** Newest first. */
  rows: RequestRecord[];
  live: boolean;
  error?: string;
  loaded: boolean;
}

let state: LogState = { rows: [], live: false, loaded: false };
const listeners = new Set<(s: LogState) => void>();
let started = false;

function set(patch: Partial<LogState>): void {
  state = { ...state, ...patch };
  for (const l of listeners) l(state);
}

function add(incoming: RequestRecord[]): void {
  const seen = new Set(state.rows.map((r) => r.id));
  const fresh = incoming.filter((r) => !seen.has(r.id));
  if (fresh.length === 0) return;
  const rows = [...fresh, ...state.rows].sort((a, b) => b.time - a.time).slice(0, MAX_ROWS);
  set({ rows });
}

function start(): void {
  if (started) return;
  started = true;
  // Subscribe first so nothing finishing between the two calls is lost; duplicates are dropped by id.
  subscribeSse<RequestRecord>('/logs/stream', {
    onData: (r) => add([r]),
    onState: ({ live, error }) => set({ live, error }),
  });
  api<{ rows: RequestRecord[] }>('/logs?limit=500')
    .then(({ rows }) => {
      add(rows);
      set({ loaded: true });
    })
    .catch((err: unknown) => set({ loaded: true, error: errorText(err) }));
}

export function useLogs(): LogState {
  const [s, setS] = useState(state);
  useEffect(() => {
    start();
    listeners.add(setS);
    setS(state);
    return () => void listeners.delete(setS);
  }, []);
  return s;
}
