// Pieces shared by the Routing page's cards: a save action that keeps the field the gateway named, the target
// picker (every provider's models grouped by provider, local/cloud badges, or a typed `provider/model`).
import { useCallback, useState } from 'preact/hooks';
import { ApiError, api, errorText } from '../../api.js';
import { usePoll, type Polled } from '../../hooks.js';
import type { ProviderModels } from '../../types.js';

export interface SaveError {
  message: string;
  /** The field the gateway's 400 named, e.g. `targets.1`. */
  param?: string;
}

export interface Save<A extends unknown[]> {
  run(...args: A): Promise<boolean>;
  busy: boolean;
  error: SaveError | undefined;
  /** Set after a success, until the next run. */
  saved: boolean;
  clear(): void;
}

/** A save with busy state and the gateway's error, kept whole so it can be shown beside its field. */
export function useSave<A extends unknown[]>(fn: (...args: A) => Promise<unknown>): Save<A> {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<SaveError>();
  const [saved, setSaved] = useState(false);
  const run = useCallback(
    async (...args: A) => {
      setBusy(true);
      setError(undefined);
      setSaved(false);
      try {
        await fn(...args);
        setSaved(true);
        return true;
      } catch (err) {
        setError({ message: errorText(err), param: err instanceof ApiError ? err.param : undefined });
        return false;
      } finally {
        setBusy(false);
      }
    },
    [fn],
  );
  return { run, busy, error, saved, clear: () => (setError(undefined), setSaved(false)) };
}

/** The error under the field it names (exactly, or any field below it: `targets` shows `targets.1`). */
export function FieldError(props: { error: SaveError | undefined; param: string; testId?: string }) {
  const p = props.error?.param;
  if (!p || !(p === props.param || p.startsWith(`${props.param}.`))) return null;
  return (
    <div class="error-text small field-error" role="alert" data-testid={props.testId}>
      {props.error?.message}
    </div>
  );
}

/** The error when it names no field shown on the card. */
export function CardError(props: { error: SaveError | undefined; shown: string[] }) {
  const e = props.error;
  if (!e) return null;
  if (e.param && props.shown.some((f) => e.param === f || e.param!.startsWith(`${f}.`))) return null;
  return (
    <div class="error" role="alert">
      <span class="error-text">{e.message}</span>
    </div>
  );
}

export const useProviderModels = (): Polled<ProviderModels[]> => usePoll(() => api<ProviderModels[]>('/models'), 0);

export function LocalityBadge(props: { locality: 'local' | 'cloud' }) {
  return <span class={`pill ${props.locality}`}>{props.locality}</span>;
}

/**
 * Picks a target: a select grouped by provider ("ollama · local"), whose last option lets the user type one.
 * `value` '' means none chosen.
 */
export function TargetPicker(props: {
  models: ProviderModels[] | undefined;
  value: string;
  onChange(label: string): void;
  testId?: string;
  /** Text of the empty option, e.g. "(none)" for a tier. */
  emptyLabel?: string;
  ariaLabel: string;
}) {
  const listed = new Set((props.models ?? []).flatMap((p) => p.models.map((m) => `${p.provider}/${m}`)));
  // Typed by hand: chosen from the menu, or a value no provider lists (once the lists have loaded).
  const typed = props.models !== undefined && props.value !== '' && !listed.has(props.value);
  const [typing, setTyping] = useState(false);
  return (
    <span class="target-picker">
      <select
        aria-label={props.ariaLabel}
        data-testid={props.testId}
        value={typing || typed ? '__typed' : props.value}
        onChange={(e) => {
          const v = (e.currentTarget as HTMLSelectElement).value;
          setTyping(v === '__typed');
          if (v !== '__typed') props.onChange(v);
        }}
      >
        <option value="">{props.emptyLabel ?? 'Choose a model…'}</option>
        {(props.models ?? []).map((p) => (
          <optgroup key={p.provider} label={`${p.provider} · ${p.locality}${p.enabled ? '' : ' · disabled'}${p.reachable === false ? ' · not reachable' : ''}`}>
            {p.models.map((m) => (
              <option key={m} value={`${p.provider}/${m}`}>
                {m}
              </option>
            ))}
          </optgroup>
        ))}
        <option value="__typed">Type provider/model…</option>
      </select>
      {(typing || typed) && (
        <input
          class="typed-target"
          placeholder="provider/model"
          aria-label={`${props.ariaLabel} (typed)`}
          data-testid={props.testId ? `${props.testId}-typed` : undefined}
          value={props.value}
          onInput={(e) => props.onChange((e.currentTarget as HTMLInputElement).value.trim())}
        />
      )}
    </span>
  );
}
