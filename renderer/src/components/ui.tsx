// Small shared building blocks: cards, errors in words, progress, switches, copy buttons.
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { copyText } from '../clipboard.js';
import { errorText } from '../api.js';
import { useTicker } from '../hooks.js';

export function Card(props: { title?: ComponentChildren; actions?: ComponentChildren; children: ComponentChildren; class?: string }) {
  return (
    <section class={`card ${props.class ?? ''}`}>
      {(props.title || props.actions) && (
        <header class="card-head">
          <h2>{props.title}</h2>
          <div class="card-actions">{props.actions}</div>
        </header>
      )}
      {props.children}
    </section>
  );
}

export function ErrorBox(props: { error: string | undefined; title?: string }) {
  if (!props.error) return null;
  return (
    <div class="error" role="alert">
      {props.title && <strong>{props.title}: </strong>}
      <span class="error-text">{props.error}</span>
    </div>
  );
}

export function Spinner() {
  return <span class="spinner" aria-hidden="true" />;
}

/** Indeterminate progress with elapsed time, for long actions without a known total. */
export function Busy(props: { label: string; startedAt?: number }) {
  const now = useTicker(true);
  const secs = props.startedAt ? ((now - props.startedAt) / 1000).toFixed(1) : undefined;
  return (
    <div class="busy" role="status">
      <Spinner /> {props.label}
      {secs !== undefined && <span class="muted"> {secs} s</span>}
    </div>
  );
}

export function Loading(props: { what: string }) {
  return (
    <div class="loading" role="status">
      <Spinner /> Loading {props.what}…
    </div>
  );
}

export function Switch(props: { checked: boolean; onChange(v: boolean): void; label: string; disabled?: boolean; id?: string }) {
  return (
    <label class="switch">
      <input
        id={props.id}
        type="checkbox"
        role="switch"
        checked={props.checked}
        disabled={props.disabled}
        onChange={(e) => props.onChange((e.currentTarget as HTMLInputElement).checked)}
      />
      <span class="track" aria-hidden="true" />
      <span>{props.label}</span>
    </label>
  );
}

export function CopyButton(props: { text: string; label?: string; testId?: string }) {
  const [state, setState] = useState<{ ok: boolean; msg: string }>();
  const copy = async () => {
    try {
      await copyText(props.text);
      setState({ ok: true, msg: 'Copied' });
    } catch (err) {
      setState({ ok: false, msg: errorText(err) });
    }
    setTimeout(() => setState(undefined), 2500);
  };
  return (
    <span class="copy">
      <button type="button" class={`btn small ${state?.ok ? 'copied' : ''}`} data-testid={props.testId} onClick={() => void copy()}>
        {state?.ok ? '✓ Copied' : (props.label ?? 'Copy')}
      </button>
      {state && !state.ok && <span class="error-text small">{state.msg}</span>}
    </span>
  );
}

export function CopyField(props: { label: string; value: string; testId?: string; compact?: boolean }) {
  return (
    <div class={`copy-field ${props.compact ? 'compact' : ''}`}>
      <span class="field-label">{props.label}</span>
      <code class="value" data-testid={props.testId ? `${props.testId}-value` : undefined}>
        {props.value}
      </code>
      <CopyButton text={props.value} testId={props.testId} />
    </div>
  );
}

export function CodeBlock(props: { title: string; code: string; testId?: string }) {
  return (
    <div class="code-block">
      <div class="code-head">
        <span>{props.title}</span>
        <CopyButton text={props.code} testId={props.testId ? `${props.testId}-copy` : undefined} />
      </div>
      <pre data-testid={props.testId}>{props.code}</pre>
    </div>
  );
}

export function Dot(props: { tone: 'ok' | 'warn' | 'bad' | 'idle'; title?: string }) {
  return <span class={`dot ${props.tone}`} title={props.title} aria-label={props.title} />;
}

export function Stat(props: { label: string; value: ComponentChildren; hint?: string; testId?: string }) {
  return (
    <div class="stat" title={props.hint}>
      <div class="stat-value" data-testid={props.testId}>
        {props.value}
      </div>
      <div class="stat-label">{props.label}</div>
    </div>
  );
}
