// Cache: stats, the settings (semantic switch, embedder, threshold, exact policy), clear all or one alias.
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { CacheSettingsCard } from '../components/CacheSettings.js';
import { Busy, Card, ErrorBox, Loading, Stat } from '../components/ui.js';
import { fmtBytes, fmtInt, fmtPct } from '../format.js';
import { useAction, usePoll } from '../hooks.js';
import type { AliasView, CacheStats } from '../types.js';

/** `onChange`: refreshes the status (its cache flags) after a settings change. */
export function CachePage(props: { onChange?(): Promise<void> }) {
  const stats = usePoll(() => api<CacheStats>('/cache/stats'), 3000);
  const aliases = usePoll(() => api<AliasView[]>('/aliases'), 0);
  const s = stats.data;
  const [alias, setAlias] = useState('');
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
          <Stat
            label="Embedder"
            value={<span class="stat-text" data-testid="cache-embedder">{s.embedderLabel ?? s.embedder}</span>}
            hint={`${s.embedder}: ${s.embedderFailures} failures`}
          />
        </div>
        {s.embedderFailures > 0 && <p class="error-text small">{s.embedderFailures} embedding calls failed; those requests skipped the semantic cache.</p>}
      </Card>
      <div class="grid two">
        <CacheSettingsCard threshold={s.threshold} embedderInUse={s.embedderLabel} onSaved={async () => void (await Promise.all([stats.reload(), props.onChange?.()]))} />
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
