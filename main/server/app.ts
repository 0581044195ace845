import { existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type RequestHandler, type Router as ExpressRouter } from 'express';
import { findBuilt } from '../core/built-path.js';
import { GatewayError } from '../core/errors.js';
import type { Router } from '../core/ports.js';
import type { ModelCatalog } from '../pipeline/catalog.js';
import type { Pipeline } from '../pipeline/pipeline.js';
import type { Settings } from '../settings/schema.js';
import { chatHandler, type InflightTracker } from './chat-handler.js';
import { embeddingsHandler } from './embeddings.js';
import type { InboundFormat } from './format.js';
import { sendJson } from './headers.js';
import { modelsHandler } from './models.js';
import { ollamaTagsHandler } from './ollama-tags.js';
import { openAIErrorBody } from './openai-chat/index.js';

export interface AppContext {
  version: string;
  settings: () => Settings;
  pipeline: Pipeline;
  router: Router;
  catalog: ModelCatalog;
  formats: InboundFormat[];
  /** Extra POST routes served with and without /v1 (e.g. /messages/count_tokens). */
  extraPosts?: Record<string, RequestHandler>;
  /** Middleware run before every route (host check, origin policy, inbound key). */
  guards?: RequestHandler[];
  admin: ExpressRouter;
  metricsText: () => Promise<string>;
  readiness: () => Promise<{ status: number; body: unknown }>;
  inflight?: InflightTracker;
}

/** Both /v1/x and /x: the commonest LibreChat mistake is a base URL without /v1. */
const both = (path: string): string[] => [`/v1${path}`, path];

const here = dirname(fileURLToPath(import.meta.url));

/** The built renderer: dist/renderer seen from the bundle (dist/), from dist/main/server, or from the sources. */
export function findUiDir(): string | undefined {
  return findBuilt(here, '../..', 'renderer', (dir) => existsSync(join(dir, 'index.html')));
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

/**
 * The server's request listener. The hot routes (POST chat, messages, responses, embeddings) run their guards and
 * handlers straight from Node's HTTP server: express's router halved a bare pass-through's throughput here.
 * Everything else (admin API, UI, health, models, 404s) goes through express. The handlers are the same either way.
 */
export function createRequestListener(ctx: AppContext): (req: IncomingMessage, res: ServerResponse) => void {
  const app = createApp(ctx);
  const hot = new Map<string, Handler>();
  for (const format of ctx.formats) {
    for (const path of format.paths) for (const p of both(path)) hot.set(p, chatHandler(format, ctx));
  }
  for (const p of both('/embeddings')) hot.set(p, embeddingsHandler(ctx));
  for (const [path, handler] of Object.entries(ctx.extraPosts ?? {})) {
    for (const p of both(path)) hot.set(p, handler as unknown as Handler);
  }
  const guard = ctx.guards?.length ? composeGuards(ctx.guards) : undefined;
  return (req, res) => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const handler = req.method === 'POST' ? hot.get(q < 0 ? url : url.slice(0, q)) : undefined;
    if (!handler) return void app(req, res);
    const run = (err?: unknown): void => {
      if (err !== undefined) return internalError(res);
      Promise.resolve(handler(req, res)).catch(() => internalError(res));
    };
    if (!guard) return run();
    // Guards only use Node's own request/response fields, so they run here without express's wrappers.
    guard(req as express.Request, res as express.Response, run);
  };
}

/** Express for everything but the hot POST routes (createRequestListener serves those). */
function createApp(ctx: AppContext): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.set('query parser', 'simple');
  // One layer for all guards: each express layer costs a router traversal on every request.
  if (ctx.guards?.length) app.use(composeGuards(ctx.guards));

  app.get('/', (_req, res) => sendJson(res, 200, { service: 'lynkr-desktop', version: ctx.version, status: 'running' }));
  app.get(['/health', '/health/live'], (_req, res) => sendJson(res, 200, { status: 'ok' }));
  app.get('/health/ready', async (_req, res) => {
    const { status, body } = await ctx.readiness();
    sendJson(res, status, body);
  });
  app.get('/metrics', async (_req, res) => {
    const text = await ctx.metricsText();
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }).end(text);
  });

  app.get(both('/models'), (_req, res) => modelsHandler(res, ctx.settings(), ctx.catalog));
  app.get('/api/tags', (_req, res) => ollamaTagsHandler(res, ctx.settings(), ctx.catalog)); // LibreChat "ollama…" endpoints

  app.use('/admin', ctx.admin);
  const uiDir = findUiDir();
  if (uiDir) {
    // Non-strict routing matches '/ui/' here too: redirect only the bare path, or '/ui/' loops forever.
    app.get('/ui', (req, res, next) => (req.originalUrl.split('?')[0] === '/ui' ? res.redirect(301, '/ui/') : next()));
    app.use('/ui', express.static(uiDir, { index: 'index.html', fallthrough: false }));
  }

  app.use((req, res) => notFound(res, `no route for ${req.method} ${req.path}`));
  app.use(((err, _req, res, _next) => {
    // Express-level errors (e.g. a malformed URL) still get an envelope, never a stack trace.
    const status = typeof err?.status === 'number' && err.status >= 400 && err.status < 600 ? err.status : 500;
    const e = new GatewayError({ kind: status < 500 ? 'invalid_request' : 'internal', status, message: status < 500 ? String(err?.message ?? 'bad request') : 'internal error' });
    if (!res.headersSent) sendJson(res, status, openAIErrorBody(e));
  }) as express.ErrorRequestHandler);
  return app;
}

/** Runs middlewares in order; stops at the first that answers or fails. */
function composeGuards(guards: RequestHandler[]): RequestHandler {
  return (req, res, next) => {
    let i = 0;
    const step = (err?: unknown): void => {
      if (err !== undefined || i === guards.length) return next(err);
      const guard = guards[i++];
      try {
        void guard(req, res, step);
      } catch (e) {
        next(e);
      }
    };
    step();
  };
}

function internalError(res: ServerResponse): void {
  if (!res.headersSent) sendJson(res, 500, openAIErrorBody(new GatewayError({ kind: 'internal', status: 500, message: 'internal error' })));
}

function notFound(res: ServerResponse, message: string): void {
  sendJson(res, 404, openAIErrorBody(new GatewayError({ kind: 'not_found', status: 404, message, code: 'not_found' })));
}
