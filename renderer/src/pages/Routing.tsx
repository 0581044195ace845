// Routing: each alias with its ordered targets (the fallback order), reorderable when the gateway allows it.
import { useEffect, useState } from 'preact/hooks';
import { ApiError, api } from '../api.js';
import { Busy, Card, ErrorBox, Loading } from '../components/ui.js';
import { useAction, usePoll } from '../hooks.js';
import type { AliasView } from '../types.js';

export function RoutingPage() {
  const aliases = usePoll(() => api<AliasView[]>('/aliases'), 0);
  const [readOnly, setReadOnly] = useState(false);
  return (
    <div class="page" data-testid="routing">
      <Card title="Aliases" actions={<span class="muted small">Clients ask for an alias; the gateway tries its targets in order.</span>}>
        <ErrorBox title="Cannot load aliases" error={aliases.error} />
        {readOnly && (
          <div class="warning">
            This gateway cannot save alias changes yet (no <code>PUT /admin/aliases/:name</code>); routing is shown read-only.
            Edit <code>aliases</code> in the settings file instead.
          </div>
        )}
        {aliases.loading ? (
          <Loading what="aliases" />
        ) : aliases.data?.length === 0 ? (
          <p class="muted">No aliases defined.</p>
        ) : (
          <div class="aliases">
            {aliases.data?.map((a) => (
              <AliasEditor key={a.name} alias={a} readOnly={readOnly} onReadOnly={() => setReadOnly(true)} onSaved={aliases.reload} />
            ))}
          </div>
        )}
      </Card>
      <Card title="How a request is routed">
        <ol class="explain">
          <li>The mode (Local / Cloud / Auto) filters targets: greyed-out ones are skipped in the current mode.</li>
          <li>Tiered aliases score each request (SIMPLE → REASONING) and pick the tier's model first.</li>
          <li>Otherwise targets are tried top to bottom; a failure (timeout, 5xx, 429, open breaker) falls back to the next one.</li>
        </ol>
      </Card>
    </div>
  );
}

function AliasEditor(props: { alias: AliasView; readOnly: boolean; onReadOnly(): void; onSaved(): Promise<void> }) {
  const a = props.alias;
  const [order, setOrder] = useState(a.targets);
  useEffect(() => setOrder(a.targets), [a]);
  const dirty = order.map((t) => t.label).join('\n') !== a.targets.map((t) => t.label).join('\n');
  const save = useAction(async () => {
    try {
      await api(`/aliases/${encodeURIComponent(a.name)}`, 'PUT', {
        targets: order.map((t) => t.label),
        description: a.description,
        tiered: a.tiered,
      });
    } catch (err) {
      if (err instanceof ApiError && (err.status === 404 || err.status === 405)) {
        props.onReadOnly();
        setOrder(a.targets);
        return;
      }
      throw err;
    }
    await props.onSaved();
  });
  const move = (i: number, by: -1 | 1) =>
    setOrder((o) => {
      const next = [...o];
      [next[i], next[i + by]] = [next[i + by], next[i]];
      return next;
    });

  return (
    <div class="alias" data-testid={`alias-${a.name}`}>
      <div class="alias-head">
        <strong>{a.name}</strong>
        {a.tiered && <span class="pill">tiered</span>}
        <span class="muted small">{a.description}</span>
      </div>
      <ol class="targets">
        {order.map((t, i) => (
          <li key={t.label} class={t.allowed ? '' : 'skipped'} title={t.allowed ? '' : 'skipped in the current mode'}>
            <div class="target-row">
              <span class="target-label">{t.label}</span>
              <span class="pill">{t.locality}</span>
              {!t.allowed && <span class="muted small">skipped in this mode</span>}
              {!props.readOnly && (
                <span class="reorder">
                  <button type="button" class="btn tiny" aria-label={`Move ${t.label} up`} disabled={i === 0} onClick={() => move(i, -1)}>
                    ↑
                  </button>
                  <button
                    type="button"
                    class="btn tiny"
                    aria-label={`Move ${t.label} down`}
                    disabled={i === order.length - 1}
                    onClick={() => move(i, 1)}
                  >
                    ↓
                  </button>
                </span>
              )}
            </div>
          </li>
        ))}
        {order.length === 0 && <li class="muted">no targets</li>}
      </ol>
      {dirty && !props.readOnly && (
        <div class="row">
          <button type="button" class="btn primary small" disabled={save.busy} onClick={() => void save.run()}>
            Save order
          </button>
          <button type="button" class="btn small" onClick={() => setOrder(a.targets)}>
            Undo
          </button>
          {save.busy && <Busy label="Saving…" />}
        </div>
      )}
      <ErrorBox title="Order not saved" error={save.error} />
    </div>
  );
}
