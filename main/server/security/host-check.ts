// DNS-rebinding defence: a page on evil.example whose name re-resolves to 127.0.0.1 still sends
// `Host: evil.example`, so we answer only to names that mean "this machine". Any port is fine.
import { GatewayError } from '../../core/errors.js';
import { type Middleware, sendError } from './render.js';

export interface HostCheckOptions {
  /** Settings' `server.allowedHosts` (names or IPs, case-insensitive, no port). */
  allowedHosts?: readonly string[];
  /** The docker bridge address from the bind plan. */
  bridgeAddress?: string;
  /** Other addresses we listen on (an explicit HOST such as a LAN IP). Wildcards (0.0.0.0, ::) are ignored. */
  listenAddresses?: readonly string[];
}

const BUILT_IN = ['localhost', '127.0.0.1', '::1', 'host.docker.internal'];
const WILDCARDS = new Set(['0.0.0.0', '::', '']);

/** `Host` header → bare lowercase hostname: strips the port and IPv6 brackets. Undefined if malformed. */
export function hostnameOf(hostHeader: string | undefined): string | undefined {
  if (!hostHeader) return undefined;
  const h = hostHeader.trim().toLowerCase();
  if (h.startsWith('[')) {
    const end = h.indexOf(']');
    if (end < 0) return undefined;
    const rest = h.slice(end + 1);
    if (rest !== '' && !/^:\d{1,5}$/.test(rest)) return undefined;
    return h.slice(1, end);
  }
  const m = /^([^:\s/@]+)(?::\d{1,5})?$/.exec(h);
  // A trailing dot names the same host in DNS; browsers may send it.
  return m ? m[1].replace(/\.$/, '') : undefined;
}

function normalizeName(name: string): string {
  return (hostnameOf(name) ?? name.trim().toLowerCase()).replace(/^\[|\]$/g, '');
}

export function allowedHostSet(opts: HostCheckOptions): Set<string> {
  const names = [...BUILT_IN, ...(opts.allowedHosts ?? []), ...(opts.listenAddresses ?? [])];
  if (opts.bridgeAddress) names.push(opts.bridgeAddress);
  return new Set(names.map(normalizeName).filter((n) => !WILDCARDS.has(n) && n !== '*'));
}

export function isHostAllowed(hostHeader: string | undefined, allowed: ReadonlySet<string>): boolean {
  const name = hostnameOf(hostHeader);
  return name !== undefined && allowed.has(name);
}

/** Pass a getter to follow live settings (allowedHosts edited, the gateway rebound to another bridge). */
export function hostCheck(options: HostCheckOptions | (() => HostCheckOptions) = {}): Middleware {
  const current = typeof options === 'function' ? options : () => options;
  let built: HostCheckOptions | undefined;
  let allowed = new Set<string>();
  return (req, res, next) => {
    const opts = current();
    // Rebuilt when a field is a new value (settings replace their arrays when edited); a getter that builds fresh
    // arrays per call just rebuilds every time.
    if (!built || opts.allowedHosts !== built.allowedHosts || opts.bridgeAddress !== built.bridgeAddress || opts.listenAddresses !== built.listenAddresses) {
      built = opts;
      allowed = allowedHostSet(opts);
    }
    if (isHostAllowed(req.headers.host, allowed)) return next();
    // Never echo the Host back: it is attacker-controlled.
    const err = new GatewayError({
      kind: 'permission',
      status: 403,
      code: 'host_not_allowed',
      message: 'Host header not allowed; add the name to server.allowedHosts to use it',
    });
    sendError(req, res, err);
  };
}
