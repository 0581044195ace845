// /admin/ollama through a real gateway (startTestGateway) against the shared fake Ollama.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OllamaStatus, PullProgress, StatusResponse } from '../../main/admin/contract.js';
import { startFakeOllama, type FakeOllama } from '../fakes/ollama.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

let ollama: FakeOllama;
let gw: TestGateway;
beforeAll(async () => {
  ollama = await startFakeOllama({ models: ['nomic-embed-text:latest'], version: '0.12.6', pullSteps: 3, pullDelayMs: 5 });
  gw = await startTestGateway({ providers: [{ id: 'ollama', kind: 'ollama', baseUrl: ollama.url }] });
}, 30_000);
afterAll(async () => {
  await gw?.close();
  await ollama?.close();
});

describe('/admin/ollama end to end', () => {
  it('needs the admin token', async () => {
    expect((await fetch(`${gw.baseUrl}/admin/ollama`)).status).toBe(401);
  });

  it('reports the running Ollama, and suggests coding models when only an embedding model is installed', async () => {
    const res = await gw.admin('/admin/ollama?refresh=1');
    expect(res.status).toBe(200);
    const s = (await res.json()) as OllamaStatus;
    expect(s).toMatchObject({ state: 'running', endpoint: ollama.url, version: '0.12.6', models: [{ name: 'nomic-embed-text:latest' }] });
    expect(s.suggestions).toContain('qwen2.5-coder:1.5b');
    const status = (await (await gw.admin('/admin/status')).json()) as StatusResponse;
    expect(status.ollama.state).toBe('running');
  });

  it('pulls a model with SSE progress, after which it is listed and no longer suggested', async () => {
    const res = await gw.admin('/admin/ollama/pull', { method: 'POST', body: JSON.stringify({ model: 'qwen2.5-coder:1.5b' }) });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    const events = (await res.text())
      .split('\n\n')
      .filter((f) => f.startsWith('data: '))
      .map((f) => JSON.parse(f.slice(6)) as PullProgress);
    expect(events.length).toBeGreaterThan(3);
    expect(events.some((e) => typeof e.total === 'number' && typeof e.completed === 'number')).toBe(true);
    expect(events.at(-1)).toEqual({ status: 'success', done: true });
    expect(ollama.requests.filter((r) => r.path === '/api/pull').map((r) => r.body)).toEqual([{ name: 'qwen2.5-coder:1.5b', stream: true }]);

    const s = (await (await gw.admin('/admin/ollama')).json()) as OllamaStatus;
    expect(s.models.map((m) => m.name)).toContain('qwen2.5-coder:1.5b');
    expect(s.suggestions).toEqual([]);
  });

  it('rejects a bad model name with 400 in the admin envelope', async () => {
    const res = await gw.admin('/admin/ollama/pull', { method: 'POST', body: JSON.stringify({ model: '../../etc' }) });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { param: string } }).error.param).toBe('model');
  });

  it('notices Ollama going down and coming back on refresh', async () => {
    await ollama.stop();
    const down = (await (await gw.admin('/admin/ollama?refresh=1')).json()) as OllamaStatus;
    expect(down.state).not.toBe('running');
    expect(down.models).toEqual([]);
    await ollama.restart();
    const up = (await (await gw.admin('/admin/ollama?refresh=true')).json()) as OllamaStatus;
    expect(up.state).toBe('running');
  });
});
