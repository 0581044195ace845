// main.ts wired to a fake Electron (test/desktop/fake-electron.ts) and a REAL gateway: window security, CSP,
// preload config over IPC, close-to-tray, tray actions through the admin API, secrets sealing, pause/resume,
// start at login, quit.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/openai.js';
import { fake, FakeBrowserWindow, FakeTray, waitFor } from './fake-electron.js';
import { findFreePort } from '../../main/desktop/port-conflict.js';

vi.mock('electron', async () => (await import('./fake-electron.js')).electronModule());
vi.mock('electron-store', async () => (await import('./fake-electron.js')).fakeElectronStoreModule());
vi.mock('electron-updater', async () => (await import('./fake-electron.js')).updaterModule());

const KEY = 'sk-test-PLAINTEXT-0123456789-abcd';
const NEW_KEY = 'sk-test-REPLACED-9876543210-wxyz';
let dataDir: string;
let xdg: string;
let upstream: FakeOpenAI;
let port: number;
const savedEnv = { ...process.env };

const tray = (): FakeTray => FakeTray.all[0]!;
const win = (): FakeBrowserWindow => FakeBrowserWindow.all[0]!;
const settingsText = (): string => readFileSync(path.join(dataDir, 'settings.json'), 'utf8');
const token = (): string => readFileSync(path.join(dataDir, 'admin-token'), 'utf8').trim();
const admin = (p: string, init: RequestInit = {}): Promise<Response> =>
  fetch(`http://127.0.0.1:${port}${p}`, { ...init, headers: { authorization: `Bearer ${token()}`, 'content-type': 'application/json' } });
