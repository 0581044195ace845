// GET /admin/ollama, POST /admin/ollama/start, POST /admin/ollama/pull {model} → SSE of PullProgress.
// Paths are relative to the admin router, which server/app.ts mounts at /admin.
// Auth and the loopback check are applied by the admin router that mounts these.
import type { Router } from 'express';
import { z } from 'zod';
import type { PullProgress } from '../contract.js';
import type { AdminDeps } from '../deps.js';
import { invalidRequest, toGatewayError } from '../../core/errors.js';

// Ollama model names: `name[:tag]`, optionally with a namespace/registry prefix (`hf.co/user/repo:Q4_K_M`).
const pullBody = z.object({
  model: z
    .string()
    .trim()
    .min(1, 'model is required')
    .max(200)
    .regex(/^[A-Za-z0-9][A-Za-z0-9._\-/]*(:[A-Za-z0-9._-]+)?$/, 'not an Ollama model name (e.g. qwen2.5-coder:7b)'),
});

const statusQuery = z.object({ refresh: z.enum(['1', 'true', '0', 'false']).optional() });

export function registerOllamaRoutes(router: Router, deps: AdminDeps): void {
  router.get('/ollama', async (req, res) => {
    const q = statusQuery.safeParse(req.query);
    if (!q.success) throw invalidRequest('refresh must be 1/true/0/false', 'refresh');
    res.json(await deps.ollama.status(q.data.refresh === '1' || q.data.refresh === 'true'));
  });

  router.post('/ollama/start', async (_req, res) => {
    res.json(await deps.ollama.start());
  });

  router.post('/ollama/pull', async (req, res) => {
    const parsed = pullBody.safeParse(req.body ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw invalidRequest(`model: ${issue?.message ?? 'invalid'}`, 'model');
    }
    const controller = new AbortController();
    // Pulls go quiet for minutes while Ollama verifies a large download: exempt this socket from the idle timeout.
    res.socket?.setTimeout(0);
    // The client closing the stream cancels the download.
    res.on('close', () => {
      if (!res.writableFinished) controller.abort();
    });
    res.status(200).set({
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      'x-accel-buffering': 'no',
    });
    res.flushHeaders();
    const send = (p: PullProgress): void => {
      if (!res.writableEnded && !res.destroyed) res.write(`data: ${JSON.stringify(p)}\n\n`);
    };
    try {
      await deps.ollama.pull(parsed.data.model, controller.signal, send);
      // Ollama's list changed: the status, the missing-model warnings and the aliases' model follow at once.
      await deps.probeLocal?.({ force: true });
    } catch (err) {
      if (!controller.signal.aborted) {
        send({ status: 'error', error: toGatewayError(err, 'ollama').message, done: true });
      }
    }
    if (!res.writableEnded) res.end();
  });
}
