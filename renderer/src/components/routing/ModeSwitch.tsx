// The mode switch (Local / Cloud / Auto). A switch that would leave aliases without any target asks first,
// naming them, and offers to add a target on the Routing page instead.
import { useState } from 'preact/hooks';
import { api } from '../../api.js';
import { useAction } from '../../hooks.js';
import type { Mode, ModeCheck, ModeResponse, UnroutedAlias } from '../../types.js';
import { Busy, ErrorBox } from '../ui.js';
import './routing.css';

const modes: { id: Mode; label: string; hint: string }[] = [
  { id: 'local', label: 'Local', hint: 'Only local providers (Ollama, LAN servers)' },
  { id: 'cloud', label: 'Cloud', hint: 'Only cloud providers' },
  { id: 'auto', label: 'Auto', hint: 'Local first, cloud as fallback' },
];

export function ModeSwitch(props: { mode: Mode; pinnedBy?: string; onChanged(): Promise<void> }) {
  const [pending, setPending] = useState<{ mode: Mode; unrouted: UnroutedAlias[] }>();
  const apply = async (mode: Mode) => {
    await api<ModeResponse>('/mode', 'PUT', { mode });
    setPending(undefined);
    await props.onChanged();
  };
  const choose = useAction(async (mode: Mode) => {
    const check = await api<ModeCheck>(`/mode/check?mode=${mode}`);
    if (check.unrouted.length > 0) setPending({ mode, unrouted: check.unrouted });
    else await apply(mode);
  });
  const confirm = useAction(apply);
  const label = (m: Mode) => modes.find((x) => x.id === m)?.label ?? m;

  return (
    <>
      <div class="segmented" role="radiogroup" aria-label="Routing mode" data-testid="mode-switch">
        {modes.map((m) => (
          <button
            key={m.id}
            type="button"
            role="radio"
            aria-checked={props.mode === m.id}
            class={props.mode === m.id ? 'on' : ''}
            title={m.hint}
            disabled={choose.busy || confirm.busy}
            onClick={() => (m.id === props.mode ? setPending(undefined) : void choose.run(m.id))}
          >
            {m.label}
          </button>
        ))}
      </div>
      <p class="muted small">{modes.find((m) => m.id === props.mode)?.hint}. Streams in flight keep their route.</p>
      {pending && (
        <div class="warning" role="alertdialog" aria-label="Mode switch warning" data-testid="mode-warning">
          <strong>
            {label(pending.mode)} leaves {pending.unrouted.length === 1 ? 'this alias' : 'these aliases'} without a target:
          </strong>
          <ul class="confirm-list">
            {pending.unrouted.map((u) => (
              <li key={u.alias} title={u.message}>
                <code>{u.alias}</code>
              </li>
            ))}
          </ul>
          <p class="small">
            Requests for {pending.unrouted.length === 1 ? 'it' : 'them'} would get 503 until you add a {pending.mode === 'auto' ? 'working' : pending.mode}{' '}
            target.
          </p>
          <div class="row">
            <a class="btn primary small" href="#/routing" data-testid="mode-add-target" onClick={() => setPending(undefined)}>
              Add a target…
            </a>
            <button type="button" class="btn small" data-testid="mode-switch-anyway" disabled={confirm.busy} onClick={() => void confirm.run(pending.mode)}>
              Switch to {label(pending.mode)} anyway
            </button>
            <button type="button" class="btn small" onClick={() => setPending(undefined)}>
              Cancel
            </button>
          </div>
        </div>
      )}
      {props.pinnedBy && (
        <p class="small" data-testid="mode-pinned">
          <code>{props.pinnedBy}</code> sets the mode each time the gateway starts, so a switch here lasts until the next restart. Unset it to keep
          your choice.
        </p>
      )}
      {(choose.busy || confirm.busy) && <Busy label="Switching mode…" />}
      <ErrorBox title="Mode not changed" error={choose.error ?? confirm.error} />
    </>
  );
}
