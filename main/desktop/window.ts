// The dashboard window: sandboxed, isolated, no Node, a strict CSP, and locked to the gateway's /ui pages. One
// window at a time: shown again (not duplicated) on a second launch or a tray click.
import { app, BrowserWindow, ipcMain, session, shell } from 'electron';
import { waitForHealth } from './admin-client.js';
import { preloadPath } from './preload-path.js';
import {
  contentSecurityPolicy,
  isAllowedNavigation,
  isExternalLink,
  preloadConfigFor,
  type CloseGuard,
  type DashboardPage,
  type GatewayAccess,
} from './window-policy.js';

export interface WindowOptions {
  preload: string;
  icon?: string;
  /** The gateway origin the window may show (changes when the port changes). */
  origin: () => string | undefined;
  closeGuard: CloseGuard;
  trayAvailable: boolean;
}

let cspInstalled = false;

/** CSP as a response header on every page from the gateway (a meta tag could be dropped by the bundle). */
function installCsp(origin: () => string | undefined): void {
  if (cspInstalled) return;
  cspInstalled = true;
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    const o = origin();
    if (!o || !details.url.startsWith(`${o}/`)) return callback({ responseHeaders: details.responseHeaders });
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [contentSecurityPolicy()] } });
  });
  // The dashboard needs no camera, notifications or the like.
  session.defaultSession.setPermissionRequestHandler((_wc, permission, callback) => callback(permission === 'clipboard-sanitized-write'));
}

export function createMainWindow(opts: WindowOptions): BrowserWindow {
  installCsp(opts.origin);
  const win = new BrowserWindow({
    width: 1180,
    height: 800,
    minWidth: 760,
    minHeight: 520,
    show: false,
    title: 'Lynkr Desktop',
    icon: opts.icon,
    autoHideMenuBar: true,
    webPreferences: {
      preload: opts.preload,
      contextIsolation: true,
      nodeIntegration: false,
      sandbox: true,
      webSecurity: true,
      spellcheck: false,
    },
  });
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (isExternalLink(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  win.webContents.on('will-navigate', (event, url) => {
    const o = opts.origin();
    if (o && isAllowedNavigation(url, o)) return;
    event.preventDefault();
    if (isExternalLink(url)) void shell.openExternal(url);
  });
  win.on('close', (event) => {
    if (opts.closeGuard.hideInsteadOfClose(opts.trayAvailable)) {
      event.preventDefault();
      win.hide();
    }
  });
  return win;
}

export interface DashboardOptions {
  icon: string;
  closeGuard: CloseGuard;
  /** Read when the window is created: without a tray, closing it must really close it. */
  trayAvailable: () => boolean;
  access: () => GatewayAccess | undefined;
  /** The page for the gateway's current state (window-policy.ts's dashboardPage). */
  page: () => DashboardPage | undefined;
}

export interface Dashboard {
  /** Creates the window, or brings the existing one to the front. */
  show(): void;
  /** Loads the page for the gateway's current state (nothing when there is no window). */
  load(): Promise<void>;
}

export function createDashboard(opts: DashboardOptions): Dashboard {
  let win: BrowserWindow | undefined;
  const origin = (): string | undefined => opts.access()?.origin;

  async function load(): Promise<void> {
    const w = win;
    const page = opts.page();
    if (!w || w.isDestroyed() || !page) return;
    // startGateway resolves once listening, but the window must never show a connection error page.
    if (page.gatewayOrigin) await waitForHealth(page.gatewayOrigin, 5_000);
    if (!w.isDestroyed()) await w.loadURL(page.url).catch(() => undefined);
  }

  function show(): void {
    if (!app.isReady()) return;
    if (!win || win.isDestroyed()) {
      const created = createMainWindow({ preload: preloadPath(), icon: opts.icon, origin, closeGuard: opts.closeGuard, trayAvailable: opts.trayAvailable() });
      win = created;
      created.once('ready-to-show', () => created.show());
      void load();
      return;
    }
    if (win.isMinimized()) win.restore();
    win.show();
    win.focus();
  }

  return { show, load };
}

/** Answers the preload's sync IPC question (preload.cts); only our own dashboard page gets the token. */
export function servePreloadConfig(access: () => GatewayAccess | undefined): void {
  ipcMain.on('lynkr:config', (event) => {
    event.returnValue = preloadConfigFor(event.senderFrame?.url, access());
  });
}
