// The dashboard window: sandboxed, isolated, no Node, a strict CSP, and locked to the gateway's /ui pages.
import { BrowserWindow, session, shell } from 'electron';
import { contentSecurityPolicy, isAllowedNavigation, isExternalLink, type CloseGuard } from './window-policy.js';

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
