// The gateway's one router: every route is declared once below, on an express Router. Each inbound format's error
// renderer is bound to its paths before the guards run, so whatever refuses a request under /v1/messages (a guard, the
// body limit, a 404) answers in Anthropic's envelope; under /v1/chat/completions and everywhere else, in OpenAI's.
import { existsSync } from 'node:fs';
import { type IncomingMessage, type RequestListener, type ServerResponse, STATUS_CODES } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type ErrorRequestHandler, type Router as ExpressRouter } from 'express';
import { findBuilt } from '../core/built-path.js';
import { GatewayError } from '../core/errors.js';
import type { Router } from '../core/ports.js';
import type { ModelCatalog } from '../pipeline/catalog.js';
import type { Pipeline } from '../pipeline/pipeline.js';
import type { Settings } from '../settings/schema.js';
import { countTokens } from './anthropic-messages/index.js';
import { readJsonBody } from './body.js';
import { chatHandler, type InflightTracker } from './chat-handler.js';
import { embeddingsHandler } from './embeddings.js';
import type { InboundFormat } from './format.js';
import { sendJson } from './headers.js';
import { modelsHandler } from './models.js';
import { ollamaTagsHandler } from './ollama-tags.js';
import { publicError } from './public-error.js';
import { bindErrorRenderer, type Middleware, sendError } from './security/render.js';

export interface AppContext {
  version: string;
  settings: () => Settings;
  pipeline: Pipeline;
  router: Router;
  catalog: ModelCatalog;
  formats: InboundFormat[];
  /** Middleware run before every route, in order (drain tracking, host check, origin policy, inbound key). */
  guards?: Middleware[];
  /** The admin API; it uses express's request/response helpers, so it runs in an express app of its own. */
  admin: ExpressRouter;
  metricsText: () => string;
  readiness: () => Promise<{ status: number; body: unknown }>;
  inflight?: InflightTracker;
}

/** Both /v1/x and /x: the commonest LibreChat mistake is a base URL without /v1. */
const both = (...paths: string[]): string[] => paths.flatMap((p) => [`/v1${p}`, p]);

const here = dirname(fileURLToPath(import.meta.url));

/** The built renderer: dist/renderer seen from the bundle (dist/), from dist/main/server, or from the sources. */
export function findUiDir(): string | undefined {
  return findBuilt(here, '../..', 'renderer', (dir) => existsSync(join(dir, 'index.html')));
}

/**
 * The server's request listener: an express Router, not an express() app. express 5.3's `app.handle` swaps the
 * prototypes of Node's req and res on every request (`Object.setPrototypeOf(req, this.request)`, and res, in
 * node_modules/express/lib/application.js), which deoptimises Node's http objects: a bare pass-through on the same
 * routes served ~15k req/s from a Router and ~6k from an app here. A Router (node_modules/router/index.js,
 * `Router.prototype.handle`) only matches paths and calls the handlers, so every handler and guard gets Node's own
 * req/res (security/render.ts `Middleware`).
 */
export function createRequestListener(ctx: AppContext): RequestListener {
  const router = express.Router();
  // First, so that the guards answer in it too: under a format's paths (its routes and anything below), its envelope.
  router.use(bindErrors(ctx.formats));
  if (ctx.guards?.length) router.use(inSequence(ctx.guards));

  for (const format of ctx.formats) router.post(both(...format.paths), chatHandler(format, ctx));
  router.post(both('/messages/count_tokens'), async (req, res) => {
    sendJson(res, 200, countTokens(await readJsonBody(req, ctx.settings().server.bodyLimitBytes)));
  });
  router.post(both('/embeddings'), embeddingsHandler(ctx));
  router.get(both('/models'), (_req, res) => modelsHandler(res, ctx.settings(), ctx.catalog));
  router.get('/api/tags', (_req, res) => ollamaTagsHandler(res, ctx.settings(), ctx.catalog)); // LibreChat "ollama…" endpoints

  router.get('/', (_req, res) => sendJson(res, 200, { service: 'lynkr-desktop', version: ctx.version, status: 'running' }));
  router.get(['/health', '/health/live'], (_req, res) => sendJson(res, 200, { status: 'ok' }));
  router.get('/health/ready', async (_req, res) => {
    const { status, body } = await ctx.readiness();
    sendJson(res, status, body);
  });
  router.get('/metrics', (_req, res) => void res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }).end(ctx.metricsText()));

  router.use('/admin', expressApp(ctx.admin));
  const uiDir = findUiDir();
  if (uiDir) {
    // Non-strict routing matches '/ui/' here too: redirect only the bare path, or '/ui/' loops forever.
    router.get('/ui', (req, res, next) => (pathOf(req.originalUrl) === '/ui' ? void res.writeHead(301, { location: '/ui/' }).end() : next()));
    router.use('/ui', express.static(uiDir, { index: 'index.html', fallthrough: false }));
  }

  router.use((req, _res, next) => next(notFound(req)));
  router.use(answerError);
  // The types say express's Request, but a Router gives none of its helpers (see above). The callback is reached only
  // if answering an error failed: the socket is all that is left to close.
  return (req, res) => router(req as express.Request, res as express.Response, () => lastResort(res));
}

/**
 * Binds each format's error renderer to the requests on its paths and below them, matched as the routes match
 * (express's default: case-insensitive, a trailing slash allowed). One layer for all formats, not one each: every
 * layer of the router costs every request a little.
 */
function bindErrors(formats: readonly InboundFormat[]): Middleware {
  const prefixes = formats.flatMap((f) => both(...f.paths).map((path) => ({ path: path.toLowerCase(), render: f.renderError })));
  return (req, _res, next) => {
    const path = pathOf(req.url).toLowerCase();
    const format = prefixes.find((p) => path === p.path || path.startsWith(`${p.path}/`));
    if (format) bindErrorRenderer(req, format.render);
    next();
  };
}

/** The guards as one router layer: each in turn passes the request on (`next()`) or answers it itself. */
function inSequence(guards: readonly Middleware[]): Middleware {
  return (req, res, done) => {
    let i = 0;
    const next = (err?: unknown): void => {
      if (err !== undefined || i === guards.length) return done(err);
      guards[i++](req, res, next);
    };
    next();
  };
}

function expressApp(router: ExpressRouter): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.use(router);
  return app;
}

const pathOf = (url: string | undefined): string => (url ?? '/').split('?')[0];

function notFound(req: IncomingMessage & { originalUrl?: string }): GatewayError {
  return new GatewayError({ kind: 'not_found', status: 404, code: 'not_found', message: `no route for ${req.method} ${pathOf(req.originalUrl ?? req.url)}` });
}

/** Every error a route or a layer passes on, in the envelope bound to the request; never a stack trace. */
const answerError: ErrorRequestHandler = (err: unknown, req, res, _next) => {
  if (res.headersSent) return void res.destroy();
  sendError(req, res, clientError(err, req));
};

function clientError(err: unknown, req: IncomingMessage): GatewayError {
  if (err instanceof GatewayError) return publicError(err);
  // Errors from express's layers (a static file that is not there, a path out of /ui) carry a 4xx status; their
  // message may name a file on this machine, so the client gets the status's name.
  const status = (err as { status?: unknown } | null)?.status;
  if (status === 404) return notFound(req);
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new GatewayError({ kind: status === 403 ? 'permission' : 'invalid_request', status, message: STATUS_CODES[status] ?? 'bad request' });
  }
  return new GatewayError({ kind: 'internal', status: 500, message: 'internal error' });
}

function lastResort(res: ServerResponse): void {
  if (!res.writableEnded) res.destroy();
}
