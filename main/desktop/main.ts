// Electron main process: single instance, tray, window, the gateway in this process, secrets, start at login,
// updates. Logic lives in the Electron-free modules next to this file; this file only wires Electron to them.
import { createWriteStream, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { app, BrowserWindow, clipboard, dialog, ipcMain } from 'electron';
import type { Mode } from '../admin/contract.js';
import { startGateway, type RunningGateway } from '../cli/start.js';
import { takeStopSignals } from '../cli/start-command.js';
import type { Settings } from '../settings/schema.js';
import { resolveDataDir } from '../settings/paths.js';
import { adminBaseFor, createAdminClient, type AdminClient } from './admin-client.js';
import { readDesktopSettings, secretFileOn } from './desktop-settings.js';
import { createGatewayController } from './gateway-controller.js';
import { autostartEntry, autostartPath, HIDDEN_FLAG, launchCommand, readLinuxAutostart, writeLinuxAutostart } from './login-item.js';
import { preloadPath } from './preload-path.js';
import { createSafeStorageBox } from './safe-storage.js';
import { createSecretVault, sealPlaintextKeys, secretBoxWarning, type SecretVault } from './secrets.js';
import { openDesktopStore } from './settings-store.js';
import { createAppTray, type AppTray } from './tray.js';
import { trayStateFrom, type TrayActionId } from './tray-model.js';
import { createUpdater, type Updater } from './updater.js';
import { gatewayUrls } from '../core/urls.js';
import { createCloseGuard, statusPageUrl } from './window-policy.js';
import { createMainWindow } from './window.js';

const STATUS_POLL_MS = 5_000;
const dataDir = resolveDataDir();
// One data dir for headless and desktop: electron-store, the gateway and Chromium's profile all live here.
app.setPath('userData', dataDir);
const startHidden = process.argv.includes(HIDDEN_FLAG) || app.getLoginItemSettings().wasOpenedAtLogin === true;
const resourcesDir = path.join(app.getAppPath(), 'resources');
const closeGuard = createCloseGuard();

let win: BrowserWindow | undefined;
let tray: AppTray | undefined;
let running: RunningGateway | undefined;
let admin: AdminClient | undefined;
let lastStatus: Awaited<ReturnType<AdminClient['status']>> | undefined;
/** Where the gateway listens now: set at start and when it rebinds after a port change. */
let gatewayPort: number | undefined;
let startAtLogin = false;
let updater: Updater;
let controllerRef: ReturnType<typeof createGatewayController> | undefined;
const warnings: string[] = [];
const warn = (message: string): void => void (warnings.includes(message) || warnings.push(message));

const origin = (): string | undefined => (running && gatewayPort !== undefined ? adminBaseFor(gatewayPort) : undefined);

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => showWindow());
  app.on('before-quit', () => closeGuard.markQuitting());
  // The app lives in the tray: closing the last window must not quit it.
  app.on('window-all-closed', () => {
    if (!tray) void quit();
  });
  app.whenReady().then(boot, (err: unknown) => fatal(err));
  // SIGTERM/SIGINT (logging out, `kill`, Ctrl-C on `electron .`) stop the app the way Quit does: requests and streams
  // in flight get the grace period and their rows. A second signal exits at once. Without this, when-exit (through
  // electron-store → conf) re-raises the first signal after its cleanup and Electron dies mid-stream.
  let signalled = false;
  takeStopSignals(() => {
    if (signalled) return app.exit(1);
    signalled = true;
    void quit();
  });
}

function fatal(err: unknown): void {
  dialog.showErrorBox('Lynkr Desktop could not start', err instanceof Error ? err.message : String(err));
  closeGuard.markQuitting();
  app.quit();
}

