// A recording stand-in for the parts of Electron that main/desktop uses, so main.ts's wiring runs under
// vitest (the Electron binary is not installed here). Tests mock 'electron' with `electronMock()` and
// inspect `fake` to see windows, tray menus, dialogs, clipboard writes and IPC handlers.
import { EventEmitter } from 'node:events';
import path from 'node:path';
import { afterAll } from 'vitest';

export interface MenuTemplateItem {
  type?: string;
  label?: string;
  enabled?: boolean;
  checked?: boolean;
  click?: () => void;
}

export class FakeBrowserWindow extends EventEmitter {
  static all: FakeBrowserWindow[] = [];
  readonly urls: string[] = [];
  visible = false;
  destroyed = false;
  openHandler?: (d: { url: string }) => { action: string };
  readonly webContents = Object.assign(new EventEmitter(), {
    setWindowOpenHandler: (h: (d: { url: string }) => { action: string }) => void (this.openHandler = h),
  });
  constructor(readonly options: { webPreferences: Record<string, unknown> } & Record<string, unknown>) {
    super();
    FakeBrowserWindow.all.push(this);
    queueMicrotask(() => this.emit('ready-to-show'));
  }
  async loadURL(url: string): Promise<void> {
    this.urls.push(url);
  }
  isDestroyed = (): boolean => this.destroyed;
  isMinimized = (): boolean => false;
  restore(): void {}
  show(): void {
    this.visible = true;
  }
  hide(): void {
    this.visible = false;
  }
  focus(): void {}
  /** Simulates the user closing the window: true if it really closed. */
  userClose(): boolean {
    let prevented = false;
    this.emit('close', { preventDefault: () => (prevented = true) });
    if (!prevented) this.destroyed = true;
    return !prevented;
  }
}

export class FakeTray extends EventEmitter {
  static all: FakeTray[] = [];
  menu: MenuTemplateItem[] = [];
  menuSets = 0;
  tooltip = '';
  destroyed = false;
  constructor(readonly image: unknown) {
    super();
    if (fake.trayFails) throw new Error('no tray on this desktop');
    FakeTray.all.push(this);
  }
  setContextMenu(menu: MenuTemplateItem[]): void {
    this.menu = menu;
    this.menuSets++;
  }
  setToolTip(t: string): void {
    this.tooltip = t;
  }
  destroy(): void {
    this.destroyed = true;
  }
  /** Clicks the menu item with this label. */
  click(label: string | RegExp): void {
    const item = this.menu.find((i) => (typeof label === 'string' ? i.label === label : label.test(i.label ?? '')));
    if (!item?.click) throw new Error(`no clickable tray item ${String(label)}; have ${this.menu.map((i) => i.label).join(' | ')}`);
    item.click();
  }
}

type MessageBoxOptions = { message: string; detail?: string; buttons?: string[] };

// main.ts takes SIGINT and SIGTERM (takeStopSignals): the test worker gets their default back once its file is done.
afterAll(() => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.removeAllListeners(signal);
});

export const fake = {
  singleInstance: true,
  trayFails: false,
  /** What safeStorage says it uses ('basic_text' = no secret service on Linux). */
  backend: 'gnome_libsecret',
  quitCalls: 0,
  exitCodes: [] as number[],
  clipboard: [] as string[],
  dialogs: [] as MessageBoxOptions[],
  errorBoxes: [] as string[],
  /** Picks the button for each message box (default: the first). */
  answer: (_o: MessageBoxOptions): number => 0,
  ipc: new Map<string, (event: { returnValue?: unknown; senderFrame?: { url: string } }) => void>(),
  headersHook: undefined as undefined | ((d: { url: string; responseHeaders?: Record<string, string[]> }, cb: (r: { responseHeaders?: Record<string, string[]> }) => void) => void),
  loginItem: { openAtLogin: false },
  paths: new Map<string, string>(),
  appEvents: new EventEmitter(),
};

const appRoot = path.resolve(import.meta.dirname, '../..');
let ready = false;

export const app = {
  isPackaged: false,
  getAppPath: () => appRoot,
  getVersion: () => '0.0.0-test',
  setPath: (name: string, p: string) => void fake.paths.set(name, p),
  getPath: (name: string) => fake.paths.get(name) ?? path.join(appRoot, '.fake-electron', name),
  getLoginItemSettings: () => ({ openAtLogin: fake.loginItem.openAtLogin, wasOpenedAtLogin: false }),
  setLoginItemSettings: (s: { openAtLogin: boolean }) => void (fake.loginItem.openAtLogin = s.openAtLogin),
  requestSingleInstanceLock: () => fake.singleInstance,
  on: (event: string, fn: (...a: unknown[]) => void) => fake.appEvents.on(event, fn),
  whenReady: async () => {
    await new Promise((r) => setTimeout(r, 0));
    ready = true;
  },
  isReady: () => ready,
  quit: () => {
    fake.quitCalls++;
    fake.appEvents.emit('before-quit');
  },
  exit: (code = 0) => void fake.exitCodes.push(code),
  dock: { hide: () => {} },
};

export const electronMock = {
  app,
  BrowserWindow: FakeBrowserWindow,
  Tray: FakeTray,
  Menu: { buildFromTemplate: (t: MenuTemplateItem[]) => t },
  nativeImage: { createFromPath: (p: string) => ({ path: p, setTemplateImage: () => {} }) },
  clipboard: { writeText: (t: string) => void fake.clipboard.push(t) },
  dialog: {
    showMessageBox: async (o: MessageBoxOptions) => {
      fake.dialogs.push(o);
      return { response: fake.answer(o) };
    },
    showErrorBox: (title: string, content: string) => void fake.errorBoxes.push(`${title}: ${content}`),
  },
  ipcMain: { on: (channel: string, fn: (event: { returnValue?: unknown }) => void) => void fake.ipc.set(channel, fn) },
  session: {
    defaultSession: {
      webRequest: { onHeadersReceived: (fn: typeof fake.headersHook) => void (fake.headersHook = fn) },
      setPermissionRequestHandler: () => {},
    },
  },
  shell: { openExternal: async (_url: string): Promise<void> => {}, openPath: async () => '' },
  // A stand-in OS keyring: reversible, but never the plaintext.
  safeStorage: {
    isEncryptionAvailable: () => true,
    getSelectedStorageBackend: () => fake.backend,
    encryptString: (s: string) => Buffer.from(`enc:${Buffer.from(s).reverse().toString('hex')}`),
    decryptString: (b: Buffer) => Buffer.from(b.toString().slice(4), 'hex').reverse().toString(),
  },
};

export async function waitFor<T>(what: string, fn: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** electron-store without Electron: the real thing is a Conf whose `name` option becomes `configName`. */
export async function fakeElectronStoreModule(): Promise<{ default: unknown }> {
  const { default: Conf } = await import('conf');
  class FakeElectronStore extends Conf<Record<string, unknown>> {
    constructor(options: { name?: string } & Record<string, unknown>) {
      const { name = 'config', ...rest } = options;
      super({ ...rest, configName: name });
    }
  }
  return { default: FakeElectronStore };
}

/** The module shapes for vi.mock: `vi.mock('electron', electronModule)`. */
export const electronModule = (): Record<string, unknown> => ({ ...electronMock, default: electronMock });
export const updaterModule = async (): Promise<{ default: { autoUpdater: EventEmitter } }> => ({ default: { autoUpdater: new EventEmitter() } });
