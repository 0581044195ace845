// Everything a `lynkr` command touches of the outside world, in one object: program.ts builds the commands over it,
// start-command.ts runs the gateway with it, and tests pass a fake one and read what was printed.
import type { RunningGateway, StartOptions } from './start.js';

/** Starts the gateway in this process (start.ts's startGateway; tests pass a fake). */
export type StartGateway = (
  opts: StartOptions,
) => Promise<Pick<RunningGateway, 'baseUrl' | 'dockerBaseUrl' | 'uiUrl' | 'port' | 'reachable' | 'close'> & Partial<Pick<RunningGateway, 'missingModels'>>>;
export type StartedGateway = Awaited<ReturnType<StartGateway>>;

export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  env: NodeJS.ProcessEnv;
  cwd: string;
  fetch?: typeof fetch;
  /** Default: a dynamic import of ./start.js, so admin commands never load the whole gateway. */
  startGateway?: StartGateway;
  /** Register a handler for SIGINT/SIGTERM (default: process.once). */
  onSignal?: (handler: (signal: NodeJS.Signals) => void) => void;
  exit?: (code: number) => void;
}
