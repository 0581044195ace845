// Socket timeouts so a slow or silent client cannot hold a socket forever (slowloris), without cutting
// long streams. Node semantics (20+): headersTimeout/requestTimeout bound *receiving* the request only and
// are enforced by a sweep every connectionsCheckingInterval; keepAliveTimeout bounds an idle socket
// between requests; `server.timeout` is socket inactivity in both directions, so it must outlast the
// longest silence we allow from an upstream (first byte, or a gap between chunks).
import type { Server, ServerOptions } from 'node:http';

export interface TimeoutSettings {
  /** The whole request head must arrive within this. */
  headersTimeoutMs?: number;
  /** The whole request (head + body) must arrive within this; the response can take as long as it likes. */
  requestTimeoutMs?: number;
  keepAliveTimeoutMs?: number;
  /** How often Node sweeps for headers/request timeouts. */
  checkIntervalMs?: number;
  /** Upstream silences we tolerate (settings.server.*): the idle socket timeout is above all of them. */
  upstreamTimeoutMs?: number;
  firstByteTimeoutMs?: number;
  idleChunkTimeoutMs?: number;
}

export interface ResolvedTimeouts {
  headersTimeout: number;
  requestTimeout: number;
  keepAliveTimeout: number;
  connectionsCheckingInterval: number;
  socketIdleTimeout: number;
}

export function resolveTimeouts(t: TimeoutSettings = {}): ResolvedTimeouts {
  const headersTimeout = t.headersTimeoutMs ?? 10_000;
  // Above the idle-reuse windows of common clients (undici 4 s, httpx 5 s), so a client never reuses a socket
  // we are just closing (that race shows up as ECONNRESET on a POST, which clients do not retry).
  const keepAliveTimeout = t.keepAliveTimeoutMs ?? 15_000;
  const longestUpstreamSilence = Math.max(t.upstreamTimeoutMs ?? 120_000, t.firstByteTimeoutMs ?? 60_000, t.idleChunkTimeoutMs ?? 60_000);
  return {
    headersTimeout,
    // Node requires requestTimeout >= headersTimeout; 60 s is ample for a 20 MB body on loopback/LAN.
    requestTimeout: Math.max(headersTimeout, t.requestTimeoutMs ?? 60_000),
    keepAliveTimeout,
    connectionsCheckingInterval: t.checkIntervalMs ?? Math.min(1_000, headersTimeout),
    socketIdleTimeout: longestUpstreamSilence + 30_000,
  };
}

/** Options for `http.createServer(options, app)`: the checking interval can only be set there. */
export function httpServerOptions(t: TimeoutSettings = {}): ServerOptions {
  const r = resolveTimeouts(t);
  return {
    headersTimeout: r.headersTimeout,
    requestTimeout: r.requestTimeout,
    keepAliveTimeout: r.keepAliveTimeout,
    connectionsCheckingInterval: r.connectionsCheckingInterval,
    requireHostHeader: true,
  };
}

/** Applies the timeouts to an existing server (all but the checking interval, which is fixed at creation). */
export function applyTimeouts(server: Server, t: TimeoutSettings = {}): ResolvedTimeouts {
  const r = resolveTimeouts(t);
  server.headersTimeout = r.headersTimeout;
  server.requestTimeout = r.requestTimeout;
  server.keepAliveTimeout = r.keepAliveTimeout;
  // With no 'timeout' listener Node destroys the idle socket.
  server.setTimeout(r.socketIdleTimeout);
  return r;
}

/**
 * For a response that may legitimately stay silent longer than the idle socket timeout (an Ollama pull while
 * it verifies a large download): exempt its socket. The socket is still closed when the response ends.
 */
export function exemptFromIdleTimeout(res: { socket: { setTimeout(ms: number): unknown } | null }): void {
  res.socket?.setTimeout(0);
}
