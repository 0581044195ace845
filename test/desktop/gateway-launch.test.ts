// How the desktop starts its gateway: decrypted keys in memory, the app's warnings, the port flag only when one
// was picked, and one log file (0600) for every start.
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningGateway, StartOptions } from '../../main/cli/start.js';
import { createGatewayLauncher } from '../../main/desktop/gateway-launch.js';

let dir: string | undefined;
afterEach(() => (dir ? rm(dir, { recursive: true, force: true }) : undefined));

describe('gateway launcher', () => {
  it('passes the vault keys, the warnings and the port, and logs to <dataDir>/gateway.log', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'lynkr-launch-'));
    const dataDir = path.join(dir, 'data');
    const calls: StartOptions[] = [];
    const warned: string[] = [];
    const appWarnings = (): string[] => ['no keyring'];
    const start = createGatewayLauncher({
      dataDir,
      vault: { reveal: async () => ({ keys: { openai: 'sk-1' }, unreadable: ['anthropic', 'groq'] }) },
      warnings: appWarnings,
      warn: (m) => void warned.push(m),
      startGateway: async (opts) => (calls.push(opts), { port: 1 } as RunningGateway),
    });
    await start(undefined);
    await start(9123);
    expect(calls.map((c) => [c.dataDir, c.flags, c.secrets, c.warnings])).toEqual([
      [dataDir, undefined, { openai: 'sk-1' }, appWarnings],
      [dataDir, { port: 9123 }, { openai: 'sk-1' }, appWarnings],
    ]);
    expect(warned[0]).toBe('Saved API keys for anthropic, groq could not be decrypted on this machine; enter them again.');
    // One stream for the app's life, so a resume does not open a second file handle.
    expect(calls[0]!.logDestination).toBe(calls[1]!.logDestination);
    await new Promise<void>((r) => calls[0]!.logDestination!.write('line\n', () => r()));
    expect((await stat(path.join(dataDir, 'gateway.log'))).mode & 0o777).toBe(0o600);
    (calls[0]!.logDestination as NodeJS.WritableStream & { close(): void }).close();
  });
});
