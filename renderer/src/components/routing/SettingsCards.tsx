// The smaller routing settings: a new alias, the tiers of `auto`, the fallback policy and the default model.
import { Fragment } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api } from '../../api.js';
import type { AliasView, FallbackInput, ProviderModels, RoutingView, TierName } from '../../types.js';
import { Busy, Card, Switch } from '../ui.js';
import { CardError, FieldError, TargetPicker, useSave } from './shared.js';

const tierNames: { id: TierName; hint: string }[] = [
  { id: 'SIMPLE', hint: 'short questions, small talk' },
  { id: 'MEDIUM', hint: 'ordinary tasks' },
  { id: 'COMPLEX', hint: 'code, long prompts, tools' },
  { id: 'REASONING', hint: 'proofs, planning, step by step' },
];

export function NewAlias(props: { models: ProviderModels[] | undefined; onSaved(): Promise<void>; onClose(): void }) {
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [target, setTarget] = useState('');
  const save = useSave(async () => {
    await api(`/aliases/${encodeURIComponent(name)}`, 'PUT', { description, targets: target ? [target] : [] });
    await props.onSaved();
    props.onClose();
  });
  return (
    <form
      class="new-alias"
      data-testid="new-alias"
      onSubmit={(e) => {
        e.preventDefault();
        void save.run();
      }}
    >
      <div class="row">
        <input aria-label="New alias name" placeholder="name, e.g. chat-code" value={name} onInput={(e) => setName((e.currentTarget as HTMLInputElement).value.trim())} />
        <input aria-label="New alias description" placeholder="description" value={description} onInput={(e) => setDescription((e.currentTarget as HTMLInputElement).value)} />
        <TargetPicker models={props.models} value={target} onChange={setTarget} ariaLabel="First target" testId="new-alias-target" />
        <button type="submit" class="btn primary small" disabled={!name || save.busy}>
          Create
        </button>
        <button type="button" class="btn small" onClick={props.onClose}>
          Cancel
        </button>
      </div>
      <FieldError error={save.error} param="name" />
      <FieldError error={save.error} param="targets" />
      <CardError error={save.error} shown={['name', 'targets']} />
    </form>
  );
}

export function TiersCard(props: { routing: RoutingView; models: ProviderModels[] | undefined; onSaved(): Promise<void> }) {
  const [tiers, setTiers] = useState(props.routing.tiers);
  useEffect(() => setTiers(props.routing.tiers), [props.routing]);
  const dirty = JSON.stringify(tiers) !== JSON.stringify(props.routing.tiers);
  const save = useSave(async () => {
    await api<RoutingView>('/routing/tiers', 'PUT', tiers);
    await props.onSaved();
  });
  return (
    <Card title="Tiers of auto" actions={<span class="muted small">A tier with no model uses the nearest stronger one.</span>}>
      <div class="kv tiers" data-testid="tiers">
        {tierNames.map((t) => (
          <Fragment key={t.id}>
            <span title={t.hint}>
              {t.id}
              <span class="muted small"> {t.hint}</span>
            </span>
            <span>
              <TargetPicker
                models={props.models}
                value={tiers[t.id] ?? ''}
                emptyLabel="(none)"
                ariaLabel={`${t.id} tier`}
                testId={`tier-${t.id}`}
                onChange={(v) => setTiers((x) => ({ ...x, [t.id]: v || undefined }))}
              />
              <FieldError error={save.error} param={t.id} />
            </span>
          </Fragment>
        ))}
      </div>
      <SaveRow dirty={dirty} busy={save.busy} saved={save.saved} onSave={() => void save.run()} onUndo={() => (setTiers(props.routing.tiers), save.clear())} label="Save tiers" />
      <CardError error={save.error} shown={tierNames.map((t) => t.id)} />
    </Card>
  );
}

interface FallbackDraft {
  enabled: boolean;
  retries: string;
  breakerThreshold: string;
  cooldownS: string;
  provider: string;
}
const fallbackDraft = (f: RoutingView['fallback']): FallbackDraft => ({
  enabled: f.enabled,
  retries: String(f.retries),
  breakerThreshold: String(f.breakerThreshold),
  cooldownS: String(f.breakerCooldownMs / 1000),
  provider: f.provider ?? '',
});

