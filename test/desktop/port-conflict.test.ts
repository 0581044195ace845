import { existsSync } from 'node:fs';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  describePortConflict,
  findFreePort,
  findPortOwner,
  isAddrInUse,
  parseLsof,
  parseNetstat,
  parseSs,
  parseTasklist,
  type Exec,
} from '../../main/desktop/port-conflict.js';

const hasPortTool = ['/usr/bin/ss', '/bin/ss', '/usr/sbin/ss', '/usr/bin/lsof'].some((f) => existsSync(f));
const servers: net.Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise<void>((r) => s.close(() => r()));
});
async function occupy(port = 0): Promise<number> {
  const s = net.createServer();
  servers.push(s);
  await new Promise<void>((resolve, reject) => {
    s.once('error', reject);
    s.listen(port, '127.0.0.1', resolve);
  });
  return (s.address() as net.AddressInfo).port;
}

describe('parsing the OS tools', () => {
  it('ss -ltnpH', () => {
    const out = [
      'LISTEN 0      4096       127.0.0.53%lo:53         0.0.0.0:*',
      'LISTEN 0      511        127.0.0.1:8081      0.0.0.0:*    users:(("node",pid=4242,fd=23))',
      'LISTEN 0      511        [::]:18081          [::]:*    users:(("other",pid=1,fd=3))',
    ].join('\n');
    expect(parseSs(out, 8081)).toEqual({ name: 'node', pid: 4242 });
    expect(parseSs(out, 18081)).toEqual({ name: 'other', pid: 1 });
    // Another user's socket: ss lists it without users:(…).
    expect(parseSs('LISTEN 0 511 0.0.0.0:8081 0.0.0.0:*', 8081)).toEqual({});
    expect(parseSs(out, 9999)).toBeUndefined();
  });

  it('lsof -nP -iTCP -sTCP:LISTEN', () => {
    const out = [
      'COMMAND     PID USER   FD   TYPE DEVICE SIZE/OFF NODE NAME',
      'Docker\\x20D 777 me     9u  IPv6 0x1234      0t0  TCP *:18081 (LISTEN)',
      'python3   31337 me    3u  IPv4 0xabcd      0t0  TCP 127.0.0.1:8081 (LISTEN)',
    ].join('\n');
    expect(parseLsof(out, 8081)).toEqual({ name: 'python3', pid: 31337 });
    expect(parseLsof(out, 18081)).toEqual({ name: 'Docker D', pid: 777 });
    expect(parseLsof(out, 1)).toBeUndefined();
  });

  it('netstat -ano and tasklist on Windows', async () => {
    const netstat = [
      '  Proto  Local Address          Foreign Address        State           PID',
      '  TCP    0.0.0.0:135            0.0.0.0:0              LISTENING       948',
      '  TCP    127.0.0.1:8081         0.0.0.0:0              LISTENING       5120',
      '  TCP    127.0.0.1:8081         127.0.0.1:50000        ESTABLISHED     5120',
    ].join('\r\n');
    expect(parseNetstat(netstat, 8081)).toEqual({ pid: 5120 });
    expect(parseTasklist('"LM Studio.exe","5120","Console","1","250,000 K"\r\n')).toBe('LM Studio.exe');
    const calls: string[] = [];
    const exec: Exec = async (file, args) => {
      calls.push([file, ...args].join(' '));
      return file === 'netstat' ? netstat : '"LM Studio.exe","5120","Console","1","250,000 K"';
    };
    expect(await findPortOwner(8081, 'win32', exec)).toEqual({ pid: 5120, name: 'LM Studio.exe' });
    expect(calls).toEqual(['netstat -ano -p tcp', 'tasklist /FI PID eq 5120 /FO CSV /NH']);
  });

  it('falls back to lsof on Linux when ss does not know the process', async () => {
    const exec: Exec = async (file) =>
      file === 'ss' ? 'LISTEN 0 511 127.0.0.1:8081 0.0.0.0:*' : 'COMMAND PID USER FD TYPE DEVICE SIZE/OFF NODE NAME\nollama 99 u 3u IPv4 1 0t0 TCP 127.0.0.1:8081 (LISTEN)';
    expect(await findPortOwner(8081, 'linux', exec)).toEqual({ name: 'ollama', pid: 99 });
    const none: Exec = async () => '';
    expect(await findPortOwner(8081, 'darwin', none)).toBeUndefined();
  });
});

describe('port conflicts for real', () => {
  it('recognises EADDRINUSE from a real bind, directly or as a cause', async () => {
    const port = await occupy();
    const err = await new Promise<unknown>((resolve) => {
      const s = net.createServer();
      s.once('error', resolve);
      s.listen(port, '127.0.0.1');
    });
    expect(isAddrInUse(err)).toBe(true);
    expect(isAddrInUse(new Error('wrapped', { cause: err }))).toBe(true);
    expect(isAddrInUse(new Error('ECONNREFUSED'))).toBe(false);
  });

  // Needs iproute2's ss or lsof (both in the CI image); without them the owner is honestly unknown (tested below).
  it.runIf(hasPortTool)('names this very process as the owner of a port it holds (ss on this machine)', async () => {
    const port = await occupy();
    const owner = await findPortOwner(port, 'linux');
    expect(owner?.pid).toBe(process.pid);
    expect(owner?.name).toMatch(/node/);
    expect(describePortConflict(port, owner, port + 1)).toBe(`Port ${port} is already in use by ${owner!.name} (pid ${process.pid}). Port ${port + 1} is free.`);
  });

  it('describes an unknown owner honestly', () => {
    expect(describePortConflict(8081, undefined)).toBe('Port 8081 is already in use by another program (the system did not say which).');
    expect(describePortConflict(8081, { pid: 7 })).toBe('Port 8081 is already in use by process 7.');
  });

  it('findFreePort skips occupied ports', async () => {
    const a = await occupy();
    // Occupy the next port too, if it is free, so the search has to skip two.
    const b = await occupy(a + 1).catch(() => a + 1);
    const free = await findFreePort(a);
    expect(free).toBeGreaterThan(b);
    await occupy(free); // really bindable
  });
});
