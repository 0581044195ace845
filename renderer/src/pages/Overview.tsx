// Gateway status, the mode switch, providers' health, Ollama, and live traffic charts.
import { useEffect, useMemo } from 'preact/hooks';
import { api } from '../api.js';
import { Chart } from '../components/Chart.js';
import { OllamaCard } from '../components/OllamaCard.js';
import { ModeSwitch } from '../components/routing/ModeSwitch.js';
import { Card, CopyField, Dot, ErrorBox, Loading } from '../components/ui.js';
import { fmtAgo, fmtInt, fmtMs, fmtPct, fmtTime, fmtUptime } from '../format.js';
import { type Polled, useAction, usePoll } from '../hooks.js';
import type { ProviderView, StatusResponse, TrafficSeries } from '../types.js';

/** Marks the first render with real data, for the ≤ 1 s first-render budget (read by the browser test). */
function markFirstRender(): void {
  if (performance.getEntriesByName('overview-rendered').length === 0) performance.mark('overview-rendered');
}

export function OverviewPage(props: { status: Polled<StatusResponse> }) {
  const { data: s, error, reload } = props.status;
  useEffect(() => {
    if (s) markFirstRender();
  }, [s]);

  if (!s) return error ? <ErrorBox title="Cannot load the gateway status" error={error} /> : <Loading what="status" />;
  return (
    <div class="page" data-testid="overview">
      <ErrorBox title="Status is stale" error={error} />
      <div class="grid two">
        <Card title="Gateway">
          <div class="status-line">
            <Dot tone="ok" title="running" />
            <strong>Running</strong>
            <span class="muted">
              v{s.version} · up {fmtUptime(s.uptimeMs)} · {fmtInt(s.requestsToday)} requests today
            </span>
          </div>
          <CopyField label="Base URL" value={s.baseUrl} testId="base-url" compact />
          <div class="kv">
            <span>Listening</span>
            <span>{s.listening.join(', ') || '—'}</span>
            <span>Cache</span>
            <span>
              exact {s.cache.exact ? 'on' : 'off'} · semantic {s.cache.semantic ? 'on' : 'off'}
              {s.cache.disabledReason && <span class="muted"> ({s.cache.disabledReason})</span>}
            </span>
            <span>LibreChat</span>
            <span>{s.librechatSeenAt ? `seen ${fmtAgo(s.librechatSeenAt)}` : 'not seen yet'}</span>
          </div>
        </Card>
        <Card title="Mode">
          <ModeSwitch mode={s.mode} pinnedBy={s.pinned.mode} onChanged={reload} />
        </Card>
      </div>
      <Traffic />
      <div class="grid two">
        <ProvidersHealth providers={s.providers} onChange={reload} />
        <OllamaCard missing={s.missingModels ?? []} onPulled={reload} />
      </div>
    </div>
  );
}

function Traffic() {
  const traffic = usePoll(() => api<TrafficSeries>('/traffic'), 3000);
  const series = useMemo(() => {
    const b = traffic.data?.buckets ?? [];
    return {
      t: b.map((x) => x.t),
      requests: b.map((x) => x.requests),
      p50: b.map((x) => (x.requests > 0 ? x.p50LatencyMs : null)),
      hitRate: b.map((x) => (x.requests > 0 ? x.cacheHits / x.requests : null)),
      saved: b.map((x) => x.tokensSaved),
    };
  }, [traffic.data]);
  return (
    <Card title="Traffic" actions={<span class="muted small">per minute · refreshes every 3 s</span>}>
      <ErrorBox title="Traffic unavailable" error={traffic.error} />
      {traffic.loading ? (
        <Loading what="traffic" />
      ) : (
        <div class="grid four charts">
          <Chart title="Requests / min" times={series.t} values={series.requests} format={(v) => fmtInt(v)} testId="chart-requests" />
          <Chart title="p50 latency" times={series.t} values={series.p50} format={fmtMs} colorVar="--violet" testId="chart-latency" />
          <Chart title="Cache hit rate" times={series.t} values={series.hitRate} format={fmtPct} colorVar="--green" testId="chart-hits" />
          <Chart title="Tokens saved" times={series.t} values={series.saved} format={(v) => fmtInt(v)} colorVar="--amber" testId="chart-saved" />
        </div>
      )}
    </Card>
  );
}

const healthTone = { up: 'ok', down: 'bad', 'cooling down': 'warn', disabled: 'idle' } as const;

function ProvidersHealth(props: { providers: ProviderView[]; onChange(): Promise<void> }) {
  const reset = useAction(async (provider?: string) => {
    await api('/breakers/reset', 'POST', provider ? { provider } : {});
    await props.onChange();
  });
  return (
    <Card title="Providers' health" actions={<a href="#/providers">Manage</a>}>
      {props.providers.length === 0 ? (
        <p class="muted">No providers yet. <a href="#/providers">Add one</a>.</p>
      ) : (
        <table class="table" data-testid="provider-health">
          <thead>
            <tr>
              <th>Provider</th>
              <th>Where</th>
              <th>Health</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {props.providers.map((p) => {
              // The gateway's words (routing/health.ts); an older gateway sends no health: derive it from the breaker.
              const h = p.health ?? { state: !p.enabled ? 'disabled' : p.breaker.state === 'closed' ? 'up' : 'cooling down', detail: p.breaker.lastError ?? '', checked: false };
              return (
                <tr key={p.id} data-testid={`health-${p.id}`}>
                  <td>
                    <Dot tone={healthTone[h.state]} title={h.state} /> <strong>{p.id}</strong> <span class="muted">{p.kind}</span>
                  </td>
                  <td>{p.locality}</td>
                  <td>
                    <span data-testid="health-state">{h.state}</span>
                    {h.detail && <div class={`small ${h.state === 'up' ? 'muted' : 'error-text'}`}>{h.detail}</div>}
                    {h.retryAt && h.state === 'cooling down' && <div class="muted small">next try at {fmtTime(h.retryAt)}</div>}
                  </td>
                  <td class="right">
                    {p.breaker.state !== 'closed' && (
                      <button type="button" class="btn small" disabled={reset.busy} onClick={() => void reset.run(p.id)}>
                        Reset
                      </button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <ErrorBox title="Reset failed" error={reset.error} />
    </Card>
  );
}
