// Graceful shutdown (SIGTERM, Quit): stop accepting, let in-flight responses finish within a grace period,
// then end the remaining streams with a proper error event in their own format, stop the upstream calls behind
// them, wait for their request-log rows, close every socket, and finally run the close hooks (the database) once
// nothing can write any more.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { GatewayError } from '../core/errors.js';
import { openAIErrorBody } from './openai-chat/render.js';

export type AbortWithError = (err: GatewayError) => void;
export interface Abortable {
  abort(err: GatewayError): void;
}

export interface ShutdownOptions {
  graceMs: number;
  /** After the grace period, how long ended streams get to flush their error event before sockets are cut. */
  flushMs?: number;
  /** Body for a non-streaming request still waiting at the deadline, or one arriving while draining: `req` says
   * which client format to answer in. */
  renderError?: (err: GatewayError, req: IncomingMessage) => { status: number; body: unknown };
  log?: (msg: string, data?: Record<string, unknown>) => void;
}

export interface ShutdownReport {
  /** Responses that finished on their own during the grace period. */
  finished: number;
  /** Streams ended with an error event at the deadline. */
  aborted: number;
  /** Non-streaming responses answered 503 (or cut) at the deadline. */
  cut: number;
  /** Work items (see beginWork) still open when the close hooks ran: rows the request log missed. */
  unrecorded: number;
  hookErrors: string[];
}

export interface Shutdown {
  /** Starts tracking every request the server receives. */
  addServer(server: Server): void;
  /** Express-compatible, mount first: refuses requests that arrived after the drain began with 503. */
  track(req: IncomingMessage, res: ServerResponse, next: () => void): void;
  /** A streaming response registers how to end itself with an error event (its format's encoder). */
  registerStream(res: ServerResponse, abortWithError: AbortWithError): void;
  /**
   * Work that can outlive its response: a pipeline call whose row reaches the request log only when its upstream
   * call ends. At the deadline `work.abort` stops it (an AbortController will do); the close hooks wait (up to flushMs)
   * until `endWork(key)`, which says whether the shutdown was what stopped it.
   */
  beginWork(key: string, work: Abortable): void;
  endWork(key: string): boolean;
  /** Runs after the servers closed, in order (e.g. close the database). */
  onClosed(hook: () => void | Promise<void>): void;
  readonly draining: boolean;
  /** Idempotent: a second call returns the same promise. */
  shutdown(): Promise<ShutdownReport>;
}

export const shuttingDownError = (): GatewayError =>
  new GatewayError({
    kind: 'unavailable',
    status: 503,
    code: 'shutting_down',
    message: 'The gateway is shutting down',
    retryAfterMs: 1000,
  });

const defaultRender = (err: GatewayError): { status: number; body: unknown } => ({ status: err.status, body: openAIErrorBody(err) });

export function createShutdown(opts: ShutdownOptions): Shutdown {
  const servers = new Set<Server>();
  // Every response from the moment its request arrives (the servers' 'request' event, before any middleware).
  const inFlight = new Map<ServerResponse, AbortWithError | undefined>();
  const lateArrivals = new WeakSet<ServerResponse>();
  const work = new Map<string, Abortable>();
  let stopped: Set<string> | undefined;
  const hooks: (() => void | Promise<void>)[] = [];
  const render = opts.renderError ?? defaultRender;
  let draining = false;
  let result: Promise<ShutdownReport> | undefined;
  let allDone: (() => void) | undefined;

  function sendJsonError(res: ServerResponse, err: GatewayError): void {
    const { status, body } = render(err, res.req);
    res.writeHead(status, { 'content-type': 'application/json', connection: 'close', 'retry-after': '1' });
    res.end(JSON.stringify(body));
  }

  function register(res: ServerResponse): void {
    if (inFlight.has(res) || res.writableFinished) return;
    if (draining) lateArrivals.add(res);
    inFlight.set(res, undefined);
    res.once('close', () => onDone(res));
  }

  function onDone(res: ServerResponse): void {
    if (!inFlight.delete(res)) return;
    if (!draining) return;
    // The socket just went idle; don't let keep-alive hold it open.
    for (const s of servers) s.closeIdleConnections();
    allDone?.();
  }

  /** Resolves when `idle()` holds (checked on every finished response or work item) or after `ms`. */
  function waitUntil(idle: () => boolean, ms: number): Promise<void> {
    if (idle()) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      allDone = () => {
        if (!idle()) return;
        clearTimeout(timer);
        resolve();
      };
    });
  }

  async function run(): Promise<ShutdownReport> {
    draining = true;
    const closed = [...servers].map((s) => new Promise<void>((resolve) => s.close(() => resolve())));
    for (const s of servers) s.closeIdleConnections();
    const before = inFlight.size;
    opts.log?.('shutdown: draining', { inFlight: before, graceMs: opts.graceMs });

    await waitUntil(() => inFlight.size === 0, opts.graceMs);
    const finished = before - inFlight.size;

    let aborted = 0;
    let cut = 0;
    const err = shuttingDownError();
    for (const [res, abort] of [...inFlight]) {
      try {
        if (abort) {
          abort(err);
          aborted++;
          if (!res.writableEnded) res.end();
        } else {
          cut++;
          if (!res.headersSent) sendJsonError(res, err);
          else res.destroy();
        }
      } catch {
        res.destroy();
      }
    }
    // The streams just ended keep their upstream call open until its next chunk: stop those calls now, so that
    // their rows reach the request log before the close hooks shut it.
    stopped = new Set(work.keys());
    for (const w of [...work.values()]) w.abort(err);
    await waitUntil(() => inFlight.size === 0 && work.size === 0, opts.flushMs ?? 500);
    for (const s of servers) s.closeAllConnections();
    await Promise.all(closed);

    const hookErrors: string[] = [];
    for (const hook of hooks) {
      try {
        await hook();
      } catch (e) {
        hookErrors.push(e instanceof Error ? e.message : String(e));
      }
    }
    const report = { finished, aborted, cut, unrecorded: work.size, hookErrors };
    opts.log?.('shutdown: done', { ...report });
    return report;
  }

  return {
    addServer(s) {
      servers.add(s);
      s.on('request', (_req: IncomingMessage, res: ServerResponse) => register(res));
    },
    track(req, res, next) {
      register(res);
      // Requests that arrived before the drain began are served; later ones (on an open socket) are not.
      if (lateArrivals.has(res)) {
        req.resume();
        sendJsonError(res, shuttingDownError());
        return;
      }
      next();
    },
    registerStream(res, abortWithError) {
      if (inFlight.has(res)) inFlight.set(res, abortWithError);
    },
    beginWork(key, w) {
      work.set(key, w);
    },
    endWork(key) {
      if (!work.delete(key) || !draining) return false;
      allDone?.();
      return stopped?.has(key) === true;
    },
    onClosed: (hook) => void hooks.push(hook),
    get draining() {
      return draining;
    },
    shutdown() {
      result ??= run();
      return result;
    },
  };
}
