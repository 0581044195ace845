// Add or edit one provider. Keys are write-only: the stored key shows masked and can only be replaced.
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { useAction, usePoll } from '../hooks.js';
import { fieldLabels, loadProviderKinds } from '../provider-kinds.js';
import type { FormField, ProviderInput, ProviderKindView, ProviderView } from '../types.js';
import { Busy, ErrorBox, Loading } from './ui.js';

type Draft = Record<Exclude<FormField, 'local'>, string> & { id: string; kind: string; models: string; local: boolean; enabled: boolean };

const ID_RE = /^[a-z0-9][a-z0-9._-]{0,62}$/;

function draftFrom(p: ProviderView | undefined): Draft {
  return {
    id: p?.id ?? '',
    kind: p?.kind ?? 'ollama',
    baseUrl: p?.baseUrl ?? '',
    apiKey: '',
    region: '',
    apiVersion: '',
    deployment: '',
    models: p?.models.join(', ') ?? '',
    local: p ? p.locality === 'local' : false,
    enabled: p?.enabled ?? true,
  };
}

/** Checks in words before the round trip; the gateway validates again (zod) and its message is shown too. */
export function validate(d: Draft, spec: ProviderKindView | undefined, hasStoredKey: boolean): string | undefined {
  if (!ID_RE.test(idOf(d))) return 'Name: lowercase letters, digits, ".", "_" or "-" (it is the prefix in "name/model").';
  if (!spec) return `Unknown kind "${d.kind}".`;
  for (const f of spec.required) {
    if (f === 'apiKey' && hasStoredKey) continue;
    if (f !== 'local' && !d[f].trim()) return `${fieldLabels[f]} is required for ${spec.label}.`;
  }
  if (d.baseUrl.trim()) {
    try {
      const u = new URL(d.baseUrl.trim());
      if (u.protocol !== 'http:' && u.protocol !== 'https:') return 'Base URL must start with http:// or https://.';
    } catch {
      return `Base URL "${d.baseUrl}" is not a valid URL.`;
    }
  }
  return undefined;
}

/** An empty name defaults to the kind (what the placeholder shows). */
const idOf = (d: Draft): string => d.id.trim() || d.kind;

function toInput(d: Draft, spec: ProviderKindView | undefined): ProviderInput {
  const fields = spec?.fields ?? [];
  const input: ProviderInput = {
    id: idOf(d),
    kind: d.kind,
    enabled: d.enabled,
    models: d.models.split(',').map((m) => m.trim()).filter(Boolean),
  };
  for (const f of fields) {
    if (f === 'local') input.local = d.local;
    else if (d[f].trim()) input[f] = d[f].trim();
  }
  return input;
}

export function ProviderForm(props: { existing?: ProviderView; onClose(): void; onSaved(): Promise<void> }) {
  const kinds = usePoll(loadProviderKinds, 0);
  if (!kinds.data) return kinds.error ? <ErrorBox title="Cannot load the provider kinds" error={kinds.error} /> : <Loading what="provider kinds" />;
  return <KindForm {...props} kinds={kinds.data} />;
}

function KindForm(props: { kinds: ProviderKindView[]; existing?: ProviderView; onClose(): void; onSaved(): Promise<void> }) {
  const editing = props.existing;
  const [d, setD] = useState<Draft>(() => draftFrom(editing));
  const [invalid, setInvalid] = useState<string>();
  const spec = props.kinds.find((k) => k.kind === d.kind);
  const save = useAction(async () => {
    const input = toInput(d, spec);
    if (editing) await api<ProviderView>(`/providers/${encodeURIComponent(editing.id)}`, 'PUT', input);
    else await api<ProviderView>('/providers', 'POST', input);
    await props.onSaved();
  });
  const set = (patch: Partial<Draft>) => setD((x) => ({ ...x, ...patch }));
  const submit = (e: Event) => {
    e.preventDefault();
    const problem = validate(d, spec, Boolean(editing?.apiKeyMasked));
    setInvalid(problem);
    if (!problem) void save.run();
  };

  return (
    <form class="form" onSubmit={submit} data-testid="provider-form">
      <h3>{editing ? `Edit ${editing.id}` : 'Add a provider'}</h3>
      <div class="form-grid">
        <label>
          Kind
          <select value={d.kind} disabled={Boolean(editing)} onChange={(e) => set({ kind: e.currentTarget.value })} name="kind">
            {props.kinds.map((k) => (
              <option key={k.kind} value={k.kind}>
                {k.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Name
          <input name="id" value={d.id} disabled={Boolean(editing)} placeholder={d.kind} onInput={(e) => set({ id: e.currentTarget.value })} />
        </label>
        {spec?.fields.map((f) =>
          f === 'local' ? (
            <label class="check" key={f}>
              <input type="checkbox" name="local" checked={d.local} onChange={(e) => set({ local: e.currentTarget.checked })} />
              {fieldLabels.local}
            </label>
          ) : f === 'apiKey' ? (
            <label key={f}>
              {fieldLabels.apiKey}
              {editing?.apiKeyMasked && <span class="muted small"> (stored: {editing.apiKeyMasked}; type to replace)</span>}
              <input
                name="apiKey"
                type="password"
                autocomplete="off"
                value={d.apiKey}
                placeholder={editing?.apiKeyMasked ? 'leave empty to keep the stored key' : (spec.placeholders.apiKey ?? '')}
                onInput={(e) => set({ apiKey: e.currentTarget.value })}
              />
            </label>
          ) : (
            <label key={f}>
              {fieldLabels[f]}
              <input
                name={f}
                value={d[f]}
                placeholder={spec.placeholders[f] ?? ''}
                onInput={(e) => set({ [f]: e.currentTarget.value } as Partial<Draft>)}
              />
            </label>
          ),
        )}
        <label class="wide">
          Models <span class="muted small">(comma-separated; optional, Test connection lists what the provider serves)</span>
          <input name="models" value={d.models} placeholder={spec?.placeholders.models} onInput={(e) => set({ models: e.currentTarget.value })} />
        </label>
        <label class="check">
          <input type="checkbox" name="enabled" checked={d.enabled} onChange={(e) => set({ enabled: e.currentTarget.checked })} />
          Enabled
        </label>
      </div>
      <ErrorBox title="Check the form" error={invalid} />
      <ErrorBox title="Not saved" error={save.error} />
      <div class="row">
        <button type="submit" class="btn primary" disabled={save.busy} data-testid="save-provider">
          {editing ? 'Save' : 'Add'}
        </button>
        <button type="button" class="btn" onClick={props.onClose}>
          Cancel
        </button>
        {save.busy && <Busy label="Saving…" startedAt={save.startedAt} />}
      </div>
    </form>
  );
}
