// The window: a header with the gateway state, a nav, and one page per hash route (#/overview, #/logs, …).
import { useEffect, useState } from 'preact/hooks';
import { hasToken } from './api.js';
import { Dot, ErrorBox } from './components/ui.js';
import { usePoll } from './hooks.js';
import { loadStatus } from './prefetch.js';
import { CachePage } from './pages/Cache.js';
import { LibreChatPage } from './pages/LibreChat.js';
import { LogsPage } from './pages/Logs.js';
import { OverviewPage } from './pages/Overview.js';
import { ProvidersPage } from './pages/Providers.js';
import { RoutingPage } from './pages/Routing.js';

const pages = [
  { id: 'overview', label: 'Overview' },
  { id: 'providers', label: 'Providers' },
  { id: 'routing', label: 'Routing' },
  { id: 'cache', label: 'Cache' },
  { id: 'logs', label: 'Logs' },
  { id: 'librechat', label: 'LibreChat' },
] as const;
type PageId = (typeof pages)[number]['id'];

const routeFromHash = (): PageId => {
  const id = location.hash.replace(/^#\/?/, '').split(/[?&/]/)[0];
  return pages.some((p) => p.id === id) ? (id as PageId) : 'overview';
};

export function App() {
  const [page, setPage] = useState<PageId>(routeFromHash);
  useEffect(() => {
    const onHash = () => setPage(routeFromHash());
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);
  const status = usePoll(loadStatus, 3000);
  const s = status.data;

  return (
    <div class="shell">
      <header class="topbar">
        <div class="brand">
          <span class="logo" aria-hidden="true">L</span> Lynkr
        </div>
        <nav>
          {pages.map((p) => (
            <a key={p.id} href={`#/${p.id}`} class={page === p.id ? 'active' : ''} aria-current={page === p.id ? 'page' : undefined}>
              {p.label}
            </a>
          ))}
        </nav>
        <div class="gw-state" data-testid="gateway-state">
          {s ? (
            <>
              <Dot tone={status.error ? 'bad' : 'ok'} title={status.error ? 'unreachable' : 'running'} />
              <span>{status.error ? 'Unreachable' : `:${s.port}`}</span>
              <span class="pill">{s.mode}</span>
            </>
          ) : status.error ? (
            <>
              <Dot tone="bad" title="unreachable" /> <span>Unreachable</span>
            </>
          ) : (
            <span class="muted">Connecting…</span>
          )}
        </div>
      </header>
      <main class="content">
        {!hasToken() && (
          <ErrorBox
            title="No admin token"
            error="Open this page with the URL that `lynkr start` prints (it carries #token=…), or from the tray."
          />
        )}
        {s?.warnings.map((w) => (
          <div class="warning" key={w}>
            {w}
          </div>
        ))}
        {page === 'overview' && <OverviewPage status={status} />}
        {page === 'providers' && <ProvidersPage />}
        {page === 'routing' && <RoutingPage />}
        {page === 'cache' && <CachePage onChange={status.reload} />}
        {page === 'logs' && <LogsPage />}
        {page === 'librechat' && <LibreChatPage keyMasked={s?.gatewayKeyMasked} onKeyChange={status.reload} />}
      </main>
    </div>
  );
}
