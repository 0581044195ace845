// Structured logs (pino) at LOG_LEVEL. Every line passes through scrub() on its way out, so a key that slips
// into a message, an error or a logged object never reaches the terminal or a log file.
import { pino, type Logger as PinoLogger } from 'pino';
import type { Settings } from '../settings/schema.js';
import { scrub } from './secrets.js';

export type Logger = PinoLogger;
export type LogLevel = Settings['log']['level'];

export function createLogger(level: LogLevel = 'info', destination: NodeJS.WritableStream = process.stdout): Logger {
  const scrubbed = { write: (line: string) => destination.write(scrub(line)) };
  return pino(
    {
      level,
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    scrubbed,
  );
}
