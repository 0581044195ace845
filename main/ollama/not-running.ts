// What a client hears when Ollama is not running: that it is Ollama, where it was expected, and how to start it.
// The 502 used to say only "refused the connection", which reads like a broken gateway.
import { GatewayError } from '../core/errors.js';

/** A refused connection to an Ollama provider, with where Ollama was expected and how to start it. */
export function withStartHint(err: GatewayError, endpoint: string): GatewayError {
  if (err.kind !== 'upstream_connect' || !err.message.includes('ECONNREFUSED')) return err;
  const message = `${err.message}: Ollama is not running at ${endpoint}. Start it with \`ollama serve\` (or the Start button in Lynkr's Ollama panel)`;
  return new GatewayError({ kind: err.kind, status: err.status, provider: err.provider, code: err.code, upstreamStatus: err.upstreamStatus, message, cause: err.cause });
}
