// Starts a real gateway (the same composition root as `lynkr start`) on a random loopback port, with its own
// temp data dir, settings written to that dir's settings file, and no process.env leakage.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { startGateway, type RunningGateway } from '../../main/cli/start.js';
import type { SettingsInput } from '../../main/settings/schema.js';

export interface TestGateway {
  /** http://127.0.0.1:PORT (no /v1). */
  baseUrl: string;
  port: number;
  adminToken: string;
  dataDir: string;
  /** Everything the gateway logged (pino JSON lines). */
  logs: () => string;
  gateway: RunningGateway;
  /** fetch against the admin API with the token. */
  admin: (path: string, init?: RequestInit) => Promise<Response>;
  close(): Promise<void>;
}

export interface TestGatewayOptions {
  env?: NodeJS.ProcessEnv;
  /** Reuse a data dir (restart persistence tests); not deleted on close. */
  dataDir?: string;
  /** Keep the settings file as it is in a reused data dir. */
  keepSettingsFile?: boolean;
}

export async function startTestGateway(settings: SettingsInput = {}, opts: TestGatewayOptions = {}): Promise<TestGateway> {
  const ownDir = !opts.dataDir;
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'lynkr-test-'));
  if (!opts.keepSettingsFile) {
    const withPort = { ...settings, server: { port: 0, ...settings.server } };
    writeFileSync(join(dataDir, 'settings.json'), JSON.stringify(withPort, null, 2));
  }
  let logText = '';
  const logDestination = new Writable({
    write(chunk, _enc, cb) {
      logText += chunk.toString();
      cb();
    },
  });
  const gateway = await startGateway({ dataDir, env: opts.env ?? {}, cwd: dataDir, logDestination });
  const baseUrl = `http://127.0.0.1:${gateway.port}`;
  return {
    baseUrl,
    port: gateway.port,
    adminToken: gateway.adminToken,
    dataDir,
    logs: () => logText,
    gateway,
    admin: (path, init = {}) =>
      fetch(`${baseUrl}${path}`, {
        ...init,
        headers: { authorization: `Bearer ${gateway.adminToken}`, 'content-type': 'application/json', ...(init.headers ?? {}) },
      }),
    close: async () => {
      await gateway.close();
      if (ownDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
