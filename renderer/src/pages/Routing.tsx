// Routing: aliases with their ordered targets (the fallback order), the tiers of `auto`, the model map with a
// live tester, and the fallback policy. Every save goes to the admin API and applies to the next request.
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { AliasCard } from '../components/routing/AliasCard.js';
import { ModelMapCard } from '../components/routing/ModelMapCard.js';
import { FallbackCard, NewAlias, TiersCard } from '../components/routing/SettingsCards.js';
import { useProviderModels } from '../components/routing/shared.js';
import { Card, ErrorBox, Loading } from '../components/ui.js';
import { usePoll } from '../hooks.js';
import type { AliasView, RoutingView } from '../types.js';
import '../components/routing/routing.css';

export function RoutingPage() {
  const aliases = usePoll(() => api<AliasView[]>('/aliases'), 0);
  const routing = usePoll(() => api<RoutingView>('/routing'), 0);
  const models = useProviderModels();
  const [creating, setCreating] = useState(false);
  // Bumped after every save, so the tester asks again with the new settings.
  const [version, setVersion] = useState(0);
  const reload = async () => {
    await Promise.all([aliases.reload(), routing.reload()]);
    setVersion((v) => v + 1);
  };

  return (
    <div class="page" data-testid="routing">
      <Card
        title="Aliases"
        actions={
          <>
            <span class="muted small">Clients ask for an alias; the gateway tries its targets in order.</span>
            <button type="button" class="btn small" onClick={() => void models.reload()} title="Ask every provider for its models again">
              Refresh models
            </button>
            <button type="button" class="btn primary small" data-testid="new-alias-open" onClick={() => setCreating(true)}>
              New alias
            </button>
          </>
        }
      >
        <ErrorBox title="Cannot load aliases" error={aliases.error} />
        <ErrorBox title="Cannot list the providers' models (type targets as provider/model)" error={models.error} />
        {creating && <NewAlias models={models.data} onSaved={reload} onClose={() => setCreating(false)} />}
        {aliases.loading ? (
          <Loading what="aliases" />
        ) : aliases.data?.length === 0 ? (
          <p class="muted">No aliases defined.</p>
        ) : (
          <div class="aliases">
            {aliases.data?.map((a) => (
              <AliasCard key={a.name} alias={a} models={models.data} onSaved={reload} />
            ))}
          </div>
        )}
      </Card>
      <ErrorBox title="Cannot load the routing settings" error={routing.error} />
      {routing.data && aliases.data && (
        <>
          <ModelMapCard routing={routing.data} aliases={aliases.data} onSaved={reload} version={version} />
          <div class="grid two">
            <TiersCard routing={routing.data} models={models.data} onSaved={reload} />
            <FallbackCard routing={routing.data} aliases={aliases.data} onSaved={reload} />
          </div>
        </>
      )}
      <Card title="How a request is routed">
        <ol class="explain">
          <li>The name is an alias; or a pattern you added to the model map turns it into one; or it names a model a provider serves; or a built-in pattern (claude-*, gpt-*) maps it.</li>
          <li>The mode (Local / Cloud / Auto) filters targets: greyed-out ones are skipped in the current mode.</li>
          <li>Tiered aliases score each request (SIMPLE → REASONING) and try the tier's model first.</li>
          <li>Targets are tried top to bottom; a failure (timeout, 5xx, 429, open breaker) falls back to the next one.</li>
        </ol>
      </Card>
    </div>
  );
}