const chat = (): Promise<Response> =>
  fetch(`http://127.0.0.1:${port}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'fakeai/gpt-4o-mini', messages: [{ role: 'user', content: `hi ${Math.random()}` }] }),
  });

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'lynkr-desktop-main-'));
  xdg = mkdtempSync(path.join(os.tmpdir(), 'lynkr-desktop-xdg-'));
  upstream = await startFakeOpenAI();
  port = await findFreePort(20_000 + Math.floor(Math.random() * 20_000));
  writeFileSync(
    path.join(dataDir, 'settings.json'),
    JSON.stringify({ version: 1, server: { port }, providers: [{ id: 'fakeai', kind: 'openai-compatible', baseUrl: upstream.url, apiKey: KEY }] }),
  );
  process.env.LYNKR_DATA_DIR = dataDir;
  process.env.XDG_CONFIG_HOME = xdg;
  for (const k of Object.keys(process.env)) if (/_API_KEY$|^OLLAMA_|^PORT$|^MODEL_PROVIDER$/.test(k)) delete process.env[k];
  await import('../../main/desktop/main.js');
  await waitFor('the tray status line', () => tray()?.menu[0]?.label?.startsWith(`Gateway on :${port}`));
}, 30_000);

afterAll(async () => {
  process.env = savedEnv;
  await upstream?.close();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(xdg, { recursive: true, force: true });
});

describe('desktop main process (fake Electron, real gateway)', () => {
  it('opens a sandboxed, isolated window on the gateway /ui with the token', async () => {
    expect(FakeBrowserWindow.all).toHaveLength(1);
    expect(win().options.webPreferences).toMatchObject({ contextIsolation: true, nodeIntegration: false, sandbox: true });
    expect(String(win().options.webPreferences.preload)).toMatch(/main[\\/]desktop[\\/]preload\.cjs$/);
    const url = await waitFor('the window to load /ui', () => win().urls.find((u) => u.includes('/ui/')));
    expect(url).toBe(`http://127.0.0.1:${port}/ui/index.html#token=${token()}`);
    expect(win().visible).toBe(true);
  });

  it('keeps the window on /ui and sends other links to the browser', async () => {
    const { electronMock } = await import('./fake-electron.js');
    const opened: string[] = [];
    const spy = vi.spyOn(electronMock.shell, 'openExternal').mockImplementation(async (u: string) => {
      opened.push(u);
    });
    const navigate = (url: string): boolean => {
      let prevented = false;
      win().webContents.emit('will-navigate', { preventDefault: () => (prevented = true) }, url);
      return prevented;
    };
    expect(navigate(`http://127.0.0.1:${port}/ui/#/providers`)).toBe(false);
    expect(navigate('https://ollama.com/download')).toBe(true);
    expect(navigate('file:///etc/passwd')).toBe(true);
    expect(win().openHandler!({ url: 'https://github.com/' })).toEqual({ action: 'deny' });
    expect(win().openHandler!({ url: 'javascript:alert(1)' })).toEqual({ action: 'deny' });
    expect(opened).toEqual(['https://ollama.com/download', 'https://github.com/']);
    spy.mockRestore();
  });

  it('adds the CSP header to gateway pages only', () => {
    let headers: Record<string, string[]> | undefined;
    fake.headersHook!({ url: `http://127.0.0.1:${port}/ui/index.html`, responseHeaders: { a: ['b'] } }, (r) => (headers = r.responseHeaders));
    expect(headers!['Content-Security-Policy']![0]).toMatch(/^default-src 'self'; script-src 'self';/);
    fake.headersHook!({ url: 'https://example.com/', responseHeaders: {} }, (r) => (headers = r.responseHeaders));
    expect(headers!['Content-Security-Policy']).toBeUndefined();
  });

  it('gives the preload the admin base and token only for its own page', () => {
    const ask = (url: string): unknown => {
      const event: { returnValue?: unknown; senderFrame: { url: string } } = { senderFrame: { url } };
      fake.ipc.get('lynkr:config')!(event);
      return event.returnValue;
    };
    expect(ask(`http://127.0.0.1:${port}/ui/#/logs`)).toEqual({ adminBase: `http://127.0.0.1:${port}`, token: token() });
    expect(ask('https://evil.example/ui/')).toBeNull();
    expect(ask(`http://127.0.0.1:${port}/v1/models`)).toBeNull();
  });

  it('hides the window to the tray on close, shows it for a second launch, and sets the tray menu on every change', () => {
    expect(win().userClose()).toBe(false);
    expect(win().visible).toBe(false);
    tray().click('Open dashboard');
    expect(win().visible).toBe(true);
    // A second launch focuses the existing window instead of starting another app.
    win().hide();
    fake.appEvents.emit('second-instance');
    expect(win().visible).toBe(true);
    expect(FakeBrowserWindow.all).toHaveLength(1);
    expect(tray().menuSets).toBeGreaterThanOrEqual(2);
    expect(tray().tooltip).toMatch(/^Lynkr Desktop — Gateway on :/);
  });

  it('switches the mode through the admin API from the tray radio', async () => {
    tray().click('Local');
    await waitFor('mode local', async () => ((await (await admin('/admin/status')).json()) as { mode: string }).mode === 'local');
    await waitFor('the radio to follow', () => tray().menu.find((i) => i.label === 'Local')?.checked);
    expect(tray().menu[0]!.label).toMatch(new RegExp(`^Gateway on :${port} · local · Ollama (up|down) · \\d+ requests? today$`));
    tray().click('Auto');
    await waitFor('mode auto', async () => ((await (await admin('/admin/status')).json()) as { mode: string }).mode === 'auto');
  });

  it('copies the LibreChat URLs', () => {
    tray().click('Copy LibreChat base URL');
    tray().click('Copy base URL for Docker');
    expect(fake.clipboard.slice(-2)).toEqual([`http://localhost:${port}/v1`, `http://host.docker.internal:${port}/v1`]);
  });

  it('moved the plaintext key into the encrypted store and the gateway still uses it', async () => {
    const text = settingsText();
    expect(text).not.toContain('PLAINTEXT');
    const json = JSON.parse(text) as { secrets: Record<string, string>; providers: Record<string, unknown>[] };
    expect(Object.keys(json.secrets)).toEqual(['fakeai']);
    expect(json.providers[0]!.apiKey).toBeUndefined();
    expect((await chat()).status).toBe(200);
    expect(upstream.requests.at(-1)!.headers.authorization).toBe(`Bearer ${KEY}`);
  });

  it('seals a key typed into the window at once, and the gateway switches to it', async () => {
    const res = await admin('/admin/providers/fakeai', { method: 'PUT', body: JSON.stringify({ id: 'fakeai', kind: 'openai-compatible', baseUrl: upstream.url, apiKey: NEW_KEY }) });
    expect(res.status).toBe(200);
    expect(JSON.stringify(await res.json())).not.toContain('REPLACED');
    await waitFor('the file to be sealed', () => !settingsText().includes('REPLACED') && settingsText().includes('secrets'));
    const secrets = (JSON.parse(settingsText()) as { secrets: Record<string, string> }).secrets;
    const { electronMock } = await import('./fake-electron.js');
    expect(electronMock.safeStorage.decryptString(Buffer.from(secrets.fakeai!, 'base64'))).toBe(NEW_KEY);
    expect((await chat()).status).toBe(200);
    expect(upstream.requests.at(-1)!.headers.authorization).toBe(`Bearer ${NEW_KEY}`);
  });

  it('pauses (the port closes, the window says so) and resumes', async () => {
    tray().click('Pause gateway');
    await waitFor('paused', () => tray().menu.some((i) => i.label === 'Resume gateway'));
    await expect(fetch(`http://127.0.0.1:${port}/health`)).rejects.toThrow();
    await waitFor('the paused page', () => decodeURIComponent(win().urls.at(-1) ?? '').includes('The gateway is paused'));
    tray().click('Resume gateway');
    await waitFor('running again', () => tray().menu.some((i) => i.label === 'Pause gateway' && i.enabled));
    expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
    await waitFor('the /ui page again', () => win().urls.at(-1)?.startsWith(`http://127.0.0.1:${port}/ui/`));
  });

  it('toggles the XDG autostart entry', async () => {
    const file = path.join(xdg, 'autostart', 'lynkr-desktop.desktop');
    tray().click('Start at login');
    await waitFor('the autostart file', () => existsSync(file));
    const entry = readFileSync(file, 'utf8');
    expect(entry).toContain(`Exec=${process.execPath.includes(' ') ? `"${process.execPath}"` : process.execPath} `);
    expect(entry).toMatch(/ --hidden\n/);
    await waitFor('the checkbox', () => tray().menu.find((i) => i.label === 'Start at login')?.checked);
    tray().click('Start at login');
    await waitFor('the file to go', () => !existsSync(file));
  });

  it('shows updates as off in development', () => {
    const item = tray().menu.find((i) => i.label?.startsWith('Check for updates'));
    expect(item).toMatchObject({ label: 'Check for updates (off in development)', enabled: false });
  });

  it('follows a port change made in the window (the gateway rebinds, the tray and window move with it)', async () => {
    const next = await findFreePort(port + 1);
    const res = await admin('/admin/server', { method: 'PUT', body: JSON.stringify({ port: next }) });
    expect(res.status).toBe(200);
    const old = port;
    port = next;
    await waitFor('the tray on the new port', () => tray().menu[0]?.label?.startsWith(`Gateway on :${next}`), 15_000);
    await waitFor('the window on the new port', () => win().urls.at(-1)?.startsWith(`http://127.0.0.1:${next}/ui/`));
    await expect(fetch(`http://127.0.0.1:${old}/health`)).rejects.toThrow();
    tray().click('Copy LibreChat base URL');
    expect(fake.clipboard.at(-1)).toBe(`http://localhost:${next}/v1`);
    tray().click('Local');
    await waitFor('mode local on the new port', async () => ((await (await admin('/admin/status')).json()) as { mode: string }).mode === 'local');
  }, 20_000);

  it('quits from the tray: the gateway stops and the window really closes', async () => {
    tray().click('Quit Lynkr Desktop');
    await waitFor('app.quit', () => fake.quitCalls === 1);
    await expect(fetch(`http://127.0.0.1:${port}/health`)).rejects.toThrow();
    expect(tray().destroyed).toBe(true);
    expect(win().userClose()).toBe(true);
  });
});
