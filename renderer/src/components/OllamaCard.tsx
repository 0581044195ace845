// Ollama: running / installed-but-stopped / absent, start it, pull a model with a progress bar (cancellable).
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, errorText } from '../api.js';
import { fmtBytes } from '../format.js';
import { useAction, usePoll } from '../hooks.js';
import { readSse } from '../sse.js';
import type { MissingModel, OllamaStatus, PullProgress } from '../types.js';
import { Busy, Card, Dot, ErrorBox, Loading } from './ui.js';

/** `missing`: models the routes name that Ollama lacks (StatusResponse.missingModels), each offered as a Pull. */
export function OllamaCard(props: { missing?: MissingModel[]; onPulled?(): void } = {}) {
  const [wanted, setWanted] = useState<{ model: string; n: number }>();
  const status = usePoll(() => api<OllamaStatus>('/ollama'), 10_000);
  const start = useAction(async () => {
    await api<OllamaStatus>('/ollama/start', 'POST');
    await status.reload();
  });
  const recheck = useAction(async () => {
    await api<OllamaStatus>('/ollama?refresh=1');
    await status.reload();
  });
  const o = status.data;
  return (
    <Card
      title="Ollama"
      actions={
        <button type="button" class="btn small" disabled={recheck.busy} onClick={() => void recheck.run()}>
          {recheck.busy ? 'Checking…' : 'Re-check'}
        </button>
      }
    >
      <ErrorBox title="Ollama status unavailable" error={status.error ?? recheck.error} />
      {!o ? (
        !status.error && <Loading what="Ollama status" />
      ) : (
        <>
          <div class="status-line" data-testid="ollama-state">
            <Dot tone={o.state === 'running' ? 'ok' : o.state === 'installed-stopped' ? 'warn' : 'idle'} />
            <strong>{o.state === 'running' ? 'Running' : o.state === 'installed-stopped' ? 'Installed, stopped' : 'Not found'}</strong>
            <span class="muted">
              {o.version ? `v${o.version} · ` : ''}
              {o.endpoint}
            </span>
          </div>
          {o.state === 'installed-stopped' && (
            <p>
              <button type="button" class="btn primary" disabled={start.busy} onClick={() => void start.run()}>
                Start Ollama
              </button>{' '}
              {start.busy && <Busy label="Starting ollama serve…" startedAt={start.startedAt} />}
            </p>
          )}
          <ErrorBox title="Could not start Ollama" error={start.error} />
          {o.state === 'absent' && (
            <p class="muted">
              Ollama is not installed; cloud mode still works. Install it from ollama.com (macOS/Windows app, or{' '}
              <code>curl -fsSL https://ollama.com/install.sh | sh</code> on Linux), then press Re-check.
            </p>
          )}
          {o.state === 'running' && (
            <>
              <div class="chips">
                {o.models.length === 0 && <span class="muted">No models installed.</span>}
                {o.models.map((m) => (
                  <span class="chip" key={m.name}>
                    {m.name}
                    {m.sizeBytes ? <span class="muted"> {fmtBytes(m.sizeBytes)}</span> : null}
                  </span>
                ))}
              </div>
              {(props.missing ?? []).map((m) => (
                <div class="warning" key={m.model} data-testid="missing-model">
                  <strong>{m.model}</strong> is not installed, and {m.usedBy.join(', ')} {m.usedBy.length === 1 ? 'uses' : 'use'} it: requests
                  there fail until it is pulled. Run <code>{m.pullCommand}</code>, or{' '}
                  <button type="button" class="btn small primary" onClick={() => setWanted({ model: m.model, n: (wanted?.n ?? 0) + 1 })}>
                    Pull {m.model}
                  </button>
                </div>
              ))}
              <Pull
                suggestions={o.suggestions}
                wanted={wanted}
                onDone={() => {
                  void status.reload();
                  props.onPulled?.();
                }}
              />
            </>
          )}
        </>
      )}
    </Card>
  );
}

function Pull(props: { suggestions: string[]; wanted?: { model: string; n: number }; onDone(): void }) {
  const [model, setModel] = useState(props.suggestions[0] ?? '');
  const [progress, setProgress] = useState<PullProgress>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [pulled, setPulled] = useState<string>();
  const ctrl = useRef<AbortController>();

  const pull = async (name = model.trim()) => {
    if (!name) return setError('Enter a model name, e.g. qwen2.5-coder:1.5b.');
    ctrl.current = new AbortController();
    setBusy(true);
    setError(undefined);
    setPulled(undefined);
    setProgress({ status: 'starting' });
    try {
      let last: PullProgress | undefined;
      await readSse<PullProgress>('/ollama/pull', {
        signal: ctrl.current.signal,
        body: { model: name },
        onData: (p) => {
          last = p;
          setProgress(p);
          if (p.error) setError(p.error);
        },
      });
      if (!last?.error) {
        setPulled(name);
        props.onDone();
      }
    } catch (err) {
      setError(ctrl.current.signal.aborted ? 'Pull cancelled.' : errorText(err));
    } finally {
      setBusy(false);
    }
  };
  // A Pull button of a missing-model warning: fill in its name and start at once.
  useEffect(() => {
    if (!props.wanted || busy) return;
    setModel(props.wanted.model);
    void pull(props.wanted.model);
  }, [props.wanted?.n]);
  const pct = progress?.total ? Math.round(((progress.completed ?? 0) / progress.total) * 100) : undefined;
  return (
    <div class="pull">
      {props.suggestions.length > 0 && (
        <p class="small muted">
          Suggested small coding models:{' '}
          {props.suggestions.map((s) => (
            <button type="button" key={s} class="link" onClick={() => setModel(s)}>
              {s}
            </button>
          ))}
        </p>
      )}
      <div class="row">
        <input data-testid="pull-model" value={model} placeholder="model, e.g. qwen2.5-coder:1.5b" onInput={(e) => setModel(e.currentTarget.value)} disabled={busy} />
        {busy ? (
          <button type="button" class="btn" onClick={() => ctrl.current?.abort()}>
            Cancel
          </button>
        ) : (
          <button type="button" class="btn" onClick={() => void pull()}>
            Pull
          </button>
        )}
      </div>
      {busy && progress && (
        <div class="progress-wrap" data-testid="pull-progress" role="progressbar" aria-valuenow={pct} aria-valuemin={0} aria-valuemax={100}>
          <div class="progress">
            <div class={`bar ${pct === undefined ? 'indeterminate' : ''}`} style={{ width: pct === undefined ? '30%' : `${pct}%` }} />
          </div>
          <span class="small muted">
            {progress.status}
            {pct !== undefined && ` · ${pct}% of ${fmtBytes(progress.total ?? 0)}`}
          </span>
        </div>
      )}
      {!busy && pulled && <p class="ok-text small">Pulled {pulled}.</p>}
      <ErrorBox title="Pull failed" error={error} />
    </div>
  );
}
