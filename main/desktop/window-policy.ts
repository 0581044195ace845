// Renderer security rules, kept Electron-free so they are unit-tested: the CSP, which URLs the window may
// navigate to, which links open in the browser, when closing the window really quits, which page it shows, and
// which page the preload may hand the admin token to.
import type { ControllerState } from './gateway-controller.js';

/**
 * The window only loads the gateway's /ui bundle and talks to the gateway's admin API, so 'self' is enough.
 * Styles allow inline because chart libraries set computed positions through style attributes.
 */
export function contentSecurityPolicy(): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** The window stays on the gateway's /ui pages. */
export function isAllowedNavigation(url: string, gatewayOrigin: string): boolean {
  try {
    const u = new URL(url);
    return u.origin === new URL(gatewayOrigin).origin && u.pathname.startsWith('/ui');
  } catch {
    return false;
  }
}

/** Links the user clicks (docs, ollama.com) go to the default browser, and only web links. */
export function isExternalLink(url: string): boolean {
  try {
    const { protocol } = new URL(url);
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
}

/**
 * Closing the window hides it to the tray, unless the app is quitting. A quit for an update must set the flag
 * *before* autoUpdater.quitAndInstall(), which closes windows before it emits before-quit.
 */
export interface CloseGuard {
  markQuitting(): void;
  isQuitting(): boolean;
  /** Called from the window's 'close' event: true = prevent the close and hide instead. */
  hideInsteadOfClose(trayAvailable: boolean): boolean;
}

export function createCloseGuard(): CloseGuard {
  let quitting = false;
  return {
    markQuitting: () => void (quitting = true),
    isQuitting: () => quitting,
    // Without a tray, a hidden window could never be reached again: let it close (the app keeps running only
    // if the platform does so, and a second launch re-opens the window).
    hideInsteadOfClose: (trayAvailable) => !quitting && trayAvailable,
  };
}

/** A page shown in the window when the gateway is not serving /ui (paused, port conflict, start failure). */
export function statusPageUrl(title: string, detail: string): string {
  const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const html = `<!doctype html><meta charset="utf-8"><title>Lynkr Desktop</title><body style="font:15px system-ui;margin:3em;color:#222"><h2>${esc(title)}</h2><p>${esc(detail)}</p><p>Use the tray menu to resume or quit.</p></body>`;
  return `data:text/html;charset=utf-8,${encodeURIComponent(html)}`;
}

/** The admin origin and token of the gateway in this process. */
export interface GatewayAccess {
  origin: string;
  token: string;
}

export interface DashboardPage {
  url: string;
  /** Set for the gateway's own page: wait until it answers there, so the window never shows a connection error. */
  gatewayOrigin?: string;
}

/** What the window shows for the gateway's state; undefined while it starts (keep the current page). */
export function dashboardPage(state: Pick<ControllerState, 'phase' | 'error' | 'conflict'> | undefined, access: GatewayAccess | undefined): DashboardPage | undefined {
  if (state?.phase === 'running' && access) {
    // index.html explicitly: the server redirects /ui → /ui/ and (today) /ui/ to itself. The token in the fragment
    // is a fallback for when the preload bridge is missing; the renderer strips it from the URL.
    return { url: `${access.origin}/ui/index.html#token=${encodeURIComponent(access.token)}`, gatewayOrigin: access.origin };
  }
  if (state?.phase === 'paused') return { url: statusPageUrl('The gateway is paused', 'Requests to the gateway are refused until you resume it.') };
  if (state?.phase === 'stopped') return { url: statusPageUrl('The gateway is not running', state.conflict?.message ?? state.error ?? 'Stopped.') };
  return undefined;
}

/** The preload's question (admin base and token): answered only for our own dashboard page. */
export function preloadConfigFor(senderUrl: string | undefined, access: GatewayAccess | undefined): { adminBase: string; token: string } | null {
  if (!access || !senderUrl || !URL.canParse(senderUrl)) return null;
  const { origin, pathname } = new URL(senderUrl);
  const dashboard = origin === access.origin && (pathname === '/ui' || pathname.startsWith('/ui/'));
  return dashboard ? { adminBase: access.origin, token: access.token } : null;
}
