import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { errorText } from './api.js';

export interface Polled<T> {
  data: T | undefined;
  error: string | undefined;
  /** True until the first answer (or error) arrives. */
  loading: boolean;
  reload(): Promise<void>;
}

/** Calls `load` now and every `intervalMs` (0 = once); keeps the last good data when a later call fails. */
export function usePoll<T>(load: () => Promise<T>, intervalMs: number): Polled<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<string>();
  const [loading, setLoading] = useState(true);
  const loadRef = useRef(load);
  loadRef.current = load;
  const alive = useRef(true);

  const reload = useCallback(async () => {
    try {
      const next = await loadRef.current();
      if (!alive.current) return;
      setData(next);
      setError(undefined);
    } catch (err) {
      if (alive.current) setError(errorText(err));
    } finally {
      if (alive.current) setLoading(false);
    }
  }, []);

  useEffect(() => {
    alive.current = true;
    void reload();
    const timer = intervalMs > 0 ? setInterval(() => void reload(), intervalMs) : undefined;
    return () => {
      alive.current = false;
      clearInterval(timer);
    };
  }, [reload, intervalMs]);

  return { data, error, loading, reload };
}

export interface Action<A extends unknown[], R> {
  run(...args: A): Promise<R | undefined>;
  busy: boolean;
  error: string | undefined;
  result: R | undefined;
  /** When the running action started (for elapsed-time progress). */
  startedAt: number | undefined;
  reset(): void;
}

/** A user-triggered async action with busy/error state; errors are kept as text, never thrown into the UI. */
export function useAction<A extends unknown[], R>(fn: (...args: A) => Promise<R>): Action<A, R> {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [result, setResult] = useState<R>();
  const [startedAt, setStartedAt] = useState<number>();
  const fnRef = useRef(fn);
  fnRef.current = fn;
  const run = useCallback(async (...args: A) => {
    setBusy(true);
    setError(undefined);
    setResult(undefined);
    setStartedAt(Date.now());
    try {
      const r = await fnRef.current(...args);
      setResult(r);
      return r;
    } catch (err) {
      setError(errorText(err));
      return undefined;
    } finally {
      setBusy(false);
      setStartedAt(undefined);
    }
  }, []);
  const reset = useCallback(() => {
    setError(undefined);
    setResult(undefined);
  }, []);
  return { run, busy, error, result, startedAt, reset };
}

/** Re-renders every `ms` while `active` (elapsed timers on progress indicators). */
export function useTicker(active: boolean, ms = 250): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!active) return;
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [active, ms]);
  return now;
}