async function boot(): Promise<void> {
  if (process.platform === 'darwin') app.dock?.hide();
  const store = openDesktopStore(dataDir);
  const box = createSafeStorageBox();
  const vault = createSecretVault(box, secretFileOn(store));
  const boxWarning = secretBoxWarning(box);
  if (boxWarning) warn(boxWarning);
  // Read on every start: the port may have been changed in the window since.
  const configuredPort = (): number => {
    try {
      return readDesktopSettings(store).server.port;
    } catch {
      return 8081;
    }
  };

  try {
    readDesktopSettings(store);
    if (box.available()) {
      const sealed = await sealPlaintextKeys(store.get('providers'), vault);
      if (sealed) store.set('providers', sealed);
    }
  } catch (err) {
    // The gateway start below fails with the same message and the window shows it.
    warn(err instanceof Error ? err.message : String(err));
  }

  updater = createUpdater({
    packaged: app.isPackaged,
    markQuitting: () => closeGuard.markQuitting(),
    onChange: () => refreshTray(),
    onError: (message) => void dialog.showMessageBox({ type: 'error', message: 'Update check failed', detail: message }),
    onNoUpdate: () => void dialog.showMessageBox({ type: 'info', message: 'Lynkr Desktop is up to date.' }),
  });
  startAtLogin = await readStartAtLogin();
  tray = createAppTray(resourcesDir, (id) => void onTrayAction(id), () => showWindow());

  const controller = createGatewayController({
    configuredPort,
    start: async (port) => {
      const { keys, unreadable } = await vault.reveal();
      if (unreadable.length > 0) warn(`Saved API keys for ${unreadable.join(', ')} could not be decrypted on this machine; enter them again.`);
      const gw = await startGateway({
        dataDir,
        flags: port === undefined ? undefined : { port },
        secrets: keys,
        warnings: () => warnings,
        // A tray app has no terminal: the gateway's log goes to a file next to the settings.
        logDestination: gatewayLog(),
      });
      running = gw;
      gatewayPort = gw.port;
      admin = createAdminClient(adminBaseFor(gw.port), gw.adminToken);
      gw.settings.onChange((next, prev) => {
        void keepKeysSealed(next, prev, vault, store);
        const a = next.server;
        const b = prev.server;
        if (a.port !== b.port || a.host !== b.host || a.allowDocker !== b.allowDocker) void followRebind(a.port);
      });
      return gw;
    },
    onChange: (s) => {
      if (s.phase !== 'running') {
        running = s.phase === 'paused' ? running : undefined;
        lastStatus = s.phase === 'paused' ? lastStatus : undefined;
      }
      refreshTray();
      void loadWindow();
    },
  });
  controllerRef = controller;

  ipcMain.on('lynkr:config', (event) => {
    const o = origin();
    // Only our own dashboard page gets the token.
    event.returnValue = o && running && event.senderFrame?.url.startsWith(`${o}/ui`) ? { adminBase: o, token: running.adminToken } : null;
  });

  if (!tray || !startHidden) showWindow();
  let state = await controller.start();
  while (state.conflict) {
    const { conflict } = state;
    const buttons = conflict.freePort ? [`Use port ${conflict.freePort}`, 'Try again', 'Quit'] : ['Try again', 'Quit'];
    const { response } = await dialog.showMessageBox({
      type: 'warning',
      message: `The gateway cannot listen on port ${conflict.port}`,
      detail: `${conflict.message}\n\nIf you use another port, update the base URL in LibreChat.`,
      buttons,
      defaultId: 0,
      cancelId: buttons.length - 1,
    });
    const choice = buttons[response];
    if (choice === 'Quit') return quit();
    state = choice === 'Try again' ? await controller.start() : await controller.start(conflict.freePort);
    if (state.phase === 'running' && choice !== 'Try again' && running) {
      // Keep the port the user picked for the next launch too. Written to the file directly: the running
      // gateway already has it (as a flag), so a settings update would see no change and persist nothing.
      const server = store.get('server');
      store.set('server', { ...(server && typeof server === 'object' ? server : {}), port: running.port });
      // From now on the file holds it; a later port change in the window must not be undone by a resume.
      controller.forgetPort();
    }
  }
  if (state.phase === 'stopped' && state.error) {
    void dialog.showMessageBox({ type: 'error', message: 'The gateway did not start', detail: state.error });
  }
  setInterval(() => void pollStatus(), STATUS_POLL_MS).unref();
  void pollStatus();
  void updater.check(false);
}

/**
 * The gateway rebinds itself after a port/host/Docker change made in the window (PUT /admin/server). Follow it:
 * talk to the new port, reload the window there, and let a later resume use the settings' port.
 */
async function followRebind(port: number): Promise<void> {
  controllerRef?.forgetPort();
  if (port === 0 || port === gatewayPort) return;
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (await isHealthy(adminBaseFor(port))) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  if (!running) return;
  gatewayPort = port;
  admin = createAdminClient(adminBaseFor(port), running.adminToken);
  lastStatus = undefined;
  await pollStatus();
  void loadWindow();
}

async function pollStatus(): Promise<void> {
  if (!admin || controllerRef?.state().phase !== 'running') return refreshTray();
  try {
    lastStatus = await admin.status();
  } catch {
    // Keep the last known status; the next poll retries.
  }
  refreshTray();
}

function refreshTray(): void {
  const s = controllerRef?.state();
  tray?.update(
    trayStateFrom({
      phase: s?.phase ?? 'starting',
      port: gatewayPort ?? s?.port ?? 8081,
      error: s?.error,
      status: lastStatus,
      startAtLogin,
      update: updater?.phase() ?? 'disabled',
    }),
  );
}

async function loadWindow(): Promise<void> {
  if (!win || win.isDestroyed()) return;
  const s = controllerRef?.state();
  const o = origin();
  if (s?.phase === 'running' && o && running) {
    await waitForHealth(o);
    // index.html explicitly: the server redirects /ui → /ui/ and (today) /ui/ to itself. The token in the fragment
    // is a fallback for when the preload bridge is missing; the renderer strips it from the URL.
    await win.loadURL(`${o}/ui/index.html#token=${encodeURIComponent(running.adminToken)}`).catch(() => undefined);
  } else if (s?.phase === 'paused') {
    await win.loadURL(statusPageUrl('The gateway is paused', 'Requests to the gateway are refused until you resume it.')).catch(() => undefined);
  } else if (s?.phase === 'stopped') {
    await win.loadURL(statusPageUrl('The gateway is not running', s.conflict?.message ?? s.error ?? 'Stopped.')).catch(() => undefined);
  }
}

