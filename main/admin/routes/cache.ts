// GET /admin/cache/stats, POST /admin/cache/clear {alias?}, PUT /admin/cache/threshold {threshold}.
// The threshold is applied live and persisted to the settings file so that it survives a restart.
import type { Router } from 'express';
import { z } from 'zod';
import type { CacheStats } from '../contract.js';
import type { AdminDeps } from '../deps.js';
import { parseBody } from '../validate.js';

const clearBody = z.object({ alias: z.string().min(1).max(200).optional() }).strict();
const thresholdBody = z.object({ threshold: z.number().min(0).max(1) }).strict();

export function registerCacheRoutes(router: Router, deps: AdminDeps): void {
  router.get('/cache/stats', (_req, res) => {
    res.json(deps.cache.stats() satisfies CacheStats);
  });

  router.post('/cache/clear', (req, res) => {
    const { alias } = parseBody(clearBody, req);
    res.json({ removed: deps.cache.clear(alias) });
  });

  router.put('/cache/threshold', (req, res) => {
    const { threshold } = parseBody(thresholdBody, req);
    deps.settings.update((draft) => {
      draft.cache.semantic.threshold = threshold;
    });
    deps.cache.setThreshold(threshold);
    res.json({ threshold });
  });
}
