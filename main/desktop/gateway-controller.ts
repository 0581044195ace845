// The gateway's lifecycle inside the desktop app: start, pause (close the listener), resume, and the
// port-in-use path (name the other process, offer the next free port). Electron-free; port-conflict-prompt.ts
// asks the user what to do.
import type { GatewayPhase } from './tray-model.js';
import { describePortConflict, findFreePort, findPortOwner, isAddrInUse, type PortOwner } from './port-conflict.js';

/** What cli/start.ts's startGateway returns (only what the desktop uses). */
export interface GatewayHandle {
  baseUrl: string;
  uiUrl: string;
  port: number;
  adminToken: string;
  close(): Promise<void>;
}

export type StartGateway = (port: number | undefined) => Promise<GatewayHandle>;

export interface PortConflict {
  port: number;
  owner?: PortOwner;
  freePort?: number;
  message: string;
}

export interface ControllerState {
  phase: GatewayPhase;
  gateway?: GatewayHandle;
  /** The port asked for when the start failed, or the one we run on. */
  port?: number;
  error?: string;
  conflict?: PortConflict;
}

export interface GatewayControllerDeps {
  start: StartGateway;
  /** The port the settings ask for (used to describe conflicts and to search for a free one). */
  configuredPort: () => number;
  findOwner?: (port: number) => Promise<PortOwner | undefined>;
  findFree?: (start: number) => Promise<number>;
  onChange?: (s: ControllerState) => void;
}

export interface GatewayController {
  state(): ControllerState;
  /** Starts on `port` (default: the configured one). Never throws: failures land in state().error/conflict. */
  start(port?: number): Promise<ControllerState>;
  pause(): Promise<ControllerState>;
  resume(): Promise<ControllerState>;
  stop(): Promise<void>;
  /** Forget an explicitly chosen port: the next (re)start uses the settings' port again. */
  forgetPort(): void;
}

export function createGatewayController(deps: GatewayControllerDeps): GatewayController {
  const findOwner = deps.findOwner ?? ((port: number) => findPortOwner(port));
  const findFree = deps.findFree ?? ((p: number) => findFreePort(p));
  let state: ControllerState = { phase: 'stopped' };
  /** The port explicitly chosen (e.g. the free port offered after a conflict); undefined = the settings' port. */
  let requested: number | undefined;
  // Serialise lifecycle calls: a click on Pause during a start must wait for the start.
  let queue: Promise<unknown> = Promise.resolve();
  const set = (next: ControllerState): ControllerState => {
    state = next;
    deps.onChange?.(state);
    return state;
  };
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = queue.then(fn, fn);
    queue = run.catch(() => undefined);
    return run;
  };

  async function doStart(port: number | undefined): Promise<ControllerState> {
    if (state.gateway) return state;
    requested = port;
    const wanted = port ?? deps.configuredPort();
    set({ phase: 'starting', port: wanted });
    try {
      const gateway = await deps.start(port);
      return set({ phase: 'running', gateway, port: gateway.port });
    } catch (err) {
      if (isAddrInUse(err)) {
        const [owner, freePort] = await Promise.all([
          findOwner(wanted).catch(() => undefined),
          findFree(wanted + 1).catch(() => undefined),
        ]);
        const message = describePortConflict(wanted, owner, freePort);
        return set({ phase: 'stopped', port: wanted, error: `port ${wanted} is in use`, conflict: { port: wanted, owner, freePort, message } });
      }
      return set({ phase: 'stopped', port: wanted, error: err instanceof Error ? err.message : String(err) });
    }
  }

  async function doClose(phase: GatewayPhase): Promise<ControllerState> {
    const gw = state.gateway;
    if (gw) await gw.close();
    return set({ phase, port: state.port });
  }

  return {
    state: () => state,
    start: (port) => serial(() => doStart(port)),
    pause: () => serial(() => (state.phase === 'running' ? doClose('paused') : Promise.resolve(state))),
    resume: () => serial(() => (state.phase === 'paused' ? doStart(requested) : Promise.resolve(state))),
    stop: () => serial(async () => void (await doClose('stopped'))),
    forgetPort: () => void (requested = undefined),
  };
}
