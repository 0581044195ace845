// Listens on every address of a bind plan (one http.Server each, same handler). The first address is
// required; later ones are skipped if the OS lacks them (no IPv6), but a port taken there is an error, since
// clients resolving `localhost` to ::1 would otherwise reach someone else's server.
import type { Server } from 'node:http';

export interface Listening {
  servers: Server[];
  port: number;
  /** Addresses we could not use and why (for the log). */
  skipped: { address: string; reason: string }[];
}

const SKIPPABLE = new Set(['EADDRNOTAVAIL', 'EAFNOSUPPORT']);

export class ListenError extends Error {
  readonly code: string;
  constructor(code: string, message: string, cause: unknown) {
    super(message, { cause });
    this.name = 'ListenError';
    this.code = code;
  }
}

function listenOnce(server: Server, port: number, address: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.once('error', onError);
    server.listen(port, address, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

function describe(code: string, address: string, port: number): string {
  const where = `${address.includes(':') ? `[${address}]` : address}:${port}`;
  if (code === 'EADDRINUSE') {
    return `Cannot listen on ${where}: the port is already in use (EADDRINUSE). Another Lynkr or another program is using it; stop it or choose another port (server.port / PORT).`;
  }
  if (code === 'EACCES') return `Cannot listen on ${where}: permission denied (EACCES); ports below 1024 need privileges.`;
  if (code === 'EADDRNOTAVAIL') return `Cannot listen on ${where}: this machine has no such address (EADDRNOTAVAIL); check HOST.`;
  return `Cannot listen on ${where}: ${code}`;
}

export async function listenAll(makeServer: () => Server, addresses: readonly string[], port: number): Promise<Listening> {
  const servers: Server[] = [];
  const skipped: Listening['skipped'] = [];
  let actualPort = port;
  try {
    for (const [i, address] of addresses.entries()) {
      const server = makeServer();
      try {
        await listenOnce(server, actualPort, address);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code ?? 'UNKNOWN';
        if (i > 0 && SKIPPABLE.has(code)) {
          skipped.push({ address, reason: code });
          continue;
        }
        throw new ListenError(code, describe(code, address, actualPort), e);
      }
      servers.push(server);
      const addr = server.address();
      if (addr && typeof addr === 'object') actualPort = addr.port;
    }
  } catch (e) {
    await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
    throw e;
  }
  return { servers, port: actualPort, skipped };
}
