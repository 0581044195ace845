// LibreChat setup: base URLs with copy buttons, the generated librechat.yaml entry, the Allow Docker containers
// switch with where the gateway listens and why, the gateway key (reveal / copy on request, rotate), the compose
// override when Docker is allowed, and a live "LibreChat connected" indicator.
import { api } from '../api.js';
import { GatewayKey } from '../components/GatewayKey.js';
import { Busy, Card, CodeBlock, CopyField, Dot, ErrorBox, Loading, Switch } from '../components/ui.js';
import { fmtAgo } from '../format.js';
import { useAction, usePoll } from '../hooks.js';
import type { LibreChatSetup, StatusResponse } from '../types.js';

/** `keyMasked`: the gateway's inbound key as /admin/status shows it; the plaintext only on Reveal / Copy key. */
export function LibreChatPage(props: { keyMasked?: string; onKeyChange(): Promise<void> }) {
  const setup = usePoll(() => api<LibreChatSetup>('/librechat'), 3000);
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
        {s.allowDocker && s.listening && s.listening.length > 0 && (
          <p class={`small ${s.allInterfaces ? 'warning' : 'muted'}`} data-testid="bind-info">
            Listening on {s.listening.join(', ')}: {s.bindReason}.
            {s.allInterfaces && ' Other machines on your network can reach it too; they need the gateway key.'}
          </p>
        )}
        {(s.allowDocker || props.keyMasked) && <GatewayKey keyMasked={props.keyMasked} onKeyChange={props.onKeyChange} />}
      </Card>
      <Card title="1 · librechat.yaml">
        <CodeBlock title="librechat.yaml" code={s.yaml} testId="librechat-yaml" />
        <p class="muted small">
          {s.allowDocker ? (
            <>
              Put the gateway key into LibreChat's <code>.env</code> as <code>LYNKR_API_KEY=…</code> (<strong>Copy key</strong> above copies
              it; it is <code>server.apiKey</code> in the settings file). LibreChat fetches the current model list from <code>/v1/models</code>.
            </>
          ) : (
            <>No key is needed from this machine; the placeholder just has to be non-empty. LibreChat fetches the model list from <code>/v1/models</code>.</>
          )}
        </p>
      </Card>
      {s.allowDocker && (
        <Card title="2 · docker-compose.override.yml">
          <CodeBlock title="next to LibreChat's docker-compose.yml" code={s.composeOverride} testId="compose-override" />
          <p class="muted small">Then restart LibreChat: <code>docker compose up -d</code>.</p>
        </Card>
      )}
    </div>
  );
}
