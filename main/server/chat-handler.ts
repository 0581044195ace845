import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { GatewayError } from '../core/errors.js';
import type { ChatRequest } from '../core/types.js';
import { routeOf } from '../pipeline/attempts.js';
import type { LoggedCall, Outcome, Pipeline } from '../pipeline/pipeline.js';
import type { Settings } from '../settings/schema.js';
import { readJsonBody } from './body.js';
import type { InboundFormat, StreamEncoder } from './format.js';
import { sendJson, setRouteHeaders } from './headers.js';
import { publicError } from './public-error.js';

export interface InflightTracker {
  /** Registers a live stream; `end` is called on shutdown after the grace period (server/shutdown.ts). */
  registerStream(res: ServerResponse, end: (err: GatewayError) => void): void;
}

export interface ChatHandlerDeps {
  pipeline: Pipeline;
  settings: () => Settings;
  inflight?: InflightTracker;
}

// Request ids must be unique and unguessable across restarts, not secret: a random process prefix and a counter
// (crypto randomness per request showed up in profiles).
const idPrefix = randomBytes(6).toString('hex');
let idCounter = 0;
export const newRequestId = (): string => `${idPrefix}${(++idCounter).toString(16).padStart(12, '0')}`;

/**
 * The User-Agent, with the client named in `x-lynkr-client` appended (`OpenAI/JS 4.104.0 (librechat)`): LibreChat
 * sends its SDK's User-Agent, and the snippet we generate for it adds the header.
 */
export function clientLabel(req: IncomingMessage): string | undefined {
  const ua = req.headers['user-agent'];
  const client = req.headers['x-lynkr-client'];
  if (typeof client !== 'string' || client.trim() === '') return ua;
  const name = client.replace(/[^\x20-\x7e]/g, '').trim().slice(0, 64);
  return ua ? `${ua} (${name})` : name;
}

/** Cache scope: global by default; per user (OpenAI `user` or the inbound key) when configured. */
function cacheScope(settings: Settings, req: IncomingMessage, chat: ChatRequest): string {
  if (settings.cache.scope === 'global') return '';
  const key = req.headers['x-api-key'] ?? req.headers.authorization;
  const who = chat.user ?? (typeof key === 'string' ? key : '');
  return who ? createHash('sha256').update(who).digest('base64url').slice(0, 22) : '';
}

/** What a request-log row can say of a call that handle() never saw (refused at the edge): its body's model. */
export function loggedCall(format: LoggedCall['format'], body: unknown, call: Omit<LoggedCall, 'format' | 'request'>): LoggedCall {
  const fields = body !== null && typeof body === 'object' ? (body as { model?: unknown; stream?: unknown }) : {};
  const model = typeof fields.model === 'string' ? fields.model.slice(0, 256) : '';
  return { ...call, format, request: { model, messages: [], stream: fields.stream === true } };
}

/** Resolves on 'drain' or when the socket goes away, whichever comes first. */
function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

async function writeStream(res: ServerResponse, outcome: Extract<Outcome, { kind: 'stream' }>, encoder: StreamEncoder, inflight?: InflightTracker): Promise<void> {
  // No flushHeaders(): the pipeline already holds the first part, so headers and first part leave in one write.
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'x-accel-buffering': 'no' });
  let ended = false;
  inflight?.registerStream(res, (err) => {
    if (!ended && !res.destroyed) res.end(encoder.error(publicError(err)));
    ended = true;
  });
  let first = true;
  try {
    for await (const part of outcome.parts) {
      if (ended || res.destroyed) break;
      if (part.type === 'error') {
        // The stream had started: the failure becomes an error event in the client's format, never a silent cut.
        res.end(encoder.error(publicError(part.error)));
        ended = true;
        break;
      }
      const text = encoder.part(part);
      if (!text) continue;
      const ok = res.write(text);
      // Node corks the socket until the next tick; when the upstream sent many events in one packet, the first
      // would wait for all of them to be encoded. Headers and first part leave now; later ones are batched.
      if (first) res.socket?.uncork();
      first = false;
      if (!ok) await drained(res);
    }
    if (!ended && !res.destroyed) res.end(encoder.end());
  } catch (e) {
    // Only the encoder can throw here (the pipeline ends a failed stream with an `error` part).
    if (!ended && !res.destroyed) res.end(encoder.error(publicError(e)));
  } finally {
    ended = true;
  }
}

export function chatHandler(format: InboundFormat, deps: ChatHandlerDeps) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const receivedAt = Date.now();
    const startedAt = performance.now();
    const requestId = newRequestId();
    res.setHeader('x-request-id', requestId);
    const settings = deps.settings();
    let body: unknown;
    // handle() writes its own request-log row, success or failure; anything refused before it gets one here.
    let handled = false;
    try {
      body = await readJsonBody(req, settings.server.bodyLimitBytes);
      const { request, native } = format.parse(body);
      for (const name of format.passHeaders ?? []) {
        const value = req.headers[name];
        if (typeof value === 'string') native.headers = { ...native.headers, [name]: value };
      }
      const clientAbort = new AbortController();
      // The client going away aborts the upstream request.
      res.on('close', () => {
        if (!res.writableFinished) clientAbort.abort(new GatewayError({ kind: 'aborted', status: 499, message: 'client closed request' }));
      });
      handled = true;
      const outcome = await deps.pipeline.handle({
        format: format.format,
        request,
        native,
        requestId,
        clientAbort,
        receivedAt,
        startedAt,
        cacheControl: req.headers['cache-control'],
        scope: cacheScope(settings, req, request),
        userAgent: clientLabel(req),
      });
      setRouteHeaders(res, outcome.meta);
      if (outcome.kind === 'response') {
        sendJson(res, 200, format.renderResponse(outcome.response, request.tools));
      } else {
        const encoder = format.createStreamEncoder({
          includeUsage: request.includeUsage === true,
          requestedModel: request.model,
          tools: request.tools,
          passThrough: outcome.passThrough,
        });
        await writeStream(res, outcome, encoder, deps.inflight);
      }
    } catch (e) {
      const err = publicError(e);
      if (!handled) {
        const call = loggedCall(format.format, body, { requestId, receivedAt, startedAt, userAgent: clientLabel(req) });
        deps.pipeline.recordOutside(call, { status: err.status, error: err.message });
      }
      if (res.headersSent || res.destroyed) return;
      const route = routeOf(e);
      if (route) setRouteHeaders(res, route);
      const rendered = format.renderError(err);
      sendJson(res, rendered.status, rendered.body, err);
    }
  };
}
