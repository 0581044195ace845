// Moving the gateway to another set of addresses (the Allow Docker switch, a new port or HOST) without cutting
// the admin request that asked for it. Servers on addresses that stay are kept, and new listeners open before
// old ones close, except where the two would clash on one port (0.0.0.0 covers 127.0.0.1): those old ones stop
// accepting first, and reopen if the new listen fails.
import type { Server, ServerResponse } from 'node:http';
import { listenAll } from './security/listen.js';

export interface ListenerSet {
  servers: Server[];
  port: number;
}

const WILDCARDS = new Set(['0.0.0.0', '::']);

/** Two listeners on one port clash when they share the address or either one is a wildcard. */
const clash = (a: string, b: string): boolean => a === b || WILDCARDS.has(a) || WILDCARDS.has(b);

export function hostOf(s: Server): string {
  const a = s.address();
  return a && typeof a === 'object' ? a.address : '';
}

/** `127.0.0.1:8081` or `[::1]:8081`, for the status page. */
export function addressOf(s: Server): string {
  const a = s.address();
  if (!a || typeof a === 'string') return String(a);
  return a.family === 'IPv6' ? `[${a.address}]:${a.port}` : `${a.address}:${a.port}`;
}

/** Stops accepting. Requests already on its sockets finish, and their connections close after the response. */
function retire(s: Server): void {
  s.prependListener('request', (_req, res: ServerResponse) => {
    res.shouldKeepAlive = false;
  });
  s.close();
  s.closeIdleConnections();
}

/**
 * Listens on `addresses` at port `wanted`. Always returns the set that is listening now; `error` is set when the
 * new listen failed, in which case the old listeners are what is left (the clashing ones reopened).
 */
export async function switchListeners(
  current: ListenerSet,
  addresses: readonly string[],
  wanted: number,
  makeServer: () => Server,
): Promise<{ set: ListenerSet; error?: unknown }> {
  const samePort = wanted === current.port;
  const keep = samePort ? current.servers.filter((s) => addresses.includes(hostOf(s))) : [];
  const going = current.servers.filter((s) => !keep.includes(s));
  const add = addresses.filter((a) => !keep.some((s) => hostOf(s) === a));
  const blocking = samePort ? going.filter((s) => add.some((a) => clash(a, hostOf(s)))) : [];
  const blockingHosts = blocking.map(hostOf);
  blocking.forEach(retire);
  try {
    const listening = add.length ? await listenAll(makeServer, add, wanted) : undefined;
    for (const s of going) if (!blocking.includes(s)) retire(s);
    return { set: { servers: [...keep, ...(listening?.servers ?? [])], port: listening?.port ?? current.port } };
  } catch (error) {
    const back = blocking.length ? await listenAll(makeServer, blockingHosts, current.port).catch(() => undefined) : undefined;
    const left = current.servers.filter((s) => !blocking.includes(s));
    return { set: { servers: [...left, ...(back?.servers ?? [])], port: current.port }, error };
  }
}
