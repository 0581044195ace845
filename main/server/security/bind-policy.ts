// Where the gateway listens. Default: loopback only. Anything wider takes an explicit setting (HOST, or the
// "Allow Docker containers" switch), and even then we prefer the docker bridge address over 0.0.0.0.
import { isIP } from 'node:net';
import os from 'node:os';

export interface BindSettings {
  /** Settings' `server.host`; anything other than the loopback defaults counts as an explicit HOST. */
  host: string;
  allowDocker: boolean;
}

type Interfaces = Partial<Record<string, os.NetworkInterfaceInfo[]>>;

/** What the policy looks at; injectable so tests can play Linux/macOS with or without docker0. */
export interface BindEnv {
  platform: NodeJS.Platform;
  interfaces: Interfaces;
}

export interface BindPlan {
  /** Addresses to listen on, in order; the first one is required, the others are best effort. */
  addresses: string[];
  /** The docker bridge address we listen on (also an allowed Host name), if any. */
  bridgeAddress?: string;
  /** Why these addresses, for the log and the status page. */
  reason: string;
}

const DEFAULT_BRIDGE = '172.17.0.1';
const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

export function currentBindEnv(): BindEnv {
  return { platform: process.platform, interfaces: os.networkInterfaces() };
}

function hasAddress(ifaces: Interfaces, address: string): boolean {
  return Object.values(ifaces).some((list) => (list ?? []).some((i) => i.address === address));
}

/** The IPv4 address of `docker0`, else 172.17.0.1 if some interface has it (e.g. a renamed bridge). */
export function dockerBridgeAddress(ifaces: Interfaces): string | undefined {
  const docker0 = (ifaces['docker0'] ?? []).find((i) => i.family === 'IPv4');
  if (docker0) return docker0.address;
  return hasAddress(ifaces, DEFAULT_BRIDGE) ? DEFAULT_BRIDGE : undefined;
}

function loopbackAddresses(ifaces: Interfaces): string[] {
  // ::1 only where the OS has it (containers and some CI hosts run IPv4-only).
  return hasAddress(ifaces, '::1') ? ['127.0.0.1', '::1'] : ['127.0.0.1'];
}

export function planBind(settings: BindSettings, env: BindEnv = currentBindEnv()): BindPlan {
  const host = settings.host.trim();
  if (!LOOPBACK_NAMES.has(host.toLowerCase())) {
    const address = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
    return { addresses: [address], reason: `explicit HOST ${address}` };
  }
  const loopback = loopbackAddresses(env.interfaces);
  if (!settings.allowDocker) return { addresses: loopback, reason: 'loopback only (default)' };
  if (env.platform !== 'linux') {
    // Docker Desktop (macOS/Windows) forwards host.docker.internal to the host's loopback.
    return { addresses: loopback, reason: 'Docker Desktop reaches the host through loopback' };
  }
  const bridge = dockerBridgeAddress(env.interfaces);
  if (bridge) {
    return { addresses: [...loopback, bridge], bridgeAddress: bridge, reason: `loopback and the docker bridge ${bridge}` };
  }
  return {
    addresses: ['0.0.0.0'],
    reason: 'Allow Docker is on but no docker0 bridge was found (rootless Docker/Podman?): listening on 0.0.0.0; non-loopback clients need the gateway key',
  };
}

/** 127.0.0.0/8, ::1 and their IPv4-mapped forms. Undefined (a destroyed socket) is not loopback. */
export function isLoopback(remoteAddress: string | undefined): boolean {
  if (!remoteAddress) return false;
  let addr = remoteAddress.toLowerCase();
  if (addr.startsWith('::ffff:')) addr = addr.slice(7);
  if (addr === '::1' || addr === '0:0:0:0:0:0:0:1') return true;
  return isIP(addr) === 4 && addr.startsWith('127.');
}
