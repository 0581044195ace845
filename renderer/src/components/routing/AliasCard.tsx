// One alias: its name (rename), description, ordered targets (the fallback order: add, remove, reorder), saved
// together; delete asks first. The gateway's 400 is shown beside the field it names.
import { useEffect, useState } from 'preact/hooks';
import { api } from '../../api.js';
import type { AliasView, ProviderModels } from '../../types.js';
import { Busy } from '../ui.js';
import { CardError, FieldError, LocalityBadge, TargetPicker, useSave } from './shared.js';

interface Draft {
  name: string;
  description: string;
  targets: string[];
}

const draftOf = (a: AliasView): Draft => ({ name: a.name, description: a.description, targets: a.ownTargets ?? a.targets.map((t) => t.label) });
const path = (name: string) => `/aliases/${encodeURIComponent(name)}`;

export function AliasCard(props: { alias: AliasView; models: ProviderModels[] | undefined; onSaved(): Promise<void> }) {
  const a = props.alias;
  const builtIn = a.name === 'auto';
  const [d, setD] = useState<Draft>(() => draftOf(a));
  const [adding, setAdding] = useState('');
  // Remounts the picker after an add, so it is back on its menu rather than the typed field.
  const [pickerKey, setPickerKey] = useState(0);
  const [confirmDelete, setConfirmDelete] = useState(false);
  useEffect(() => setD(draftOf(a)), [a]);
  const original = draftOf(a);
  const dirty = JSON.stringify(d) !== JSON.stringify(original);
  const locality = (label: string) =>
    a.targets.find((t) => t.label === label)?.locality ?? props.models?.find((p) => label.startsWith(`${p.provider}/`))?.locality;

  const save = useSave(async () => {
    // Targets first, under the old name; then the rename, which moves model-map entries and the default model.
    await api(path(a.name), 'PUT', { description: d.description, targets: d.targets });
    if (d.name !== a.name) await api(`${path(a.name)}/rename`, 'POST', { name: d.name });
    await props.onSaved();
  });
  const remove = useSave(async () => {
    await api(path(a.name), 'DELETE');
    await props.onSaved();
  });
  const set = (patch: Partial<Draft>) => setD((x) => ({ ...x, ...patch }));
  const move = (i: number, by: -1 | 1) => {
    const next = [...d.targets];
    [next[i], next[i + by]] = [next[i + by], next[i]];
    set({ targets: next });
  };
  const add = () => {
    if (!adding || d.targets.includes(adding)) return;
    set({ targets: [...d.targets, adding] });
    setAdding('');
    setPickerKey((k) => k + 1);
  };

  return (
    <div class="alias" data-testid={`alias-${a.name}`}>
      <div class="alias-head">
        {builtIn ? (
          <strong>{a.name}</strong>
        ) : (
          <input class="alias-name" aria-label={`Name of ${a.name}`} value={d.name} onInput={(e) => set({ name: (e.currentTarget as HTMLInputElement).value.trim() })} />
        )}
        {a.tiered && <span class="pill">tiered</span>}
        <input
          class="alias-description"
          aria-label={`Description of ${a.name}`}
          placeholder="What this alias is for"
          value={d.description}
          onInput={(e) => set({ description: (e.currentTarget as HTMLInputElement).value })}
        />
      </div>
      <FieldError error={save.error} param="name" />
      {a.tiered && (
        <p class="muted small">
          Each request is scored and goes to its tier's model first (Tiers, below); then to these targets in order.
        </p>
      )}
      <ol class="targets">
        {d.targets.map((label, i) => {
          const view = a.targets.find((t) => t.label === label);
          const loc = locality(label);
          return (
            <li key={label} class={view && !view.allowed ? 'skipped' : ''} title={view && !view.allowed ? 'skipped in the current mode' : ''}>
              <div class="target-row">
                <span class="target-label">{label}</span>
                {loc && <LocalityBadge locality={loc} />}
                {view && !view.allowed && <span class="muted small">skipped in this mode</span>}
                {!view && <span class="muted small">not saved yet</span>}
                <span class="reorder">
                  <button type="button" class="btn tiny" aria-label={`Move ${label} up`} disabled={i === 0} onClick={() => move(i, -1)}>
                    ↑
                  </button>
                  <button type="button" class="btn tiny" aria-label={`Move ${label} down`} disabled={i === d.targets.length - 1} onClick={() => move(i, 1)}>
                    ↓
                  </button>
                  <button type="button" class="btn tiny" aria-label={`Remove ${label}`} onClick={() => set({ targets: d.targets.filter((t) => t !== label) })}>
                    ✕
                  </button>
                </span>
              </div>
              <FieldError error={save.error} param={`targets.${i}`} />
            </li>
          );
        })}
        {d.targets.length === 0 && <p class="muted small">No targets: requests for {a.name} get 503 until one is added.</p>}
      </ol>
      <div class="row add-target">
        <TargetPicker key={pickerKey} models={props.models} value={adding} onChange={setAdding} ariaLabel={`Add a target to ${a.name}`} testId={`add-target-${a.name}`} />
        <button type="button" class="btn small" disabled={!adding || d.targets.includes(adding)} onClick={add}>
          Add target
        </button>
        <span class="right row">
          {dirty && (
            <>
              <button type="button" class="btn primary small" disabled={save.busy} onClick={() => void save.run()}>
                Save
              </button>
              <button type="button" class="btn small" onClick={() => (setD(original), save.clear(), setPickerKey((k) => k + 1))}>
                Undo
              </button>
            </>
          )}
          {!builtIn &&
            (confirmDelete ? (
              <>
                <button type="button" class="btn danger small" disabled={remove.busy} onClick={() => void remove.run()}>
                  Delete {a.name}
                </button>
                <button type="button" class="btn small" onClick={() => setConfirmDelete(false)}>
                  Keep
                </button>
              </>
            ) : (
              <button type="button" class="btn small" aria-label={`Delete ${a.name}`} onClick={() => setConfirmDelete(true)}>
                Delete…
              </button>
            ))}
        </span>
      </div>
      {confirmDelete && <p class="small muted">Model-map entries that send names to {a.name} are removed with it.</p>}
      {(save.busy || remove.busy) && <Busy label="Saving…" />}
      <CardError error={save.error} shown={['name', 'targets']} />
      <CardError error={remove.error} shown={[]} />
    </div>
  );
}
