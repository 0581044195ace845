// The gateway running inside the desktop app, as the tray and the window see it: its lifecycle
// (gateway-controller.ts), the admin client on its current port, its last status, and following it when the
// window moves it to another port. Electron-free: the tray and window hear of changes through callbacks.
import type { Mode, StatusResponse } from '../admin/contract.js';
import { gatewayUrls, type GatewayUrls } from '../core/urls.js';
import type { Settings } from '../settings/schema.js';
import { adminBaseFor, createAdminClient, waitForHealth, type AdminClient } from './admin-client.js';
import { createGatewayController, type ControllerState, type GatewayController, type GatewayHandle } from './gateway-controller.js';
import type { GatewayAccess } from './window-policy.js';

/** What the session needs of a started gateway (cli/start.ts's RunningGateway has it). */
export interface SessionGateway extends GatewayHandle {
  settings: { onChange(listener: (next: Settings, prev: Settings) => void): unknown };
}

export interface GatewaySessionDeps {
  start(port: number | undefined): Promise<SessionGateway>;
  /** The port the settings ask for. */
  configuredPort(): number;
  /** Every settings change (the desktop seals new keys here). */
  onSettingsChange(next: Settings, prev: Settings): void;
  /** The gateway started, paused, stopped or moved to another port: redraw the tray and reload the window. */
  onChange(): void;
  /** A status poll ended: redraw the tray. */
  onStatus(): void;
  /** How long to wait for the gateway to answer on its new port after a rebind (default 15 s). */
  rebindTimeoutMs?: number;
}

export interface GatewaySession {
  readonly controller: GatewayController;
  state(): ControllerState;
  /** The admin origin and token while a gateway runs or is paused. */
  access(): GatewayAccess | undefined;
  /** The port to show: where the gateway listens, else the one it was asked for. */
  port(): number;
  /** The last /admin/status answer while running. */
  status(): StatusResponse | undefined;
  pollStatus(): Promise<void>;
  setMode(mode: Mode): Promise<unknown>;
  /** The LibreChat URLs: the gateway's own answer when there is one, the same formula before the first poll. */
  urls(): GatewayUrls;
}

const DEFAULT_PORT = 8081;

/** A change the gateway answers by rebinding its listener (cli/start.ts). */
function rebinds(next: Settings['server'], prev: Settings['server']): boolean {
  return next.port !== prev.port || next.host !== prev.host || next.allowDocker !== prev.allowDocker;
}

export function createGatewaySession(deps: GatewaySessionDeps): GatewaySession {
  let running: SessionGateway | undefined;
  /** Where the gateway listens now: set at start and when it rebinds after a port change. */
  let listenPort: number | undefined;
  let admin: AdminClient | undefined;
  let lastStatus: StatusResponse | undefined;

  const connect = (gw: SessionGateway, port: number): void => {
    listenPort = port;
    admin = createAdminClient(adminBaseFor(port), gw.adminToken);
  };

  const controller = createGatewayController({
    configuredPort: deps.configuredPort,
    start: async (port) => {
      const gw = await deps.start(port);
      running = gw;
      connect(gw, gw.port);
      gw.settings.onChange((next, prev) => {
        deps.onSettingsChange(next, prev);
        if (rebinds(next.server, prev.server)) void followRebind(next.server.port);
      });
      return gw;
    },
    onChange: (s) => {
      // A paused gateway keeps its token and status for the window; a stopped or restarting one has none.
      if (s.phase !== 'running' && s.phase !== 'paused') {
        running = undefined;
        lastStatus = undefined;
      }
      deps.onChange();
    },
  });

  async function pollStatus(): Promise<void> {
    if (!admin || controller.state().phase !== 'running') return deps.onStatus();
    try {
      lastStatus = await admin.status();
    } catch {
      // Keep the last known status; the next poll retries.
    }
    deps.onStatus();
  }

  /** The gateway rebinds itself after a port/host/Docker change made in the window: talk to the new port. */
  async function followRebind(port: number): Promise<void> {
    // A later resume uses the settings' port.
    controller.forgetPort();
    if (port === 0 || port === listenPort) return;
    await waitForHealth(adminBaseFor(port), deps.rebindTimeoutMs ?? 15_000);
    if (!running) return;
    connect(running, port);
    lastStatus = undefined;
    await pollStatus();
    deps.onChange();
  }

  return {
    controller,
    state: () => controller.state(),
    access: () => (running && listenPort !== undefined ? { origin: adminBaseFor(listenPort), token: running.adminToken } : undefined),
    port: () => listenPort ?? controller.state().port ?? DEFAULT_PORT,
    status: () => lastStatus,
    pollStatus,
    setMode: async (mode) => admin?.setMode(mode),
    urls: () => {
      const fallback = gatewayUrls(listenPort ?? DEFAULT_PORT);
      return { baseUrl: lastStatus?.baseUrl ?? fallback.baseUrl, dockerBaseUrl: lastStatus?.dockerBaseUrl ?? fallback.dockerBaseUrl };
    },
  };
}