export function FallbackCard(props: { routing: RoutingView; aliases: AliasView[]; onSaved(): Promise<void> }) {
  const [d, setD] = useState(() => fallbackDraft(props.routing.fallback));
  const [defaultModel, setDefaultModel] = useState(props.routing.defaultModel);
  useEffect(() => (setD(fallbackDraft(props.routing.fallback)), setDefaultModel(props.routing.defaultModel)), [props.routing]);
  const dirty = JSON.stringify(d) !== JSON.stringify(fallbackDraft(props.routing.fallback)) || defaultModel !== props.routing.defaultModel;
  const set = (patch: Partial<FallbackDraft>) => setD((x) => ({ ...x, ...patch }));
  const save = useSave(async () => {
    // Numbers go as typed: the gateway's 400 names a field that is not a whole number in range.
    const body: FallbackInput = {
      enabled: d.enabled,
      retries: Number(d.retries),
      breakerThreshold: Number(d.breakerThreshold),
      breakerCooldownMs: Math.round(Number(d.cooldownS) * 1000),
      provider: d.provider.trim() || null,
    };
    await api<RoutingView>('/routing/fallback', 'PUT', body);
    if (defaultModel !== props.routing.defaultModel) await api<RoutingView>('/routing/default-model', 'PUT', { defaultModel });
    await props.onSaved();
  });
  const num = (field: 'retries' | 'breakerThreshold' | 'cooldownS', label: string, param: string, hint: string) => (
    <>
      <span title={hint}>{label}</span>
      <span>
        <input type="number" min="0" aria-label={label} data-testid={`fallback-${field}`} value={d[field]} onInput={(e) => set({ [field]: (e.currentTarget as HTMLInputElement).value })} />
        <span class="muted small"> {hint}</span>
        <FieldError error={save.error} param={param} />
      </span>
    </>
  );
  return (
    <Card title="Fallback">
      <div data-testid="fallback">
        <Switch checked={d.enabled} onChange={(v) => set({ enabled: v })} label="Fall back to the next target when one fails" />
        <div class="kv">
          {num('retries', 'Retries', 'retries', 'tries of the same target before the next (0–5)')}
          {num('breakerThreshold', 'Breaker threshold', 'breakerThreshold', 'failures in a row that pause a provider')}
          {num('cooldownS', 'Cool-down (s)', 'breakerCooldownMs', 'how long a paused provider is skipped')}
          <span>Last resort</span>
          <span>
            <input aria-label="Last resort" placeholder="provider or provider/model (optional)" value={d.provider} onInput={(e) => set({ provider: (e.currentTarget as HTMLInputElement).value })} />
            <FieldError error={save.error} param="provider" />
          </span>
          <span>Default model</span>
          <span>
            <select aria-label="Default model" value={defaultModel} onChange={(e) => setDefaultModel((e.currentTarget as HTMLSelectElement).value)}>
              {[...new Set([...props.aliases.map((a) => a.name), props.routing.defaultModel])].map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </select>
            <span class="muted small"> for requests that name no model</span>
            <FieldError error={save.error} param="defaultModel" />
          </span>
        </div>
      </div>
      <SaveRow
        dirty={dirty}
        busy={save.busy}
        saved={save.saved}
        onSave={() => void save.run()}
        onUndo={() => (setD(fallbackDraft(props.routing.fallback)), setDefaultModel(props.routing.defaultModel), save.clear())}
        label="Save fallback"
      />
      <CardError error={save.error} shown={['retries', 'breakerThreshold', 'breakerCooldownMs', 'provider', 'defaultModel']} />
    </Card>
  );
}

function SaveRow(props: { dirty: boolean; busy: boolean; saved: boolean; label: string; onSave(): void; onUndo(): void }) {
  return (
    <div class="row">
      {props.dirty && (
        <>
          <button type="button" class="btn primary small" disabled={props.busy} onClick={props.onSave}>
            {props.label}
          </button>
          <button type="button" class="btn small" onClick={props.onUndo}>
            Undo
          </button>
        </>
      )}
      {props.busy && <Busy label="Saving…" />}
      {props.saved && !props.dirty && <span class="ok-text small">Saved.</span>}
    </div>
  );
}
