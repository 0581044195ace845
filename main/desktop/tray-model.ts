// The tray menu as a pure function of state, so it is unit-tested without Electron. tray.ts turns these
// models into Electron menu items and calls setContextMenu again on every change (Linux AppIndicator only
// re-reads the menu when it is set again, and ignores clicks on the icon).
import type { Mode } from '../admin/contract.js';

export type GatewayPhase = 'starting' | 'running' | 'paused' | 'stopped';
export type UpdatePhase = 'disabled' | 'idle' | 'checking' | 'downloading' | 'ready';

export interface TrayState {
  gateway: GatewayPhase;
  port: number;
  mode: Mode;
  /** The variable that sets the mode at every start (LYNKR_MODE): a switch from the menu lasts until restart. */
  modePinnedBy?: string;
  /** undefined while unknown (first check not done yet). */
  ollamaUp?: boolean;
  /** The `ollama pull …` of a model the aliases name that Ollama lacks (StatusResponse.missingModels). */
  missingPull?: string;
  requestsToday: number;
  startAtLogin: boolean;
  update: UpdatePhase;
  /** Why the gateway is stopped (e.g. the port is taken). */
  error?: string;
  /** Aliases each other mode would leave without a target: its menu item says so before it is clicked. */
  unroutedByMode?: Partial<Record<Mode, string[]>>;
}

export type TrayActionId =
  | 'mode:local'
  | 'mode:cloud'
  | 'mode:auto'
  | 'copy-base-url'
  | 'copy-docker-url'
  | 'open-dashboard'
  | 'pause'
  | 'resume'
  | 'start-at-login'
  | 'check-updates'
  | 'install-update'
  | 'quit';

export interface MenuItemModel {
  type: 'normal' | 'separator' | 'radio' | 'checkbox';
  label?: string;
  enabled?: boolean;
  checked?: boolean;
  action?: TrayActionId;
}

const MODE_LABELS: Record<Mode, string> = { local: 'Local', cloud: 'Cloud', auto: 'Auto' };

export function statusLine(s: TrayState): string {
  if (s.gateway === 'starting') return `Gateway starting on :${s.port}…`;
  if (s.gateway === 'stopped') return `Gateway stopped${s.error ? `: ${s.error}` : ''}`;
  const head = s.gateway === 'paused' ? `Gateway paused (:${s.port})` : `Gateway on :${s.port}`;
  const ollama = s.ollamaUp === undefined ? 'Ollama …' : s.ollamaUp ? 'Ollama up' : 'Ollama down';
  const requests = `${s.requestsToday} request${s.requestsToday === 1 ? '' : 's'} today`;
  return [head, s.mode, ollama, ...(s.missingPull ? [`model missing: ${s.missingPull}`] : []), requests].join(' · ');
}

/** `Cloud — no target for chat-fast, auto`: a tray has no room for a confirm, so the item warns before the click. */
export function modeLabel(s: TrayState, m: Mode): string {
  const broken = s.mode === m ? [] : (s.unroutedByMode?.[m] ?? []);
  if (broken.length === 0) return MODE_LABELS[m];
  const shown = broken.length > 3 ? `${broken.slice(0, 3).join(', ')} +${broken.length - 3}` : broken.join(', ');
  return `${MODE_LABELS[m]} — no target for ${shown}`;
}

function updateItem(u: UpdatePhase): MenuItemModel {
  switch (u) {
    case 'disabled':
      return { type: 'normal', label: 'Check for updates (off in development)', enabled: false, action: 'check-updates' };
    case 'checking':
      return { type: 'normal', label: 'Checking for updates…', enabled: false, action: 'check-updates' };
    case 'downloading':
      return { type: 'normal', label: 'Downloading update…', enabled: false, action: 'check-updates' };
    case 'ready':
      return { type: 'normal', label: 'Restart to update', enabled: true, action: 'install-update' };
    case 'idle':
      return { type: 'normal', label: 'Check for updates', enabled: true, action: 'check-updates' };
  }
}

export function buildTrayMenu(s: TrayState): MenuItemModel[] {
  const serving = s.gateway === 'running' || s.gateway === 'paused';
  const sep: MenuItemModel = { type: 'separator' };
  return [
    { type: 'normal', label: statusLine(s), enabled: false },
    sep,
    { type: 'normal', label: s.modePinnedBy ? `Mode (${s.modePinnedBy} resets it at restart)` : 'Mode', enabled: false },
    ...(['local', 'cloud', 'auto'] as const).map(
      (m): MenuItemModel => ({ type: 'radio', label: modeLabel(s, m), checked: s.mode === m, enabled: serving, action: `mode:${m}` }),
    ),
    sep,
    { type: 'normal', label: 'Copy LibreChat base URL', enabled: true, action: 'copy-base-url' },
    { type: 'normal', label: 'Copy base URL for Docker', enabled: true, action: 'copy-docker-url' },
    { type: 'normal', label: 'Open dashboard', enabled: true, action: 'open-dashboard' },
    s.gateway === 'paused'
      ? { type: 'normal', label: 'Resume gateway', enabled: true, action: 'resume' }
      : { type: 'normal', label: 'Pause gateway', enabled: s.gateway === 'running', action: 'pause' },
    sep,
    { type: 'checkbox', label: 'Start at login', checked: s.startAtLogin, enabled: true, action: 'start-at-login' },
    updateItem(s.update),
    sep,
    { type: 'normal', label: 'Quit Lynkr Desktop', enabled: true, action: 'quit' },
  ];
}

/** The tray icon's tooltip (also the only text some Linux panels show). */
export function trayTooltip(s: TrayState): string {
  return `Lynkr Desktop — ${statusLine(s)}`;
}

/** What the tray shows, from the controller's phase and the last /admin/status answer. */
export function trayStateFrom(input: {
  phase: GatewayPhase;
  port: number;
  error?: string;
  status?: {
    mode: Mode;
    port: number;
    requestsToday: number;
    ollama: { state: string };
    missingModels?: { pullCommand: string }[];
    pinned?: Record<string, string>;
    unroutedByMode?: Partial<Record<Mode, string[]>>;
  };
  startAtLogin: boolean;
  update: UpdatePhase;
}): TrayState {
  const st = input.status;
  return {
    gateway: input.phase,
    port: input.phase === 'running' && st ? st.port : input.port,
    mode: st?.mode ?? 'auto',
    modePinnedBy: st?.pinned?.mode,
    ollamaUp: st ? st.ollama.state === 'running' : undefined,
    missingPull: st?.missingModels?.[0]?.pullCommand,
    requestsToday: st?.requestsToday ?? 0,
    startAtLogin: input.startAtLogin,
    update: input.update,
    error: input.error,
    unroutedByMode: st?.unroutedByMode,
  };
}
