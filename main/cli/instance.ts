// Which gateway runs on a data dir. A second gateway on another port (`npm start -- --port 8082` while the first
// runs) would silently share the first one's settings, admin token, request log and cache: <dataDir>/gateway.json
// names the running one, so the second can say so and how to keep them apart (--data-dir).
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface InstanceRecord {
  pid: number;
  port: number;
  startedAt: number;
}

export const instanceFile = (dataDir: string): string => join(dataDir, 'gateway.json');

/** Signal 0 checks that a process exists without touching it; EPERM means it exists under another user. */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function read(dataDir: string): InstanceRecord | undefined {
  try {
    const r = JSON.parse(readFileSync(instanceFile(dataDir), 'utf8')) as Partial<InstanceRecord>;
    return typeof r.pid === 'number' && typeof r.port === 'number' ? { pid: r.pid, port: r.port, startedAt: r.startedAt ?? 0 } : undefined;
  } catch {
    return undefined; // none, or unreadable: no one to warn about
  }
}

/** Another live process's gateway on this data dir (a stale file from a crash or this process's own is ignored). */
export function otherInstance(dataDir: string, alive: (pid: number) => boolean = pidAlive): InstanceRecord | undefined {
  const r = read(dataDir);
  return r && r.pid !== process.pid && alive(r.pid) ? r : undefined;
}

export function sharedDataDirWarning(dataDir: string, other: InstanceRecord, port: number): string {
  return (
    `another Lynkr gateway (pid ${other.pid}, port ${other.port}) already uses the data directory ${dataDir}: ` +
    `this one (port ${port}) shares its settings, admin token, request log and cache. ` +
    `To keep them apart, start it with --data-dir <another directory> (or LYNKR_DATA_DIR).`
  );
}

/** Records this gateway as the data dir's; the returned release removes the file if it still names us. */
export function claimInstance(dataDir: string, record: InstanceRecord): () => void {
  try {
    writeFileSync(instanceFile(dataDir), JSON.stringify(record), { mode: 0o600 });
  } catch {
    return () => {}; // a read-only data dir: the warning is a courtesy, never a reason not to start
  }
  return () => {
    if (read(dataDir)?.pid !== record.pid) return; // a newer gateway took over the file
    try {
      rmSync(instanceFile(dataDir), { force: true });
    } catch {
      // Best effort: a stale file names a dead pid, which otherInstance ignores.
    }
  };
}
