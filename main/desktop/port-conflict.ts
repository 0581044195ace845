// When our port is taken: say which program holds it (where the OS tells us) and offer the next free port.
import { execFile } from 'node:child_process';
import net from 'node:net';

export interface PortOwner {
  pid?: number;
  name?: string;
}

/** Runs a command and resolves with its stdout ('' when it fails or is missing). Injected in tests. */
export type Exec = (file: string, args: string[]) => Promise<string>;

export const systemExec: Exec = (file, args) =>
  new Promise((resolve) => {
    execFile(file, args, { timeout: 2_000, windowsHide: true, maxBuffer: 1024 * 1024 }, (err, stdout) => resolve(err && !stdout ? '' : String(stdout)));
  });

export function isAddrInUse(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const e = err as { code?: unknown; message?: unknown; cause?: unknown };
  if (e.code === 'EADDRINUSE') return true;
  if (typeof e.message === 'string' && e.message.includes('EADDRINUSE')) return true;
  return e.cause !== undefined && e.cause !== err && isAddrInUse(e.cause);
}

const endsWithPort = (addr: string, port: number): boolean => addr.endsWith(`:${port}`);

/** `ss -ltnpH` lines: `LISTEN 0 511 127.0.0.1:8081 0.0.0.0:* users:(("node",pid=1234,fd=20))`. */
export function parseSs(output: string, port: number): PortOwner | undefined {
  for (const line of output.split('\n')) {
    const cols = line.trim().split(/\s+/);
    const local = cols.find((c, i) => i >= 3 && /:\d+$/.test(c));
    if (!local || !endsWithPort(local, port)) continue;
    const m = /users:\(\("([^"]+)",pid=(\d+)/.exec(line);
    return m ? { name: m[1], pid: Number(m[2]) } : {};
  }
  return undefined;
}

/** `lsof -nP -iTCP:8081 -sTCP:LISTEN` output: a header, then `node 1234 me 20u IPv4 … TCP 127.0.0.1:8081 (LISTEN)`. */
export function parseLsof(output: string, port: number): PortOwner | undefined {
  for (const line of output.split('\n').slice(1)) {
    const cols = line.trim().split(/\s+/);
    if (cols.length < 9 || !line.includes(`:${port} (LISTEN)`)) continue;
    // lsof escapes spaces in command names as \x20.
    return { name: cols[0]!.replace(/\\x20/g, ' '), pid: Number(cols[1]) };
  }
  return undefined;
}

/** `netstat -ano -p tcp` lines: `TCP    127.0.0.1:8081    0.0.0.0:0    LISTENING    1234`. */
export function parseNetstat(output: string, port: number): PortOwner | undefined {
  for (const line of output.split('\n')) {
    const cols = line.trim().split(/\s+/);
    if (cols[0] !== 'TCP' || !cols[1] || !endsWithPort(cols[1], port) || cols[3] !== 'LISTENING') continue;
    return { pid: Number(cols[4]) };
  }
  return undefined;
}

/** `tasklist /FI "PID eq 1234" /FO CSV /NH`: `"node.exe","1234","Console","1","50,000 K"`. */
export function parseTasklist(output: string): string | undefined {
  return /^"([^"]+)","\d+"/m.exec(output.trim())?.[1];
}

export async function findPortOwner(port: number, platform: NodeJS.Platform = process.platform, exec: Exec = systemExec): Promise<PortOwner | undefined> {
  if (platform === 'win32') {
    const owner = parseNetstat(await exec('netstat', ['-ano', '-p', 'tcp']), port);
    if (owner?.pid) owner.name = parseTasklist(await exec('tasklist', ['/FI', `PID eq ${owner.pid}`, '/FO', 'CSV', '/NH']));
    return owner;
  }
  if (platform === 'linux') {
    const owner = parseSs(await exec('ss', ['-ltnpH', `sport = :${port}`]), port);
    // ss shows no process for other users' sockets; lsof may know more (or just the same).
    if (owner?.pid) return owner;
    return parseLsof(await exec('lsof', ['-nP', `-iTCP:${port}`, '-sTCP:LISTEN']), port) ?? owner;
  }
  return parseLsof(await exec('lsof', ['-nP', `-iTCP:${port}`, '-sTCP:LISTEN']), port);
}

export function describePortConflict(port: number, owner: PortOwner | undefined, freePort?: number): string {
  const who = owner?.name
    ? `${owner.name}${owner.pid ? ` (pid ${owner.pid})` : ''}`
    : owner?.pid
      ? `process ${owner.pid}`
      : 'another program (the system did not say which)';
  const offer = freePort === undefined ? '' : ` Port ${freePort} is free.`;
  return `Port ${port} is already in use by ${who}.${offer}`;
}

function canListen(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', () => resolve(false));
    srv.listen({ port, host, exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

/** The first port from `start` upwards that can be bound on `host`. */
export async function findFreePort(start: number, host = '127.0.0.1', maxTries = 100): Promise<number> {
  for (let port = Math.max(1, start); port < Math.min(65536, start + maxTries); port++) {
    if (await canListen(port, host)) return port;
  }
  throw new Error(`no free port between ${start} and ${start + maxTries - 1}`);
}
