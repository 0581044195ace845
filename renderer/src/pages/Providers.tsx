// Providers: list, add/edit/remove, enable/disable, and Test connection (models list or the exact error).
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { ProviderForm } from '../components/ProviderForm.js';
import { Busy, Card, Dot, ErrorBox, Loading, Switch } from '../components/ui.js';
import { type Action, useAction, usePoll } from '../hooks.js';
import type { ProviderTestResult, ProviderView } from '../types.js';

export function ProvidersPage() {
  const list = usePoll(() => api<ProviderView[]>('/providers'), 5000);
  const [editing, setEditing] = useState<ProviderView | 'new'>();
  const toggle = useAction(async (p: ProviderView, enabled: boolean) => {
    // PUT merges: sending only `enabled` keeps every other field and the stored key.
    await api<ProviderView>(`/providers/${encodeURIComponent(p.id)}`, 'PUT', { enabled });
    await list.reload();
  });

  return (
    <div class="page" data-testid="providers">
      <Card
        title="Providers"
        actions={
          <button type="button" class="btn primary" onClick={() => setEditing('new')} data-testid="add-provider">
            Add provider
          </button>
        }
      >
        {editing && (
          <ProviderForm
            existing={editing === 'new' ? undefined : editing}
            onClose={() => setEditing(undefined)}
            onSaved={async () => {
              setEditing(undefined);
              await list.reload();
            }}
          />
        )}
        <ErrorBox title="Cannot load providers" error={list.error} />
        <ErrorBox title="Could not change the provider" error={toggle.error} />
        {list.loading ? (
          <Loading what="providers" />
        ) : list.data?.length === 0 ? (
          <p class="muted">No providers configured. Add Ollama for local models, or a cloud provider with its API key.</p>
        ) : (
          <div class="provider-list">
            {list.data?.map((p) => (
              <ProviderRow
                key={p.id}
                p={p}
                toggle={toggle}
                onEdit={() => setEditing(p)}
                onRemoved={() => void list.reload()}
              />
            ))}
          </div>
        )}
      </Card>
    </div>
  );
}

function ProviderRow(props: {
  p: ProviderView;
  toggle: Action<[ProviderView, boolean], void>;
  onEdit(): void;
  onRemoved(): void;
}) {
  const { p } = props;
  const [confirming, setConfirming] = useState(false);
  const test = useAction(() => api<ProviderTestResult>(`/providers/${encodeURIComponent(p.id)}/test`, 'POST'));
  const remove = useAction(async () => {
    await api(`/providers/${encodeURIComponent(p.id)}`, 'DELETE');
    props.onRemoved();
  });
  const r = test.result;
  return (
    <div class="provider" data-testid={`provider-${p.id}`}>
      <div class="provider-main">
        <div>
          <Dot tone={!p.enabled ? 'idle' : p.breaker.state === 'closed' ? 'ok' : 'bad'} title={p.breaker.state} />{' '}
          <strong>{p.id}</strong> <span class="pill">{p.kind}</span> <span class="pill">{p.locality}</span>
          <div class="muted small">
            {p.baseUrl ?? 'default endpoint'}
            {p.apiKeyMasked && <> · key {p.apiKeyMasked}</>}
            {p.models.length > 0 && <> · {p.models.join(', ')}</>}
          </div>
          {p.setAtStart && (
            <div class="muted small" data-testid="provider-set-at-start">
              Set at every start by{' '}
              {Object.entries(p.setAtStart)
                .map(([field, by]) => `${by} (${field})`)
                .join(', ')}
              : edits here last until the gateway restarts.
            </div>
          )}
        </div>
        <div class="row">
          <Switch
            label={p.enabled ? 'Enabled' : 'Disabled'}
            checked={p.enabled}
            disabled={props.toggle.busy}
            onChange={(v) => void props.toggle.run(p, v)}
          />
          <button type="button" class="btn small" disabled={test.busy} onClick={() => void test.run()} data-testid="test-connection">
            Test connection
          </button>
          <button type="button" class="btn small" onClick={props.onEdit}>
            Edit
          </button>
          {confirming ? (
            <>
              <button type="button" class="btn small danger" disabled={remove.busy} onClick={() => void remove.run()}>
                Confirm remove
              </button>
              <button type="button" class="btn small" onClick={() => setConfirming(false)}>
                Keep
              </button>
            </>
          ) : (
            <button type="button" class="btn small" onClick={() => setConfirming(true)}>
              Remove
            </button>
          )}
        </div>
      </div>
      <div class="test-result" data-testid="test-result" aria-live="polite">
        {test.busy && <Busy label={`Testing ${p.id}…`} startedAt={test.startedAt} />}
        <ErrorBox title="Test failed" error={test.error} />
        {r && r.ok && (
          <div class="ok-box">
            Connected in {Math.round(r.latencyMs)} ms · {r.models?.length ?? 0} models
            {r.models && r.models.length > 0 && (
              <div class="chips">
                {r.models.slice(0, 60).map((m) => (
                  <span class="chip" key={m}>
                    {m}
                  </span>
                ))}
                {r.models.length > 60 && <span class="muted">+{r.models.length - 60} more</span>}
              </div>
            )}
          </div>
        )}
        {r && !r.ok && (
          <div class="error" role="alert">
            <strong>Connection failed</strong> after {Math.round(r.latencyMs)} ms: <span class="error-text">{r.error ?? 'no error text'}</span>
          </div>
        )}
      </div>
      <ErrorBox title="Could not remove" error={remove.error} />
    </div>
  );
}
