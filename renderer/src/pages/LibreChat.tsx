// LibreChat setup: base URLs with copy buttons, the generated librechat.yaml entry and compose override,
// the Allow Docker containers switch, and a live "LibreChat connected" indicator.
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { Busy, Card, CodeBlock, CopyField, Dot, ErrorBox, Loading, Switch } from '../components/ui.js';
import { fmtAgo } from '../format.js';
import { useAction, usePoll } from '../hooks.js';
import type { LibreChatSetup, StatusResponse } from '../types.js';

/** `keyMasked`: the gateway's inbound key as /admin/status shows it (the plaintext never reaches the window). */
export function LibreChatPage(props: { keyMasked?: string; onKeyChange(): Promise<void> }) {
  const setup = usePoll(() => api<LibreChatSetup>('/librechat'), 3000);
  const [confirmRotate, setConfirmRotate] = useState(false);
  const rotate = useAction(async () => {
    const r = await api<{ keyMasked: string }>('/server/rotate-key', 'POST');
    await props.onKeyChange();
    return r.keyMasked;
  });
  const docker = useAction(async (allowDocker: boolean) => {
    await api<StatusResponse>('/server', 'PUT', { allowDocker });
    // Turning it on may have created the gateway key, which the status shows.
    await Promise.all([setup.reload(), props.onKeyChange()]);
  });
  const s = setup.data;
  if (!s) return setup.error ? <ErrorBox title="Cannot load the LibreChat setup" error={setup.error} /> : <Loading what="LibreChat setup" />;
  return (
    <div class="page" data-testid="librechat">
      <ErrorBox title="Setup is stale" error={setup.error} />
      <Card
        title="Connect LibreChat"
        actions={
          <span class="live" data-testid="librechat-seen">
            <Dot tone={s.librechatSeenAt ? 'ok' : 'idle'} />
            {s.librechatSeenAt ? `LibreChat connected (${fmtAgo(s.librechatSeenAt)})` : 'Waiting for the first request from LibreChat'}
          </span>
        }
      >
        <CopyField label="LibreChat on this machine" value={s.baseUrl} testId="copy-host-url" />
        <CopyField label="LibreChat in Docker" value={s.dockerBaseUrl} testId="copy-docker-url" />
        <div class="docker-switch">
          <Switch
            id="allow-docker"
            label="Allow Docker containers"
            checked={s.allowDocker}
            disabled={docker.busy}
            onChange={(v) => void docker.run(v)}
          />
          {docker.busy && <Busy label="Rebinding the gateway…" startedAt={docker.startedAt} />}
          <p class="muted small">
            {s.allowDocker
              ? 'The gateway also listens where containers reach it (the docker bridge on Linux) and requires its API key from them.'
              : 'Off: only this machine can connect. Turn on when LibreChat runs in Docker (on Linux containers cannot reach 127.0.0.1).'}
          </p>
        </div>
        <ErrorBox title="Docker access not changed" error={docker.error} />
        {s.allowDocker && (
          <div class="row key-row">
            <span class="field-label">Gateway key</span>
            <code data-testid="gateway-key-masked">{props.keyMasked ?? 'none yet'}</code>
            {confirmRotate ? (
              <>
                <button
                  type="button"
                  class="btn small danger"
                  disabled={rotate.busy}
                  onClick={() => {
                    setConfirmRotate(false);
                    void rotate.run();
                  }}
                >
                  Confirm: the old key stops working
                </button>
                <button type="button" class="btn small" onClick={() => setConfirmRotate(false)}>
                  Keep
                </button>
              </>
            ) : (
              <button type="button" class="btn small" disabled={rotate.busy} onClick={() => setConfirmRotate(true)}>
                Rotate key
              </button>
            )}
            {rotate.busy && <Busy label="Rotating…" />}
            {rotate.result && <span class="ok-text small">New key {rotate.result}: update LibreChat's .env.</span>}
            <ErrorBox title="Key not rotated" error={rotate.error} />
          </div>
        )}
      </Card>
      <Card title="1 · librechat.yaml">
        <CodeBlock title="librechat.yaml" code={s.yaml} testId="librechat-yaml" />
        <p class="muted small">
          {s.allowDocker ? (
            <>
              The key itself is never shown in this window: put it into LibreChat's <code>.env</code> as <code>LYNKR_API_KEY=…</code>{' '}
              (it is <code>server.apiKey</code> in the settings file). LibreChat fetches the current model list from <code>/v1/models</code>.
            </>
          ) : (
            <>No key is needed from this machine; the placeholder just has to be non-empty. LibreChat fetches the model list from <code>/v1/models</code>.</>
          )}
        </p>
      </Card>
      <Card title="2 · docker-compose.override.yml">
        <CodeBlock title="next to LibreChat's docker-compose.yml" code={s.composeOverride} testId="compose-override" />
        <p class="muted small">Then restart LibreChat: <code>docker compose up -d</code>.</p>
      </Card>
    </div>
  );
}
