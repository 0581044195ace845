import { describe, expect, it } from 'vitest';
import { buildTrayMenu, statusLine, trayStateFrom, type MenuItemModel, type TrayState } from '../../main/desktop/tray-model.js';
import { gatewayUrls } from '../../main/core/urls.js';

const running: TrayState = { gateway: 'running', port: 8081, mode: 'auto', ollamaUp: true, requestsToday: 12, startAtLogin: false, update: 'idle' };
const byAction = (items: MenuItemModel[], action: string): MenuItemModel | undefined => items.find((i) => i.action === action);

describe('tray menu model', () => {
  it('shows the status line from the issue', () => {
    expect(statusLine(running)).toBe('Gateway on :8081 · auto · Ollama up · 12 requests today');
    expect(statusLine({ ...running, requestsToday: 1, ollamaUp: false, mode: 'cloud', port: 9000 })).toBe('Gateway on :9000 · cloud · Ollama down · 1 request today');
    expect(statusLine({ ...running, ollamaUp: undefined })).toContain('Ollama …');
    expect(statusLine({ ...running, gateway: 'stopped', error: 'port 8081 is in use' })).toBe('Gateway stopped: port 8081 is in use');
    expect(statusLine({ ...running, gateway: 'starting' })).toBe('Gateway starting on :8081…');
  });

  it('has every item in order, each actionable item with an action id', () => {
    const items = buildTrayMenu(running);
    expect(items.map((i) => (i.type === 'separator' ? '---' : i.label))).toEqual([
      'Gateway on :8081 · auto · Ollama up · 12 requests today',
      '---',
      'Mode',
      'Local',
      'Cloud',
      'Auto',
      '---',
      'Copy LibreChat base URL',
      'Copy base URL for Docker',
      'Open dashboard',
      'Pause gateway',
      '---',
      'Start at login',
      'Check for updates',
      '---',
      'Quit Lynkr Desktop',
    ]);
    expect(items[0]!.enabled).toBe(false);
    for (const i of items) if (i.type !== 'separator' && i.enabled !== false) expect(i.action).toBeDefined();
  });

  it('checks exactly the current mode radio', () => {
    for (const mode of ['local', 'cloud', 'auto'] as const) {
      const radios = buildTrayMenu({ ...running, mode }).filter((i) => i.type === 'radio');
      expect(radios.map((r) => r.action)).toEqual(['mode:local', 'mode:cloud', 'mode:auto']);
      expect(radios.filter((r) => r.checked).map((r) => r.action)).toEqual([`mode:${mode}`]);
    }
  });

  it('offers Resume when paused and disables mode switching when no gateway runs', () => {
    const paused = buildTrayMenu({ ...running, gateway: 'paused' });
    expect(byAction(paused, 'resume')?.label).toBe('Resume gateway');
    expect(byAction(paused, 'pause')).toBeUndefined();
    const stopped = buildTrayMenu({ ...running, gateway: 'stopped' });
    expect(stopped.filter((i) => i.type === 'radio').every((r) => r.enabled === false)).toBe(true);
    expect(byAction(stopped, 'pause')?.enabled).toBe(false);
    expect(byAction(stopped, 'quit')?.enabled).toBe(true);
  });

  it('reflects Start at login and the update phase', () => {
    expect(byAction(buildTrayMenu({ ...running, startAtLogin: true }), 'start-at-login')).toMatchObject({ type: 'checkbox', checked: true });
    expect(byAction(buildTrayMenu({ ...running, update: 'disabled' }), 'check-updates')).toMatchObject({ enabled: false, label: 'Check for updates (off in development)' });
    expect(byAction(buildTrayMenu({ ...running, update: 'ready' }), 'install-update')).toMatchObject({ enabled: true, label: 'Restart to update' });
    expect(byAction(buildTrayMenu({ ...running, update: 'checking' }), 'check-updates')?.enabled).toBe(false);
  });

  it('derives the state from /admin/status', () => {
    const s = trayStateFrom({
      phase: 'running',
      port: 8081,
      status: { mode: 'local', port: 8090, requestsToday: 3, ollama: { state: 'installed-stopped' } },
      startAtLogin: true,
      update: 'idle',
    });
    expect(s).toEqual({ gateway: 'running', port: 8090, mode: 'local', modePinnedBy: undefined, ollamaUp: false, requestsToday: 3, startAtLogin: true, update: 'idle', error: undefined, unroutedByMode: undefined });
    expect(trayStateFrom({ phase: 'stopped', port: 8081, error: 'x', startAtLogin: false, update: 'disabled' }).ollamaUp).toBeUndefined();
  });

  it('says in the Mode heading when LYNKR_MODE will reset a switch at restart', () => {
    const s = trayStateFrom({
      phase: 'running',
      port: 8081,
      status: { mode: 'cloud', port: 8081, requestsToday: 0, ollama: { state: 'running' }, pinned: { mode: 'LYNKR_MODE', 'server.port': 'PORT' } },
      startAtLogin: false,
      update: 'idle',
    });
    const labels = buildTrayMenu(s).map((i) => i.label);
    expect(labels).toContain('Mode (LYNKR_MODE resets it at restart)');
    expect(labels).not.toContain('Mode');
  });

  it('a mode that would leave aliases without a target says which, before it is clicked', () => {
    const s = trayStateFrom({
      phase: 'running',
      port: 8081,
      status: { mode: 'auto', port: 8081, requestsToday: 0, ollama: { state: 'running' }, unroutedByMode: { cloud: ['chat-fast', 'auto'], local: [] } },
      startAtLogin: false,
      update: 'idle',
    });
    const menu = buildTrayMenu(s);
    expect(byAction(menu, 'mode:cloud')?.label).toBe('Cloud — no target for chat-fast, auto');
    expect(byAction(menu, 'mode:local')?.label).toBe('Local');
    expect(byAction(menu, 'mode:auto')?.label).toBe('Auto');
    const many = buildTrayMenu({ ...s, unroutedByMode: { local: ['a', 'b', 'c', 'd', 'e'] } });
    expect(byAction(many, 'mode:local')?.label).toBe('Local — no target for a, b, c +2');
    // The current mode's item carries no warning: its aliases' errors show up in requests, not as a prediction.
    expect(byAction(buildTrayMenu({ ...s, mode: 'cloud' }), 'mode:cloud')?.label).toBe('Cloud');
  });

  it('builds the URLs the copy items put on the clipboard', () => {
    expect(gatewayUrls(8081)).toEqual({ baseUrl: 'http://localhost:8081/v1', dockerBaseUrl: 'http://host.docker.internal:8081/v1' });
  });
});
