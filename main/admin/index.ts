import express, { type ErrorRequestHandler, type RequestHandler, type Router } from 'express';
import { toGatewayError } from '../core/errors.js';
import { scrub } from '../observability/secrets.js';
import type { AdminDeps } from './deps.js';
import { registerLibreChatRoutes } from './routes/librechat.js';
import { registerLogRoutes } from './routes/logs.js';
import { registerOllamaRoutes } from './routes/ollama.js';
import { registerProviderRoutes } from './routes/providers.js';
import { registerServerRoutes } from './routes/server.js';
import { registerStatusRoutes } from './routes/status.js';

export type RouteRegistrar = (router: Router, deps: AdminDeps) => void;

const registrars: RouteRegistrar[] = [
  registerStatusRoutes,
  registerProviderRoutes,
  registerLogRoutes,
  registerServerRoutes,
  registerLibreChatRoutes,
  registerOllamaRoutes,
];

/** The control API. `guard` (loopback peer + admin token + no cross-site origin) runs before everything. */
export function createAdminRouter(deps: AdminDeps, guard: RequestHandler, extra: RouteRegistrar[] = []): Router {
  const router = express.Router();
  router.use(guard);
  router.use(express.json({ limit: '1mb' }));
  for (const register of [...registrars, ...extra]) register(router, deps);
  router.use((req, res) => {
    res.status(404).json({ error: { message: `no admin route ${req.method} ${req.path}`, type: 'not_found' } });
  });
  router.use(((err, _req, res, _next) => {
    const e = toGatewayError(err);
    // body-parser errors carry their own status (400 malformed, 413 too large).
    const status = typeof err?.status === 'number' && err.status < 500 ? err.status : e.status;
    const message = scrub(err?.type === 'entity.parse.failed' ? 'malformed JSON' : e.message);
    if (!res.headersSent) res.status(status).json({ error: { message, type: e.kind, param: e.param ?? null, code: e.code ?? null } });
  }) as ErrorRequestHandler);
  return router;
}
