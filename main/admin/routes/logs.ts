import type { Router } from 'express';
import { z } from 'zod';
import { GatewayError } from '../../core/errors.js';
import type { AdminDeps } from '../deps.js';

const logQuery = z.object({
  limit: z.coerce.number().int().min(1).max(5_000).optional(),
  before: z.coerce.number().int().optional(),
  q: z.string().max(200).optional(),
});

const HEARTBEAT_MS = 15_000;

export function registerLogRoutes(router: Router, deps: AdminDeps): void {
  router.get('/logs', (req, res) => {
    const parsed = logQuery.safeParse(req.query);
    if (!parsed.success) throw new GatewayError({ kind: 'invalid_request', status: 400, message: `bad query: ${parsed.error.issues[0].message}` });
    res.json({ rows: deps.requests.query(parsed.data) });
  });

  // Server-sent events; the renderer reads it with fetch (EventSource cannot send the bearer token).
  router.get('/logs/stream', (req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
    res.write(': connected\n\n');
    const unsubscribe = deps.requests.subscribe((row) => res.write(`data: ${JSON.stringify(row)}\n\n`));
    const heartbeat = setInterval(() => res.write(': ping\n\n'), HEARTBEAT_MS);
    req.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
    });
  });

  router.get('/traffic', (_req, res) => {
    res.json(deps.requests.traffic());
  });
}
