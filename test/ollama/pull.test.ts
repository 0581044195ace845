// pullModel through the ollama package: the bounds its fetch wrapper adds (a capped error body, a capped NDJSON
// line), and each way a pull can fail, with the status and message the admin route passes on.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { GatewayError } from '../../main/core/errors.js';
import { pullModel } from '../../main/ollama/pull.js';
import type { PullProgress } from '../../main/ollama/types.js';
import { startFakeOllamaApi, type FakeOllamaOptions } from './fake-ollama-api.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function fake(opts: FakeOllamaOptions) {
  const api = await startFakeOllamaApi(opts);
  cleanups.push(() => api.close());
  return api;
}

/** A one-off server for behaviours the fake has no switch for. */
async function rawServer(handler: http.RequestListener): Promise<string> {
  const server = http.createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(() => {
    server.closeAllConnections();
    return new Promise<void>((r) => server.close(() => r()));
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function pullError(endpoint: string, model: string, signal = new AbortController().signal, seen: PullProgress[] = []): Promise<GatewayError> {
  const err: unknown = await pullModel(endpoint, model, signal, (p) => seen.push(p)).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(GatewayError);
  return err as GatewayError;
}

describe('pullModel', () => {
  it('answers 404 naming the model when Ollama does not know it', async () => {
    const body = JSON.stringify({ error: 'pull model manifest: file does not exist' });
    const api = await fake({ pullRefusal: { status: 404, contentType: 'application/json; charset=utf-8', body } });
    const err = await pullError(api.url, 'nope:1');
    expect(err).toMatchObject({ kind: 'upstream_http', status: 404, upstreamStatus: 404, provider: 'ollama' });
    expect(err.message).toBe('pull nope:1 failed: pull model manifest: file does not exist');
  });

  it('reads only the head of an endless error body, and hangs up', async () => {
    const api = await fake({ pullRefusal: { status: 500, contentType: 'text/plain', body: 'E'.repeat(64 * 1024), endless: true } });
    const err = await pullError(api.url, 'x:1');
    expect(err).toMatchObject({ status: 502, upstreamStatus: 500 });
    expect(err.message).toBe(`pull x:1 failed: ${'E'.repeat(500)}`);
    await api.pullCancelled;
  });

  it('fails an endless NDJSON line at the cap with a 502, and hangs up', async () => {
    const api = await fake({ pullEndlessLine: true });
    const seen: PullProgress[] = [];
    const err = await pullError(api.url, 'big:1', undefined, seen);
    expect(err).toMatchObject({ kind: 'upstream_protocol', status: 502, provider: 'ollama' });
    expect(err.message).toBe('Ollama sent one NDJSON line over the 64 KiB limit; the call was cut there');
    expect(seen).toEqual([{ status: 'pulling manifest' }]);
    await api.pullCancelled;
  });

  it('says so when the stream ends without "success"', async () => {
    const api = await fake({ pullSteps: 2, pullNoSuccess: true });
    const seen: PullProgress[] = [];
    const err = await pullError(api.url, 'm:1', undefined, seen);
    expect(err).toMatchObject({ kind: 'upstream_protocol', status: 502 });
    expect(err.message).toBe('pull m:1 ended before "success"');
    expect(seen.at(-1)).toEqual({ status: 'verifying sha256 digest' });
  });

  it('says the pull was cut off when the connection breaks mid-stream', async () => {
    const url = await rawServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/x-ndjson' });
      res.write(JSON.stringify({ status: 'pulling manifest' }) + '\n', () => setTimeout(() => req.socket.destroy(), 20));
    });
    const err = await pullError(url, 'm:1');
    expect(err).toMatchObject({ kind: 'upstream_protocol', status: 502 });
    expect(err.message).toBe('pull m:1 was cut off');
  });

  it('cancels while waiting for the headers', async () => {
    let arrived!: () => void;
    const requested = new Promise<void>((r) => (arrived = r));
    let closed!: () => void;
    const hungUp = new Promise<void>((r) => (closed = r));
    const url = await rawServer((req) => {
      arrived();
      req.socket.on('close', closed);
    });
    const ac = new AbortController();
    const pending = pullError(url, 'm:1', ac.signal);
    await requested;
    ac.abort();
    const err = await pending;
    expect(err).toMatchObject({ kind: 'aborted', status: 499, message: 'pull cancelled' });
    await hungUp;
  });
});
