// SIGTERM/SIGINT on the real `lynkr start` process (bin/lynkr.js → dist/lynkr.mjs; `npm test` builds first) with
// 20 streams in flight against a slow upstream: the process stops accepting, lets the streams finish within the
// grace period or ends them with an error event in the client's own format, writes a request-log row for each,
// and exits 0. A second signal exits at once.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/openai.js';

const STREAMS = 20;
const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

interface Lynkr {
  child: ChildProcess;
  port: number;
  dir: string;
  stderr: () => string;
  exited: Promise<number | null>;
}

async function startLynkr(fake: FakeOpenAI, graceMs: number): Promise<Lynkr> {
  const dir = mkdtempSync(join(tmpdir(), 'lynkr-stop-'));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  const settings = {
    log: { level: 'warn' },
    server: { shutdownGraceMs: graceMs },
    // Twenty identical requests: no cache, so every one reaches the upstream.
    cache: { exact: { enabled: false } },
    providers: [{ id: 'slow', kind: 'openai-compatible', baseUrl: fake.url, models: ['m'], local: true }],
  };
  writeFileSync(join(dir, 'settings.json'), JSON.stringify(settings));
  const child = spawn(process.execPath, ['bin/lynkr.js', 'start', '--port', '0', '--data-dir', dir], { env: { PATH: process.env.PATH }, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  cleanup.push(() => child.exitCode === null && child.kill('SIGKILL'));
  let out = '';
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const line = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start line: ${out} ${err}`)), 15_000);
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) {
        clearTimeout(timer);
        resolve(out.split('\n')[0]);
      }
    });
    void exited.then((code) => reject(new Error(`exited ${code}: ${out} ${err}`)));
  });
  return { child, port: Number(/localhost:(\d+)\/v1/.exec(line)?.[1]), dir, stderr: () => err, exited };
}

interface OpenStream {
  format: 'openai' | 'anthropic';
  /** The whole body, once the server ended it. */
  text: Promise<string>;
}

/** Starts a stream (half OpenAI chat, half Anthropic messages) and resolves once its first bytes arrived. */
async function openStream(port: number, i: number): Promise<OpenStream> {
  const format = i % 2 === 0 ? 'openai' : 'anthropic';
  const path = format === 'openai' ? '/v1/chat/completions' : '/v1/messages';
  const body = { model: 'slow/m', stream: true, max_tokens: 100, messages: [{ role: 'user', content: `stream ${i}` }] };
  const res = await fetch(`http://127.0.0.1:${port}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.status).toBe(200);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const first = await reader.read();
  let text = decoder.decode(first.value, { stream: true });
  const rest = (async () => {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return text + decoder.decode();
      text += decoder.decode(value, { stream: true });
    }
  })();
  // A cut stream rejects; the tests look at it only after the process exited.
  rest.catch(() => {});
  return { format, text: rest };
}

/** How a stream ended: its format's own end, or its format's own error event (nothing else, never a cut). */
function ending(s: OpenStream, text: string): 'completed' | 'error-event' {
  const frames = text.trim().split('\n\n');
  const last = frames.at(-1) ?? '';
  if (s.format === 'openai') {
    if (last === 'data: [DONE]') return 'completed';
    expect(JSON.parse(last.replace(/^data: /, ''))).toMatchObject({ error: { code: 'shutting_down', message: 'The gateway is shutting down' } });
    return 'error-event';
  }
  if (last.startsWith('event: message_stop\n')) return 'completed';
  expect(last.split('\n')[0]).toBe('event: error');
  expect(JSON.parse(last.split('\n')[1].replace(/^data: /, ''))).toEqual({ type: 'error', error: { type: 'overloaded_error', message: 'The gateway is shutting down' } });
  return 'error-event';
}

/** The request log's rows, read from requests.db after the process exited. */
function logRows(dir: string): { status: number; error?: string }[] {
  const db = new Database(join(dir, 'requests.db'), { readonly: true });
  try {
    const rows = db.prepare('SELECT record FROM requests').all() as { record: string }[];
    return rows.map((r) => {
      const { status, error } = JSON.parse(r.record) as { status: number; error?: string };
      return { status, error };
    });
  } finally {
    db.close();
  }
}

async function slowUpstream(chunks: number, delayMs: number): Promise<FakeOpenAI> {
  const fake = await startFakeOpenAI({ models: ['m'] });
  cleanup.push(() => fake.close());
  fake.reply({ text: Array.from({ length: chunks }, (_, i) => `w${i}`).join(' '), chunks, delayMs });
  return fake;
}

describe('lynkr start: SIGTERM with 20 streams in flight', () => {
  it('lets them finish within the grace period, stops accepting, logs 20 rows, exits 0', async () => {
    // About 2.4 s per stream, well inside a 15 s grace period.
    const fake = await slowUpstream(12, 200);
    const lynkr = await startLynkr(fake, 15_000);
    const streams = await Promise.all(Array.from({ length: STREAMS }, (_, i) => openStream(lynkr.port, i)));
    const t0 = Date.now();
    lynkr.child.kill('SIGTERM');
    // It stops accepting while it drains (still running), not only once it has exited.
    const health = (): Promise<boolean> => fetch(`http://127.0.0.1:${lynkr.port}/health`).then(() => true, () => false);
    while (await health()) await new Promise((r) => setTimeout(r, 20));
    expect(lynkr.child.exitCode).toBeNull();

    const texts = await Promise.all(streams.map((s) => s.text));
    expect(streams.map((s, i) => ending(s, texts[i]))).toEqual(Array(STREAMS).fill('completed'));
    expect(await lynkr.exited).toBe(0);
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(lynkr.stderr()).not.toContain('again');
    const rows = logRows(lynkr.dir);
    expect(rows).toHaveLength(STREAMS);
    expect(rows.every((r) => r.status === 200 && r.error === undefined)).toBe(true);
  }, 30_000);

  it('ends the streams still running at the deadline with an error event in their own format, logs them, exits 0', async () => {
    // 6 s between chunks, against a grace period of 1 s: each row reaches the log before exit only because the
    // shutdown stops the upstream call behind its stream instead of waiting for the next chunk.
    const fake = await slowUpstream(10, 6_000);
    const lynkr = await startLynkr(fake, 1_000);
    const streams = await Promise.all(Array.from({ length: STREAMS }, (_, i) => openStream(lynkr.port, i)));
    const t0 = Date.now();
    lynkr.child.kill('SIGTERM');
    const texts = await Promise.all(streams.map((s) => s.text));
    expect(streams.map((s, i) => ending(s, texts[i]))).toEqual(Array(STREAMS).fill('error-event'));
    expect(await lynkr.exited).toBe(0);
    expect(Date.now() - t0).toBeLessThan(4_000);
    const rows = logRows(lynkr.dir);
    expect(rows).toHaveLength(STREAMS);
    for (const r of rows) expect(r).toEqual({ status: 503, error: 'The gateway is shutting down' });
  }, 30_000);

  it('non-streaming requests still waiting at the deadline get a 503 in their own format, and a row each', async () => {
    const fake = await startFakeOpenAI({ models: ['m'], script: { headersDelayMs: 60_000 } });
    cleanup.push(() => fake.close());
    const lynkr = await startLynkr(fake, 500);
    const ask = (path: string) =>
      fetch(`http://127.0.0.1:${lynkr.port}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'slow/m', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }),
      });
    const openai = ask('/v1/chat/completions');
    const anthropic = ask('/v1/messages');
    while (fake.count('/chat/completions') < 2) await new Promise((r) => setTimeout(r, 20));
    lynkr.child.kill('SIGTERM');
    const [o, a] = await Promise.all([openai, anthropic]);
    expect([o.status, a.status]).toEqual([503, 503]);
    expect(await o.json()).toMatchObject({ error: { code: 'shutting_down', message: 'The gateway is shutting down' } });
    expect(await a.json()).toEqual({ type: 'error', error: { type: 'overloaded_error', message: 'The gateway is shutting down' } });
    expect(await lynkr.exited).toBe(0);
    expect(logRows(lynkr.dir)).toEqual([
      { status: 503, error: 'The gateway is shutting down' },
      { status: 503, error: 'The gateway is shutting down' },
    ]);
  }, 30_000);

  it('a second signal exits at once, without waiting for the grace period', async () => {
    const fake = await slowUpstream(50, 200);
    const lynkr = await startLynkr(fake, 20_000);
    const streams = await Promise.all(Array.from({ length: 4 }, (_, i) => openStream(lynkr.port, i)));
    lynkr.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    // Still draining: the first signal alone did not end it.
    expect(lynkr.child.exitCode).toBeNull();
    const t0 = Date.now();
    lynkr.child.kill('SIGINT');
    expect(await lynkr.exited).toBe(1);
    expect(Date.now() - t0).toBeLessThan(2_000);
    expect(lynkr.stderr()).toContain('SIGINT again: exiting now');
    await Promise.all(streams.map((s) => s.text.catch(() => '')));
  }, 30_000);
});
