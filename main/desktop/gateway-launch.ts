// How the desktop app starts its in-process gateway: API keys decrypted from the vault into memory only, the
// app's warnings shown in the window, and the gateway's log in <dataDir>/gateway.log (a tray app has no terminal).
// Electron-free; `startGateway` is a parameter so tests can see the options it gets.
import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';
import { startGateway as startRealGateway, type RunningGateway, type StartOptions } from '../cli/start.js';
import type { SecretVault } from './secrets.js';

export interface GatewayLaunchDeps {
  dataDir: string;
  vault: Pick<SecretVault, 'reveal'>;
  /** The app's warnings, read by the gateway whenever the window asks for its status. */
  warnings: () => string[];
  warn: (message: string) => void;
  startGateway?: (opts: StartOptions) => Promise<RunningGateway>;
}

/** Returns the function that starts the gateway on `port` (undefined: the settings' port). */
export function createGatewayLauncher(deps: GatewayLaunchDeps): (port: number | undefined) => Promise<RunningGateway> {
  const startGateway = deps.startGateway ?? startRealGateway;
  let logStream: NodeJS.WritableStream | undefined;
  const gatewayLog = (): NodeJS.WritableStream => {
    mkdirSync(deps.dataDir, { recursive: true });
    logStream ??= createWriteStream(path.join(deps.dataDir, 'gateway.log'), { flags: 'a', mode: 0o600 });
    return logStream;
  };
  return async (port) => {
    const { keys, unreadable } = await deps.vault.reveal();
    if (unreadable.length > 0) deps.warn(`Saved API keys for ${unreadable.join(', ')} could not be decrypted on this machine; enter them again.`);
    return startGateway({
      dataDir: deps.dataDir,
      flags: port === undefined ? undefined : { port },
      secrets: keys,
      warnings: deps.warnings,
      logDestination: gatewayLog(),
    });
  };
}
