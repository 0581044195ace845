// Entry point of the `lynkr` bin (bin/lynkr.js imports the built copy of this file).
import { packageVersion } from '../core/version.js';
import { CliError } from './admin-client.js';
import { buildProgram } from './program.js';

const version = packageVersion();

const program = buildProgram(
  {
    out: (text) => process.stdout.write(text + '\n'),
    err: (text) => process.stderr.write(text + '\n'),
    env: process.env,
    cwd: process.cwd(),
  },
  version,
);

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`lynkr: ${err instanceof CliError || (err as Error).name === 'SettingsError' ? (err as Error).message : ((err as Error).stack ?? String(err))}\n`);
  process.exit(1);
});
