// The cache's switches: semantic cache on/off, its embedder (automatic, built-in, an installed Ollama embedding model
// with a Pull for nomic-embed-text, or an OpenAI-style provider), the semantic threshold, and the exact cache's policy.
// Every change saves at once and says so ("Saved" or the error).
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, errorText } from '../api.js';
import { readSse } from '../sse.js';
import { useAction, usePoll } from '../hooks.js';
import type { CacheSettingsInput, CacheSettingsView, EmbedderOption, PullProgress } from '../types.js';
import { Busy, Card, ErrorBox, Loading, Switch } from './ui.js';

const optionKey = (o: Pick<EmbedderOption, 'embedder' | 'model' | 'provider'>): string => `${o.embedder}|${o.model ?? ''}|${o.provider ?? ''}`;

const POLICIES: { value: CacheSettingsView['exactPolicy']; label: string }[] = [
  { value: 'deterministic', label: 'Deterministic requests only (temperature 0 or a seed)' },
  { value: 'always', label: 'Always (also sampled answers: Regenerate repeats them)' },
  { value: 'off', label: 'Off' },
];

/** "Saved" for a few seconds after a save, the error until the next one. */
function SaveState(props: { busy: boolean; error?: string; savedAt?: number; testId: string }) {
  const [, tick] = useState(0);
  useEffect(() => {
    if (!props.savedAt) return;
    const t = setTimeout(() => tick((n) => n + 1), 3000);
    return () => clearTimeout(t);
  }, [props.savedAt]);
  if (props.busy) return <Busy label="Saving…" />;
  if (props.error) return <span class="error-text small" data-testid={props.testId}>Not saved: {props.error}</span>;
  if (props.savedAt && Date.now() - props.savedAt < 3000) return <span class="saved" data-testid={props.testId}>✓ Saved</span>;
  return null;
}

/** `embedderInUse`: the readable name of the embedder the cache uses now (polled cache stats), shown for automatic. */
export function CacheSettingsCard(props: { threshold: number; embedderInUse?: string; onSaved(): Promise<void> }) {
  const view = usePoll(() => api<CacheSettingsView>('/cache/settings'), 0);
  const [savedAt, setSavedAt] = useState<number>();
  const [threshold, setThreshold] = useState(props.threshold);
  const save = useAction(async (input: CacheSettingsInput) => {
    await api<CacheSettingsView>('/cache/settings', 'PUT', input);
    setSavedAt(Date.now());
    await Promise.all([view.reload(), props.onSaved()]);
  });
  const saveThreshold = useAction(async (t: number) => {
    await api<{ threshold: number }>('/cache/threshold', 'PUT', { threshold: t });
    setSavedAt(Date.now());
    await props.onSaved();
  });
  const v = view.data;
  if (!v) return view.error ? <ErrorBox title="Cannot load the cache settings" error={view.error} /> : <Loading what="cache settings" />;
  const current = optionKey({ embedder: v.embedder.embedder, model: v.embedder.model, provider: v.embedder.provider });
  const options = v.options.some((o) => optionKey(o) === current) ? v.options : [{ ...v.embedder, installed: true }, ...v.options];
  const chosen = options.find((o) => optionKey(o) === current);
  const busy = save.busy || saveThreshold.busy;
  return (
    <Card title="Settings" actions={<SaveState busy={busy} error={save.error ?? saveThreshold.error} savedAt={savedAt} testId="cache-saved" />}>
      <Switch
        id="semantic-cache"
        label="Semantic cache: reuse answers to prompts that mean the same"
        checked={v.semanticEnabled}
        disabled={busy}
        onChange={(on) => void save.run({ semanticEnabled: on })}
      />
      <div class="embedder-row">
        <label class="field-label" for="embedder">
          Embedder
        </label>
        <select
          id="embedder"
          data-testid="embedder"
          value={current}
          disabled={busy}
          onChange={(e) => {
            const o = options.find((x) => optionKey(x) === e.currentTarget.value);
            if (o) void save.run({ embedder: o.embedder, embedderModel: o.model ?? null, embedderProvider: o.provider ?? null });
          }}
        >
          {options.map((o) => (
            <option key={optionKey(o)} value={optionKey(o)}>
              {o.label}
              {o.installed ? '' : ' (not installed)'}
            </option>
          ))}
        </select>
        {chosen && !chosen.installed && chosen.model && <PullEmbedder model={chosen.model} onDone={() => void view.reload()} />}
      </div>
      {v.embedder.embedder === 'auto' && (
        <p class="muted small" data-testid="embedder-in-use">
          Using now: {props.embedderInUse ?? v.inUse.label}
        </p>
      )}
      {!v.options.some((o) => o.embedder === 'ollama') && (
        <p class="muted small">Start Ollama to choose one of its embedding models (e.g. nomic-embed-text).</p>
      )}
      <div class="row">
        <span class="field-label">Threshold</span>
        <input
          type="range"
          min={0.5}
          max={1}
          step={0.01}
          value={threshold}
          disabled={!v.semanticEnabled}
          aria-label="Semantic similarity threshold"
          data-testid="threshold"
          onInput={(e) => setThreshold(Number(e.currentTarget.value))}
          onChange={(e) => void saveThreshold.run(Number(e.currentTarget.value))}
        />
        <strong class="mono">{threshold.toFixed(2)}</strong>
        <span class="muted small">{v.semanticEnabled ? 'higher is stricter' : 'used when the semantic cache is on'}</span>
      </div>
      <div class="row">
        <label class="field-label" for="exact-policy">
          Exact cache
        </label>
        <select
          id="exact-policy"
          data-testid="exact-policy"
          value={v.exactPolicy}
          disabled={busy || !v.exactEnabled}
          onChange={(e) => void save.run({ exactPolicy: e.currentTarget.value as CacheSettingsView['exactPolicy'] })}
        >
          {POLICIES.map((p) => (
            <option key={p.value} value={p.value}>
              {p.label}
            </option>
          ))}
        </select>
      </div>
      <ErrorBox title="Cannot list embedders" error={view.error} />
    </Card>
  );
}

/** Pulls an Ollama embedding model through POST /admin/ollama/pull, with its progress. */
function PullEmbedder(props: { model: string; onDone(): void }) {
  const [progress, setProgress] = useState<PullProgress>();
  const [error, setError] = useState<string>();
  const ctrl = useRef<AbortController>();
  const pull = async () => {
    ctrl.current = new AbortController();
    setError(undefined);
    setProgress({ status: 'starting' });
    try {
      let failed = false;
      await readSse<PullProgress>('/ollama/pull', {
        signal: ctrl.current.signal,
        body: { model: props.model },
        onData: (p) => {
          setProgress(p);
          if (p.error) {
            failed = true;
            setError(p.error);
          }
        },
      });
      if (!failed) props.onDone();
    } catch (err) {
      setError(ctrl.current.signal.aborted ? 'Pull cancelled.' : errorText(err));
    } finally {
      setProgress(undefined);
    }
  };
  const pct = progress?.total ? Math.round(((progress.completed ?? 0) / progress.total) * 100) : undefined;
  return (
    <span class="row">
      {progress ? (
        <>
          <Busy label={`Pulling ${props.model}… ${progress.status}${pct !== undefined ? ` ${pct}%` : ''}`} />
          <button type="button" class="btn small" onClick={() => ctrl.current?.abort()}>
            Cancel
          </button>
        </>
      ) : (
        <button type="button" class="btn small" data-testid="pull-embedder" onClick={() => void pull()}>
          Pull {props.model}
        </button>
      )}
      {error && <span class="error-text small">{error}</span>}
    </span>
  );
}
