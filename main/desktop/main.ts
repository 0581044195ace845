// Electron main process: the app's lifecycle (single instance, start, quit, stop signals) and the wiring of the
// tray, the window, the in-process gateway, key sealing, start at login and updates. Each of those lives in its
// own module next to this file, most of them Electron-free and unit-tested; this file only connects them.
import os from 'node:os';
import path from 'node:path';
import { app, clipboard, dialog } from 'electron';
import { takeStopSignals } from '../cli/start-command.js';
import { gatewayUrls } from '../core/urls.js';
import { resolveDataDir } from '../settings/paths.js';
import { readDesktopSettings, rememberServerPort, secretFileOn, type RawStore } from './desktop-settings.js';
import { createGatewayLauncher } from './gateway-launch.js';
import { createGatewaySession, type GatewaySession } from './gateway-session.js';
import { sealChangedKeys, sealKeysAtStart } from './key-sealing.js';
import { HIDDEN_FLAG, readStartAtLogin, writeStartAtLogin, type LoginItemHost } from './login-item.js';
import { startAskingOnConflict } from './port-conflict-prompt.js';
import { createSafeStorageBox } from './safe-storage.js';
import { createSecretVault, type SecretVault } from './secrets.js';
import { openDesktopStore } from './settings-store.js';
import { createAppTray, type AppTray } from './tray.js';
import { createTrayActions } from './tray-actions.js';
import { trayStateFrom } from './tray-model.js';
import { createUpdater, type Updater } from './updater.js';
import { createCloseGuard, dashboardPage } from './window-policy.js';
import { createDashboard, servePreloadConfig } from './window.js';

const STATUS_POLL_MS = 5_000;
const dataDir = resolveDataDir();
// One data dir for headless and desktop: electron-store, the gateway and Chromium's profile all live here.
app.setPath('userData', dataDir);
const startHidden = process.argv.includes(HIDDEN_FLAG) || app.getLoginItemSettings().wasOpenedAtLogin === true;
const resourcesDir = path.join(app.getAppPath(), 'resources');
const closeGuard = createCloseGuard();
const loginHost: LoginItemHost = {
  platform: process.platform,
  env: process.env,
  home: os.homedir(),
  execPath: process.execPath,
  isPackaged: app.isPackaged,
  appPath: app.getAppPath(),
  getLoginItemSettings: () => app.getLoginItemSettings(),
  setLoginItemSettings: (settings) => app.setLoginItemSettings(settings),
};

let tray: AppTray | undefined;
let session: GatewaySession | undefined;
let updater: Updater | undefined;
let startAtLogin = false;
const warnings: string[] = [];
const warn = (message: string): void => void (warnings.includes(message) || warnings.push(message));

const dashboard = createDashboard({
  icon: path.join(resourcesDir, 'icons', '256x256.png'),
  closeGuard,
  trayAvailable: () => tray !== undefined,
  access: () => session?.access(),
  page: () => dashboardPage(session?.state(), session?.access()),
});

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => dashboard.show());
  app.on('before-quit', () => closeGuard.markQuitting());
  // The app lives in the tray: closing the last window must not quit it.
  app.on('window-all-closed', () => {
    if (!tray) void quit();
  });
  app.whenReady().then(boot, fatal);
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
  await sealKeysAtStart({ store, box, vault, warn });
  updater = createUpdater({
    packaged: app.isPackaged,
    markQuitting: () => closeGuard.markQuitting(),
    onChange: () => refreshTray(),
    onError: (message) => void dialog.showMessageBox({ type: 'error', message: 'Update check failed', detail: message }),
    onNoUpdate: () => void dialog.showMessageBox({ type: 'info', message: 'Lynkr Desktop is up to date.' }),
  });
  startAtLogin = await readStartAtLogin(loginHost);
  tray = createAppTray(resourcesDir, (id) => void onTrayAction(id), () => dashboard.show());
  const gateway = openSession(store, vault);
  servePreloadConfig(() => gateway.access());

  if (!tray || !startHidden) dashboard.show();
  const state = await startAskingOnConflict({
    controller: gateway.controller,
    ask: async (question) => (await dialog.showMessageBox({ type: 'warning', ...question, defaultId: 0, cancelId: question.buttons.length - 1 })).response,
    rememberPort: (port) => rememberServerPort(store, port),
  });
  if (!state) return quit();
  if (state.phase === 'stopped' && state.error) {
    void dialog.showMessageBox({ type: 'error', message: 'The gateway did not start', detail: state.error });
  }
  setInterval(() => void gateway.pollStatus(), STATUS_POLL_MS).unref();
  void gateway.pollStatus();
  void updater.check(false);
}

function openSession(store: RawStore, vault: SecretVault): GatewaySession {
  session = createGatewaySession({
    start: createGatewayLauncher({ dataDir, vault, warnings: () => warnings, warn }),
    // Read on every start: the port may have been changed in the window since.
    configuredPort: () => {
      try {
        return readDesktopSettings(store).server.port;
      } catch {
        return 8081;
      }
    },
    onSettingsChange: (next, prev) => void sealChangedKeys(next, prev, { store, vault, warn }),
    onChange: () => {
      refreshTray();
      void dashboard.load();
    },
    onStatus: () => refreshTray(),
  });
  return session;
}

function refreshTray(): void {
  const s = session?.state();
  tray?.update(
    trayStateFrom({
      phase: s?.phase ?? 'starting',
      port: session?.port() ?? 8081,
      error: s?.error,
      status: session?.status(),
      startAtLogin,
      update: updater?.phase() ?? 'disabled',
    }),
  );
}

const onTrayAction = createTrayActions({
  setMode: async (mode) => session?.setMode(mode),
  pollStatus: async () => session?.pollStatus(),
  urls: () => session?.urls() ?? gatewayUrls(8081),
  copyText: (text) => clipboard.writeText(text),
  showWindow: () => dashboard.show(),
  pause: async () => session?.controller.pause(),
  resume: async () => session?.controller.resume(),
  toggleStartAtLogin: async () => {
    await writeStartAtLogin(loginHost, !startAtLogin);
    startAtLogin = await readStartAtLogin(loginHost);
    refreshTray();
  },
  checkForUpdates: async () => updater?.check(true),
  installUpdate: () => updater?.install(),
  quit: () => quit(),
  reportError: (message) => void dialog.showMessageBox({ type: 'error', message: 'That did not work', detail: message }),
});

async function quit(): Promise<void> {
  closeGuard.markQuitting();
  await session?.controller.stop().catch(() => undefined);
  tray?.destroy();
  app.quit();
}
