// Cache: stats, the semantic threshold, clear all or one alias.
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { Busy, Card, ErrorBox, Loading, Stat } from '../components/ui.js';
import { fmtBytes, fmtInt, fmtPct } from '../format.js';
import { useAction, usePoll } from '../hooks.js';
import type { AliasView, CacheStats } from '../types.js';

/** `semantic`: whether the semantic cache is on (from /admin/status); the threshold only matters then. */
export function CachePage(props: { semantic?: boolean }) {
  const stats = usePoll(() => api<CacheStats>('/cache/stats'), 3000);
  const aliases = usePoll(() => api<AliasView[]>('/aliases'), 0);
  const s = stats.data;
  const [threshold, setThreshold] = useState<number>();
  const [alias, setAlias] = useState('');
  useEffect(() => {
    if (s && threshold === undefined) setThreshold(s.threshold);
  }, [s]);
  const saveThreshold = useAction(async (t: number) => {
    await api<{ threshold: number }>('/cache/threshold', 'PUT', { threshold: t });
    await stats.reload();
  });
  const clear = useAction(async (a: string) => {
    const r = await api<{ removed: number }>('/cache/clear', 'POST', a ? { alias: a } : {});
    await stats.reload();
    return r.removed;
  });

  if (!s) return stats.error ? <ErrorBox title="Cannot load cache stats" error={stats.error} /> : <Loading what="cache stats" />;
  const hits = s.hits.exact + s.hits.semantic;
  const lookups = hits + s.misses;
  return (
    <div class="page" data-testid="cache">
      <ErrorBox title="Stats are stale" error={stats.error} />
      {s.disabledReason && <div class="warning">Cache disabled: {s.disabledReason}</div>}
      <Card title="Cache">
        <div class="stats">
          <Stat label="Hit rate" value={lookups ? fmtPct(hits / lookups) : '—'} testId="cache-hit-rate" />
          <Stat label="Exact hits" value={fmtInt(s.hits.exact)} testId="cache-hits-exact" />
          <Stat label="Semantic hits" value={fmtInt(s.hits.semantic)} testId="cache-hits-semantic" />
          <Stat label="Misses" value={fmtInt(s.misses)} testId="cache-misses" />
          <Stat label="Bypasses" value={fmtInt(s.bypasses)} hint="no-cache headers, tools, high temperature…" />
          <Stat label="Entries" value={fmtInt(s.entries)} testId="cache-entries" />
          <Stat label="Size" value={fmtBytes(s.bytes)} />
          <Stat label="Tokens saved" value={fmtInt(s.tokensSaved)} testId="cache-tokens-saved" />
          <Stat label="Cost saved (est.)" value={`$${s.costSavedUsd.toFixed(s.costSavedUsd >= 1 ? 2 : 4)}`} />
          <Stat label="Embedder" value={<span class="stat-text">{s.embedder}</span>} hint={`${s.embedderFailures} failures`} />
        </div>
        {s.embedderFailures > 0 && <p class="error-text small">{s.embedderFailures} embedding calls failed; those requests skipped the semantic cache.</p>}
      </Card>
      <div class="grid two">
        <Card title="Semantic threshold">
          <p class="muted small">How similar a new prompt must be to a cached one to reuse its answer. Higher is stricter.</p>
          {props.semantic === false && (
            <p class="small">The semantic cache is off (settings: <code>cache.semantic.enabled</code>); only exact repeats are served from the cache.</p>
          )}
          <div class="row">
            <input
              type="range"
              min={0.5}
              max={1}
              step={0.01}
              value={threshold ?? s.threshold}
              aria-label="Semantic similarity threshold"
              data-testid="threshold"
              onInput={(e) => setThreshold(Number(e.currentTarget.value))}
              onChange={(e) => void saveThreshold.run(Number(e.currentTarget.value))}
            />
            <strong class="mono">{(threshold ?? s.threshold).toFixed(2)}</strong>
            {saveThreshold.busy && <Busy label="Saving…" />}
            {!saveThreshold.busy && saveThreshold.result === undefined && !saveThreshold.error && threshold !== undefined && threshold !== s.threshold && (
              <span class="muted small">release to save</span>
            )}
          </div>
          <ErrorBox title="Threshold not saved" error={saveThreshold.error} />
        </Card>
        <Card title="Clear">
          <div class="row">
            <select value={alias} onChange={(e) => setAlias(e.currentTarget.value)} aria-label="Alias to clear">
              <option value="">All entries</option>
              {aliases.data?.map((a) => (
                <option key={a.name} value={a.name}>
                  Only {a.name}
                </option>
              ))}
            </select>
            <button type="button" class="btn danger" disabled={clear.busy} onClick={() => void clear.run(alias)} data-testid="cache-clear">
              Clear
            </button>
            {clear.busy && <Busy label="Clearing…" />}
            {clear.result !== undefined && <span class="ok-text">Removed {fmtInt(clear.result)} entries.</span>}
          </div>
          <ErrorBox title="Not cleared" error={clear.error ?? aliases.error} />
        </Card>
      </div>
    </div>
  );
}
