// One request-log row in full: the route it took, each fallback attempt and why it failed, the x-lynkr-* values
// the client saw, timings, tokens and cost, what was dropped, and the prompt when the gateway stored it.
import type { ComponentChildren } from 'preact';
import { cacheLabel, fmtMs, fmtTime } from '../format.js';
import type { RequestRecord } from '../types.js';

/** The request log's cache status, except for failures that never reached the cache (the gateway records 'off'). */
export const rowCacheLabel = (r: RequestRecord): string => (r.status >= 400 && r.cache === 'off' ? '—' : cacheLabel(r.cache));

export const fmtUsd = (usd: number | undefined): string => (usd === undefined ? '—' : usd === 0 ? '$0' : `$${usd.toFixed(usd >= 0.01 ? 4 : 6)}`);

/** The `x-lynkr-*` response headers, as server/headers.ts set them from the same route. */
function lynkrHeaders(r: RequestRecord): [string, string][] {
  const h: [string, string | undefined][] = [
    ['x-lynkr-provider', r.provider],
    ['x-lynkr-model', r.model],
    ['x-lynkr-alias', r.alias],
    ['x-lynkr-mapped-from', r.mappedFrom],
    ['x-lynkr-fallback-from', r.fallbackFrom.length ? r.fallbackFrom.join(', ') : undefined],
    ['x-lynkr-dropped', r.dropped?.length ? r.dropped.join(', ') : undefined],
    ['x-lynkr-cache', r.status >= 400 && r.cache === 'off' ? undefined : r.cache],
  ];
  return h.filter((e): e is [string, string] => e[1] !== undefined);
}

function Field(props: { label: string; children: ComponentChildren; testId?: string }) {
  return (
    <>
      <span>{props.label}</span>
      <span data-testid={props.testId}>{props.children}</span>
    </>
  );
}

export function LogDetails(props: { row: RequestRecord; onClose(): void }) {
  const r = props.row;
  const failed = r.status >= 400;
  const target = r.provider ? `${r.provider}/${r.model ?? '?'}` : undefined;
  const headers = lynkrHeaders(r);
  return (
    <div class="log-details" data-testid="log-details">
      <div class="log-details-head">
        <strong>
          {r.client ?? r.clientFormat} · <span class={`status ${failed ? 'bad' : 'good'}`}>{r.status}</span>
        </strong>
        <button type="button" class="btn small" onClick={props.onClose} data-testid="log-details-close">
          Close
        </button>
      </div>
      {r.error && (
        <p class="error-text small" data-testid="log-details-error">
          {r.error}
        </p>
      )}
      <div class="kv log-kv">
        <Field label="Request id">
          <code>{r.id}</code>
        </Field>
        <Field label="Time">{`${fmtTime(r.time)} (${new Date(r.time).toLocaleDateString()})`}</Field>
        <Field label="Client" testId="log-details-client">
          {r.client ?? '—'}
          {r.userAgent && <span class="muted small"> · {r.userAgent}</span>}
        </Field>
        <Field label="Format">
          {r.clientFormat}
          {r.stream ? ' · stream' : ''}
        </Field>
        <Field label="Requested">
          <code>{r.requestedModel || '(none)'}</code>
          {r.mappedFrom && <span class="muted small"> · model map sent it to alias {r.alias}</span>}
        </Field>
        <Field label="Alias" testId="log-details-alias">
          {r.alias ?? '— (a provider/model name)'}
          {r.tier && <span class="pill">{r.tier}</span>}
        </Field>
        <Field label="Answered by" testId="log-details-target">
          {target ?? (failed ? 'no target answered' : '—')}
          {r.locality && <span class="pill">{r.locality}</span>}
        </Field>
        <Field label="Attempts" testId="log-details-chain">
          <ol class="chain">
            {r.fallbackFrom.map((f) => (
              <li key={f} class="error-text">
                {f}
              </li>
            ))}
            {target && <li class={failed ? 'error-text' : 'ok-text'}>{failed ? `${target} (failed)` : `${target} answered`}</li>}
            {!target && r.fallbackFrom.length === 0 && <li class="muted">none: refused before any upstream was called</li>}
          </ol>
        </Field>
        <Field label="Timings">
          total {fmtMs(r.latencyMs)}, first byte {fmtMs(r.ttfbMs)}
        </Field>
        <Field label="Tokens" testId="log-details-tokens">
          {r.inputTokens ?? '—'} in{r.cachedInputTokens ? ` (${r.cachedInputTokens} cached)` : ''}, {r.outputTokens ?? '—'} out · est. {fmtUsd(r.costUsd)}
        </Field>
        <Field label="Cache">{rowCacheLabel(r)}</Field>
        <Field label="Dropped" testId="log-details-dropped">
          {r.dropped?.length ? r.dropped.join(', ') : 'nothing'}
        </Field>
        <Field label="Headers" testId="log-details-headers">
          {headers.length ? (
            <code class="headers">{headers.map(([k, v]) => `${k}: ${v}`).join('\n')}</code>
          ) : (
            <span class="muted">none (refused before routing)</span>
          )}
        </Field>
        {r.prompt !== undefined && (
          <Field label="Prompt" testId="log-details-prompt">
            <pre class="prompt-text">{r.prompt}</pre>
          </Field>
        )}
      </div>
      {r.prompt === undefined && <p class="muted small">Prompts are not stored (settings: log.storePrompts).</p>}
    </div>
  );
}
