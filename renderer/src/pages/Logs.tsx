// Live request log: filter, export (JSON / CSV); click a row for its details. Prompts appear only when the gateway
// stored them.
import { Fragment } from 'preact';
import { useMemo, useState } from 'preact/hooks';
import { LogDetails, rowCacheLabel } from '../components/LogDetails.js';
import { Card, Dot, ErrorBox, Loading } from '../components/ui.js';
import { toCsv } from '../csv.js';
import { download } from '../download.js';
import { fmtMs, fmtTime, routeLabel, tokensLabel } from '../format.js';
import { useLogs } from '../logs-store.js';
import type { RequestRecord } from '../types.js';

const SHOWN = 300;

const haystack = (r: RequestRecord): string =>
  [r.client, r.clientFormat, r.requestedModel, r.alias, r.provider, r.model, r.cache, r.status, r.error, r.tier, r.locality, ...r.fallbackFrom, r.prompt]
    .filter((x) => x !== undefined)
    .join(' ')
    .toLowerCase();

export function LogsPage() {
  const logs = useLogs();
  const [filter, setFilter] = useState('');
  const [open, setOpen] = useState<string>();
  const rows = useMemo(() => {
    const words = filter.toLowerCase().split(/\s+/).filter(Boolean);
    return words.length === 0 ? logs.rows : logs.rows.filter((r) => words.every((w) => haystack(r).includes(w)));
  }, [logs.rows, filter]);
  const showPrompts = rows.some((r) => r.prompt !== undefined);
  const stamp = () => new Date().toISOString().replace(/[:.]/g, '-');

  return (
    <div class="page" data-testid="logs">
      <Card
        title={
          <>
            Requests{' '}
            <span class="live" data-testid="log-live">
              <Dot tone={logs.live ? 'ok' : 'warn'} /> {logs.live ? 'live' : 'reconnecting'}
            </span>
          </>
        }
        actions={
          <>
            <input
              type="search"
              class="filter"
              placeholder="Filter (model, provider, status…)"
              value={filter}
              onInput={(e) => setFilter(e.currentTarget.value)}
              aria-label="Filter the log"
              data-testid="log-filter"
            />
            <button type="button" class="btn small" disabled={rows.length === 0} onClick={() => download(`lynkr-log-${stamp()}.json`, JSON.stringify(rows, null, 2), 'application/json')}>
              Export JSON
            </button>
            <button type="button" class="btn small" disabled={rows.length === 0} onClick={() => download(`lynkr-log-${stamp()}.csv`, toCsv(rows), 'text/csv')}>
              Export CSV
            </button>
          </>
        }
      >
        <ErrorBox title={logs.live ? 'Log problem' : 'Live feed interrupted'} error={logs.error} />
        {!logs.loaded ? (
          <Loading what="the request log" />
        ) : rows.length === 0 ? (
          <p class="muted">{filter ? 'No request matches the filter.' : 'No requests yet. Point a client at the base URL and they appear here as they finish.'}</p>
        ) : (
          <div class="table-wrap">
            <table class="table log" data-testid="log-table">
              <thead>
                <tr>
                  <th>Time</th>
                  <th>Client</th>
                  <th>Route</th>
                  <th>Cache</th>
                  <th>Fallback</th>
                  <th class="right">Latency</th>
                  <th class="right">Tokens</th>
                  <th class="right">Status</th>
                  {showPrompts && <th>Prompt</th>}
                </tr>
              </thead>
              <tbody>
                {rows.slice(0, SHOWN).map((r) => (
                  <Fragment key={r.id}>
                    <tr
                      data-testid="log-row"
                      class={`clickable ${r.status >= 400 ? 'failed' : ''} ${open === r.id ? 'open' : ''}`}
                      tabIndex={0}
                      aria-expanded={open === r.id}
                      onClick={() => setOpen(open === r.id ? undefined : r.id)}
                      onKeyDown={(e) => {
                        if (e.key === 'Enter' || e.key === ' ') {
                          e.preventDefault();
                          setOpen(open === r.id ? undefined : r.id);
                        }
                      }}
                    >
                      <td class="mono">{fmtTime(r.time)}</td>
                      <td data-testid="log-client" title={r.userAgent}>
                        {r.client ?? <span class="muted">unknown</span>}
                        <span class="muted small"> · {r.clientFormat}{r.stream ? ' · stream' : ''}</span>
                      </td>
                      <td data-testid="log-route" class="one-line route" title={routeLabel(r)}>
                        {routeLabel(r)}
                        {r.locality && <span class="pill">{r.locality}</span>}
                        {r.tier && <span class="pill">{r.tier}</span>}
                      </td>
                      <td data-testid="log-cache" class={r.cache.startsWith('hit') ? 'ok-text' : ''}>
                        {rowCacheLabel(r)}
                      </td>
                      <td class="small one-line" title={r.fallbackFrom.join('\n')}>
                        {r.fallbackFrom.length ? `after ${r.fallbackFrom.length} failed: ${r.fallbackFrom.join('; ')}` : ''}
                      </td>
                      <td class="right mono">{fmtMs(r.latencyMs)}</td>
                      <td class="right mono">{tokensLabel(r)}</td>
                      <td class="right status-cell" title={r.error}>
                        <span class={`status ${r.status >= 400 ? 'bad' : 'good'}`}>{r.status}</span>
                        {r.error && (
                          <span class="error-text small one-line" data-testid="log-error">
                            {r.error}
                          </span>
                        )}
                      </td>
                      {showPrompts && (
                        <td class="small one-line" title={r.prompt}>
                          {r.prompt ?? ''}
                        </td>
                      )}
                    </tr>
                    {open === r.id && (
                      <tr class="details-row">
                        <td colSpan={showPrompts ? 9 : 8}>
                          <LogDetails row={r} onClose={() => setOpen(undefined)} />
                        </td>
                      </tr>
                    )}
                  </Fragment>
                ))}
              </tbody>
            </table>
            {rows.length > SHOWN && <p class="muted small">Showing the newest {SHOWN} of {rows.length}; export for all of them.</p>}
          </div>
        )}
      </Card>
    </div>
  );
}