let logStream: NodeJS.WritableStream | undefined;
function gatewayLog(): NodeJS.WritableStream {
  mkdirSync(dataDir, { recursive: true });
  logStream ??= createWriteStream(path.join(dataDir, 'gateway.log'), { flags: 'a', mode: 0o600 });
  return logStream;
}

/** startGateway resolves once listening, but the window must never show a connection error page. */
async function waitForHealth(o: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !(await isHealthy(o))) await new Promise((r) => setTimeout(r, 100));
}

async function isHealthy(o: string): Promise<boolean> {
  try {
    return (await fetch(`${o}/health`, { signal: AbortSignal.timeout(1_000) })).ok;
  } catch {
    return false;
  }
}

function showWindow(): void {
  if (!app.isReady()) return;
  if (!win || win.isDestroyed()) {
    win = createMainWindow({
      preload: preloadPath(),
      icon: path.join(resourcesDir, 'icons', '256x256.png'),
      origin,
      closeGuard,
      trayAvailable: tray !== undefined,
    });
    win.once('ready-to-show', () => win?.show());
    void loadWindow();
    return;
  }
  if (win.isMinimized()) win.restore();
  win.show();
  win.focus();
}

async function onTrayAction(id: TrayActionId): Promise<void> {
  const port = gatewayPort ?? 8081;
  try {
    switch (id) {
      case 'mode:local':
      case 'mode:cloud':
      case 'mode:auto':
        await admin?.setMode(id.slice('mode:'.length) as Mode);
        await pollStatus();
        return;
      // The gateway's own answer when we have one; the same formula before the first status poll.
      case 'copy-base-url':
        clipboard.writeText(lastStatus?.baseUrl ?? gatewayUrls(port).baseUrl);
        return;
      case 'copy-docker-url':
        clipboard.writeText(lastStatus?.dockerBaseUrl ?? gatewayUrls(port).dockerBaseUrl);
        return;
      case 'open-dashboard':
        showWindow();
        return;
      case 'pause':
        await controllerRef?.pause();
        return;
      case 'resume':
        await controllerRef?.resume();
        await pollStatus();
        return;
      case 'start-at-login':
        await writeStartAtLogin(!startAtLogin);
        startAtLogin = await readStartAtLogin();
        refreshTray();
        return;
      case 'check-updates':
        await updater.check(true);
        return;
      case 'install-update':
        updater.install();
        return;
      case 'quit':
        return quit();
    }
  } catch (err) {
    void dialog.showMessageBox({ type: 'error', message: 'That did not work', detail: err instanceof Error ? err.message : String(err) });
  }
}

async function quit(): Promise<void> {
  closeGuard.markQuitting();
  await controllerRef?.stop().catch(() => undefined);
  tray?.destroy();
  app.quit();
}

async function readStartAtLogin(): Promise<boolean> {
  if (process.platform === 'linux') return readLinuxAutostart(autostartPath(process.env, os.homedir()));
  return app.getLoginItemSettings().openAtLogin;
}

async function writeStartAtLogin(enabled: boolean): Promise<void> {
  if (process.platform === 'linux') {
    const exec = launchCommand(process.env, process.execPath);
    // Unpackaged (`electron .`), the app path must follow the Electron binary.
    const args = app.isPackaged ? [HIDDEN_FLAG] : [app.getAppPath(), HIDDEN_FLAG];
    await writeLinuxAutostart(autostartPath(process.env, os.homedir()), enabled, autostartEntry({ exec, args }));
    return;
  }
  app.setLoginItemSettings({ openAtLogin: enabled, openAsHidden: true, args: [HIDDEN_FLAG] });
}

/**
 * A key typed into the window reaches the gateway's settings in memory; the store never writes keys to the file
 * when the desktop passes `secrets` to startGateway. Seal it into the vault; the running gateway keeps using it.
 * Keys written to the file by other means (the headless CLI, a hand edit) are moved into the vault too.
 */
async function keepKeysSealed(next: Settings, prev: Settings, vault: SecretVault, store: ReturnType<typeof openDesktopStore>): Promise<void> {
  try {
    for (const p of next.providers) {
      const before = prev.providers.find((q) => q.id === p.id);
      if (p.apiKey && p.apiKey !== before?.apiKey) await vault.set(p.id, p.apiKey);
    }
    for (const p of prev.providers) if (!next.providers.some((q) => q.id === p.id) && vault.has(p.id)) vault.remove(p.id);
    const sealed = await sealPlaintextKeys(store.get('providers'), vault);
    if (sealed) store.set('providers', sealed);
  } catch (err) {
    warn(`API keys could not be moved to the OS secret store: ${err instanceof Error ? err.message : String(err)}`);
  }
}
