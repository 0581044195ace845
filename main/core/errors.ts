// One error type travels from providers through the pipeline to the server, which renders it in the
// client's envelope. `kind` drives the fallback policy; `status` is what the client sees.

export type ErrorKind =
  /** The client's request is wrong (bad JSON, missing field, feature the target cannot do). Never retried. */
  | 'invalid_request'
  | 'auth'
  | 'permission'
  | 'not_found'
  | 'too_large'
  | 'rate_limited'
  /** We are overloaded (queue full). */
  | 'overloaded'
  /** No target is possible (mode filter left nothing). */
  | 'unavailable'
  /** Connection refused/reset, DNS failure. */
  | 'upstream_connect'
  | 'upstream_timeout'
  /** The upstream answered with an HTTP error status. */
  | 'upstream_http'
  /** The upstream answered with bytes we could not understand (invalid JSON, broken SSE, HTML page, empty body). */
  | 'upstream_protocol'
  /** The client went away. */
  | 'aborted'
  | 'internal';

export interface GatewayErrorInit {
  kind: ErrorKind;
  status: number;
  message: string;
  provider?: string;
  /** OpenAI-style `code` (e.g. `model_not_found`). */
  code?: string;
  /** OpenAI-style `param` (e.g. `messages`). */
  param?: string;
  /** The upstream's HTTP status, when there was one. */
  upstreamStatus?: number;
  /** From a Retry-After header, in ms. */
  retryAfterMs?: number;
  /** A context-length refusal's numbers: the prompt's (estimated) tokens and the most the target takes. */
  contextTokens?: { prompt: number; limit: number };
  /**
   * The target refused a limit that its adapter has now learned (e.g. OpenAI's "max_tokens is too large … at most
   * N"): fitting the request again and sending it once more will do (the pipeline does that once).
   */
  refit?: boolean;
  cause?: unknown;
}

export class GatewayError extends Error {
  readonly kind: ErrorKind;
  readonly status: number;
  readonly provider?: string;
  readonly code?: string;
  readonly param?: string;
  readonly upstreamStatus?: number;
  readonly retryAfterMs?: number;
  readonly contextTokens?: { prompt: number; limit: number };
  readonly refit?: boolean;

  constructor(init: GatewayErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'GatewayError';
    this.kind = init.kind;
    this.status = init.status;
    this.provider = init.provider;
    this.code = init.code;
    this.param = init.param;
    this.upstreamStatus = init.upstreamStatus;
    this.retryAfterMs = init.retryAfterMs;
    this.contextTokens = init.contextTokens;
    this.refit = init.refit;
  }
}

export const invalidRequest = (message: string, param?: string, code?: string): GatewayError =>
  new GatewayError({ kind: 'invalid_request', status: 400, message, param, code });

/**
 * The prompt can't fit the target model's context window. OpenAI's code and param (`context_length_exceeded`,
 * `messages`); each inbound format renders it in its own envelope. Never a silent truncation.
 */
export const contextLengthExceeded = (message: string, provider?: string, contextTokens?: { prompt: number; limit: number }): GatewayError =>
  new GatewayError({ kind: 'invalid_request', status: 400, message, provider, param: 'messages', code: 'context_length_exceeded', contextTokens });

export function toGatewayError(err: unknown, provider?: string): GatewayError {
  if (err instanceof GatewayError) return err;
  if (isAbortError(err)) return new GatewayError({ kind: 'aborted', status: 499, message: 'client closed request', provider });
  const message = err instanceof Error ? err.message : String(err);
  return new GatewayError({ kind: 'internal', status: 500, message: `internal error: ${message}`, provider, cause: err });
}

export function isAbortError(err: unknown): boolean {
  return err instanceof Error && (err.name === 'AbortError' || (err as { code?: string }).code === 'ABORT_ERR');
}

/** Statuses that mean "this provider failed, another may answer" (issue 4's fallback triggers). */
/** Codes that say "this target can't take this request" (too long for its context, no tools, not a chat model). */
const TARGET_LIMIT_CODES = new Set(['context_length_exceeded', 'tools_not_supported', 'model_not_supported']);

/**
 * The request is fine but this target can't serve it: another target of the route (a bigger context, a model with
 * tools) may. Not the target's fault either: it is never retried on the same target and never counts against it.
 */
export function isTargetLimit(err: GatewayError): boolean {
  return err.kind === 'invalid_request' && err.code !== undefined && TARGET_LIMIT_CODES.has(err.code);
}

export function isFallbackTrigger(err: GatewayError): boolean {
  switch (err.kind) {
    case 'upstream_connect':
    case 'upstream_timeout':
    case 'upstream_protocol':
    case 'rate_limited':
    case 'auth':
    case 'permission':
      return true;
    case 'upstream_http': {
      const s = err.upstreamStatus ?? err.status;
      return s === 408 || s === 409 || s === 429 || s === 401 || s === 403 || s >= 500;
    }
    default:
      return false;
  }
}
