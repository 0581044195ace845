import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import type { OllamaStatus, PullProgress } from '../../main/admin/contract.js';
import type { AdminDeps } from '../../main/admin/deps.js';
import { registerOllamaRoutes } from '../../main/admin/routes/ollama.js';
import { toGatewayError } from '../../main/core/errors.js';
import { systemProbe } from '../../main/ollama/binary.js';
import { createOllamaManager } from '../../main/ollama/manager.js';
import { refusedUrl, startFakeOllamaApi } from './fake-ollama-api.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** The routes mounted the way the admin router will: JSON body parser, then an error renderer. */
async function serve(endpoint: string): Promise<string> {
  const ollama = createOllamaManager({
    endpoint: () => endpoint,
    recheckMs: 0,
    probe: { ...systemProbe(), platform: 'linux', env: { PATH: '' }, home: path.join(os.tmpdir(), 'lynkr-nohome') },
  });
  const app = express();
  app.use(express.json());
  const router = express.Router();
  registerOllamaRoutes(router, { ollama } as unknown as AdminDeps);
  app.use('/admin', router);
  app.use((err: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    const e = toGatewayError(err);
    res.status(e.status).json({ error: { message: e.message, type: e.kind, param: e.param } });
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  cleanups.push(() => {
    ollama.close();
    server.closeAllConnections();
    return new Promise<void>((r) => server.close(() => r()));
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function parseSse(text: string): PullProgress[] {
  return text
    .split('\n\n')
    .filter((f) => f.startsWith('data: '))
    .map((f) => JSON.parse(f.slice(6)) as PullProgress);
}

describe('/admin/ollama routes', () => {
  it('GET /admin/ollama returns OllamaStatus, and ?refresh=1 re-probes', async () => {
    const api = await startFakeOllamaApi({ version: '0.11.0', models: [{ name: 'qwen2.5-coder:7b', size: 10 }] });
    cleanups.push(() => api.close());
    const base = await serve(api.url);
    const res = await fetch(`${base}/admin/ollama`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as OllamaStatus;
    expect(body).toMatchObject({ state: 'running', version: '0.11.0', models: [{ name: 'qwen2.5-coder:7b', sizeBytes: 10 }], suggestions: [] });
    const hits = api.hits.length;
    await fetch(`${base}/admin/ollama`);
    expect(api.hits.length).toBe(hits);
    await fetch(`${base}/admin/ollama?refresh=1`);
    expect(api.hits.length).toBe(hits + 2);
    expect((await fetch(`${base}/admin/ollama?refresh=maybe`)).status).toBe(400);
  });

  it('POST /admin/ollama/start on a machine without Ollama answers 409 with install instructions', async () => {
    const base = await serve(await refusedUrl());
    const res = await fetch(`${base}/admin/ollama/start`, { method: 'POST' });
    expect(res.status).toBe(409);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/not installed.*ollama\.com/);
  });

  it('POST /admin/ollama/pull validates the model name', async () => {
    const base = await serve(await refusedUrl());
    for (const body of [{}, { model: '' }, { model: 'rm -rf /' }, { model: 42 }]) {
      const res = await fetch(`${base}/admin/ollama/pull`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { param: string } }).error.param).toBe('model');
    }
  });

  it('POST /admin/ollama/pull streams SSE progress to success', async () => {
    const api = await startFakeOllamaApi({ pullSteps: 2 });
    cleanups.push(() => api.close());
    const base = await serve(api.url);
    const res = await fetch(`${base}/admin/ollama/pull`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'hf.co/bartowski/Qwen2.5-Coder-1.5B-GGUF:Q4_K_M' }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = parseSse(await res.text());
    expect(events[0]).toEqual({ status: 'pulling manifest' });
    expect(events.map((e) => e.completed).filter((c) => c !== undefined)).toEqual([500, 1000]);
    expect(events.at(-1)).toEqual({ status: 'success', done: true });
  });

  it('POST /admin/ollama/pull sends an error event when Ollama fails', async () => {
    const base = await serve(await refusedUrl());
    const res = await fetch(`${base}/admin/ollama/pull`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'llama3.2:3b' }),
    });
    const events = parseSse(await res.text());
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ status: 'error', done: true });
    expect(events[0]!.error).toMatch(/not reachable/);
  });

  it('closing the SSE connection cancels the pull upstream', async () => {
    const api = await startFakeOllamaApi({ pullSteps: 1000, pullDelayMs: 20 });
    cleanups.push(() => api.close());
    const base = await serve(api.url);
    const url = new URL(`${base}/admin/ollama/pull`);
    await new Promise<void>((resolve, reject) => {
      const req = http.request(url, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
        let frames = 0;
        res.on('data', (chunk: Buffer) => {
          frames += chunk.toString().split('\n\n').length - 1;
          if (frames >= 3) {
            req.destroy();
            resolve();
          }
        });
      });
      req.on('error', (e) => (e.message.includes('socket hang up') ? undefined : reject(e)));
      req.end(JSON.stringify({ model: 'qwen2.5-coder:7b' }));
    });
    await api.pullCancelled;
    expect(api.pullBodies).toEqual([{ name: 'qwen2.5-coder:7b', stream: true }]);
  });
});
