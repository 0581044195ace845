// `lynkr start`: run the gateway in this process, print one line, stop cleanly on SIGINT/SIGTERM.
import type { StartOptions } from './start.js';
import { CliError } from './admin-client.js';
import { startLine } from './format.js';
import type { CliIO, StartedGateway } from './io.js';

export async function runStart(io: CliIO, opts: Pick<StartOptions, 'flags' | 'dataDir'>): Promise<StartedGateway> {
  const start = io.startGateway ?? (async (o: StartOptions) => (await import('./start.js')).startGateway(o));
  let gateway: StartedGateway;
  try {
    gateway = await start({ ...opts, env: io.env, cwd: io.cwd });
  } catch (err) {
    throw startError(err, opts.flags?.port);
  }
  io.out(startLine(gateway));

  const exit = io.exit ?? ((code: number) => process.exit(code));
  let stopping = false;
  const onSignal = io.onSignal ?? takeStopSignals;
  onSignal((signal) => {
    if (stopping) {
      // A second Ctrl-C: the user does not want to wait for streams to finish.
      io.err(`${signal} again: exiting now`);
      exit(1);
      return;
    }
    stopping = true;
    io.err(`${signal}: stopping; requests in flight get a short grace period`);
    gateway.close().then(
      () => exit(0),
      (err: unknown) => {
        io.err(`error while stopping: ${(err as Error).message}`);
        exit(1);
      },
    );
  });
  return gateway;
}

const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/**
 * Makes `handler` the only listener of SIGINT and SIGTERM. Libraries put their own there: when-exit (loaded through
 * conf → atomically, to delete temp files) re-raises the signal after its cleanup, which reached us as a second
 * signal and cut every stream at once. Its cleanup still runs, on 'exit'.
 */
export function takeStopSignals(handler: (signal: NodeJS.Signals) => void): void {
  for (const signal of STOP_SIGNALS) {
    for (const other of process.listeners(signal)) process.removeListener(signal, other);
    process.on(signal, handler);
  }
}

function startError(err: unknown, port: number | undefined): Error {
  const code = (err as { code?: string }).code;
  if (code === 'EADDRINUSE') {
    const where = port ?? (err as { port?: number }).port ?? 8081;
    return new CliError(`port ${where} is already in use — is a gateway already running? (\`lynkr status\`) Or choose another with --port`);
  }
  if (code === 'EACCES') return new CliError(`not allowed to listen there (${(err as Error).message}); ports below 1024 need privileges`);
  // Settings errors are already one readable message per bad key.
  if (err instanceof Error && err.name === 'SettingsError') return new CliError(err.message);
  return err instanceof Error ? err : new Error(String(err));
}
