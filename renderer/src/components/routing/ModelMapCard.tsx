// The model map (pattern → alias, first match wins) and a live tester: type a name a client sends and see where
// the gateway would route it now (GET /admin/resolve runs the router's own plan; nothing is sent upstream).
import { useEffect, useState } from 'preact/hooks';
import { api, errorText } from '../../api.js';
import type { AliasView, RouteResolution, RoutingView } from '../../types.js';
import { Busy, Card } from '../ui.js';
import { CardError, FieldError, LocalityBadge, useSave } from './shared.js';

type Entry = RoutingView['modelMap'][number];

export function ModelMapCard(props: { routing: RoutingView; aliases: AliasView[]; onSaved(): Promise<void>; version: number }) {
  const [rows, setRows] = useState<Entry[]>(props.routing.modelMap);
  useEffect(() => setRows(props.routing.modelMap), [props.routing]);
  const dirty = JSON.stringify(rows) !== JSON.stringify(props.routing.modelMap);
  const save = useSave(async () => {
    await api<RoutingView>('/routing/model-map', 'PUT', { modelMap: rows });
    await props.onSaved();
  });
  const update = (i: number, patch: Partial<Entry>) => setRows((r) => r.map((e, j) => (j === i ? { ...e, ...patch } : e)));
  const move = (i: number, by: -1 | 1) =>
    setRows((r) => {
      const next = [...r];
      [next[i], next[i + by]] = [next[i + by], next[i]];
      return next;
    });
  const names = props.aliases.map((a) => a.name);

  return (
    <Card title="Model map" actions={<span class="muted small">Names clients hard-code (claude-*, gpt-5*) → an alias. First match wins.</span>}>
      <div data-testid="model-map">
        <table class="table map-table">
          <thead>
            <tr>
              <th>Pattern</th>
              <th>Goes to</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {rows.map((e, i) => (
              <tr key={i} data-testid="map-row">
                <td>
                  <input aria-label={`Pattern ${i + 1}`} value={e.pattern} onInput={(ev) => update(i, { pattern: (ev.currentTarget as HTMLInputElement).value })} />
                  <FieldError error={save.error} param={`modelMap.${i}.pattern`} />
                </td>
                <td>
                  <input aria-label={`Alias for pattern ${i + 1}`} list="alias-names" value={e.alias} onInput={(ev) => update(i, { alias: (ev.currentTarget as HTMLInputElement).value })} />
                  <FieldError error={save.error} param={`modelMap.${i}.alias`} />
                </td>
                <td class="right nowrap">
                  <button type="button" class="btn tiny" aria-label={`Move pattern ${i + 1} up`} disabled={i === 0} onClick={() => move(i, -1)}>
                    ↑
                  </button>
                  <button type="button" class="btn tiny" aria-label={`Move pattern ${i + 1} down`} disabled={i === rows.length - 1} onClick={() => move(i, 1)}>
                    ↓
                  </button>
                  <button type="button" class="btn tiny" aria-label={`Remove pattern ${i + 1}`} onClick={() => setRows((r) => r.filter((_, j) => j !== i))}>
                    ✕
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <datalist id="alias-names">
          {names.map((n) => (
            <option key={n} value={n} />
          ))}
        </datalist>
        <div class="row">
          <button type="button" class="btn small" data-testid="map-add" onClick={() => setRows((r) => [...r, { pattern: '', alias: names[0] ?? '' }])}>
            Add pattern
          </button>
          {dirty && (
            <>
              <button type="button" class="btn primary small" data-testid="map-save" disabled={save.busy} onClick={() => void save.run()}>
                Save map
              </button>
              <button type="button" class="btn small" onClick={() => (setRows(props.routing.modelMap), save.clear())}>
                Undo
              </button>
            </>
          )}
          {save.busy && <Busy label="Saving…" />}
          {save.saved && !dirty && <span class="ok-text small">Saved.</span>}
        </div>
        <CardError error={save.error} shown={['modelMap']} />
        <RouteTester version={props.version} />
      </div>
    </Card>
  );
}

/** Asks the gateway how a name resolves, a moment after typing stops, and again after every save. */
function RouteTester(props: { version: number }) {
  const [name, setName] = useState('');
  const [result, setResult] = useState<RouteResolution>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    if (!name.trim()) {
      setResult(undefined);
      return;
    }
    let live = true;
    const t = setTimeout(() => {
      api<RouteResolution>(`/resolve?model=${encodeURIComponent(name.trim())}`)
        .then((r) => live && (setResult(r), setError(undefined)))
        .catch((e: unknown) => live && setError(errorText(e)));
    }, 200);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [name, props.version]);

  return (
    <div class="tester" data-testid="route-tester">
      <label class="field-label" for="tester-name">
        This name goes to…
      </label>
      <input id="tester-name" placeholder="e.g. claude-sonnet-4-5 or gpt-5-mini" value={name} onInput={(e) => setName((e.currentTarget as HTMLInputElement).value)} />
      {error && <div class="error-text small">{error}</div>}
      {result && result.model === name.trim() && (
        <div class="tester-result" data-testid="tester-result">
          {result.error ? (
            <span class="error-text">
              {result.error.status}: {result.error.message}
            </span>
          ) : (
            <>
              {result.alias ? (
                <>
                  alias <strong>{result.alias}</strong>
                  {result.pattern && <span class="muted"> (pattern {result.pattern})</span>}
                </>
              ) : (
                <span>a concrete model</span>
              )}
              {result.tier && <span class="muted"> · tier {result.tier} for a short prompt</span>}
              <ol class="targets compact">
                {result.targets.map((t) => (
                  <li key={t.label}>
                    {t.label} <LocalityBadge locality={t.locality} />
                  </li>
                ))}
              </ol>
            </>
          )}
        </div>
      )}
    </div>
  );
}
