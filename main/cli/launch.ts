// `npm start` (after the build): the desktop app when Electron and a display are present, otherwise the
// headless gateway with a line saying why, opening the dashboard in a browser when there is a screen.
// `npm start -- --port 8082 --data-dir DIR` passes `lynkr start`'s flags to either.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CliError } from './admin-client.js';
import { CommanderError } from 'commander';
import { decideLaunch, electronEnv, parseLaunchArgs, type LaunchFacts } from './launch-decision.js';
import { runStart } from './start-command.js';

const appRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

function observe(): LaunchFacts {
  let electronPath: string | undefined;
  let electronError: string | undefined;
  let electronErrorCode: string | undefined;
  try {
    // The electron package exports the path of its binary (and throws when the binary was never downloaded).
    const value: unknown = createRequire(import.meta.url)('electron');
    if (typeof value === 'string') electronPath = value;
  } catch (err) {
    electronError = (err as Error).message;
    electronErrorCode = (err as NodeJS.ErrnoException).code;
  }
  return {
    platform: process.platform,
    env: process.env,
    electronPath,
    electronError,
    electronErrorCode,
    electronExists: electronPath !== undefined && existsSync(electronPath),
    desktopBuilt: existsSync(join(appRoot, 'dist', 'main', 'desktop', 'main.js')),
  };
}

function openInBrowser(url: string): void {
  const [cmd, args] =
    process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '""', url]] : ['xdg-open', [url]];
  const child = spawn(cmd, args, { stdio: 'ignore', detached: true });
  child.on('error', () => process.stderr.write(`could not open a browser; open ${url}\n`));
  child.unref();
}

async function main(): Promise<void> {
  const args = parseLaunchArgs(process.argv.slice(2));
  const decision = decideLaunch(observe());
  if (decision.kind === 'electron') {
    const child = spawn(decision.electronPath, [appRoot], { stdio: 'inherit', env: electronEnv(args, process.env) });
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
    child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
    return;
  }
  process.stderr.write(`Starting the headless gateway (what \`lynkr start\` runs) instead of the desktop app: ${decision.reason}.\n`);
  const gateway = await runStart(
    { out: (t) => process.stdout.write(t + '\n'), err: (t) => process.stderr.write(t + '\n'), env: process.env, cwd: process.cwd() },
    { flags: { port: args.port, host: args.host, envFile: args.envFile }, dataDir: args.dataDir },
  );
  if (decision.openBrowser) openInBrowser(gateway.uiUrl);
}

main().catch((err: unknown) => {
  if (err instanceof CommanderError) {
    process.stderr.write(`lynkr: ${err.message.replace(/^error: /, '')} (npm start -- [--port N] [--host H] [--data-dir DIR] [--env-file F])\n`);
    process.exit(2);
  }
  process.stderr.write(`lynkr: ${err instanceof CliError ? err.message : ((err as Error).stack ?? String(err))}\n`);
  process.exit(1);
});
