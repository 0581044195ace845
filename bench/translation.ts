// Issue 3: what format translation costs. One gateway (its own process) in front of one fake OpenAI upstream
// (its own process); streaming time-to-first-byte of
//   A. an Anthropic-format client (POST /v1/messages) — translated to OpenAI chat and back, and
//   B. an OpenAI chat client (POST /v1/chat/completions) — native pass-through of the same upstream,
// sampled alternately (A, B, A, B…) in the same run so drift hits both alike. Target: A − B ≤ 0.3 ms.
// Plus the in-process cost of the translation itself (parse + encode a whole stream), which is what A − B
// should be made of.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PartSequencer } from '../main/core/stream-parts.js';
import type { StreamPart } from '../main/core/types.js';
import { anthropicMessagesFormat } from '../main/server/anthropic-messages/index.js';
import { firstByte } from './first-byte.js';
import { freePort, spawnReady, spawnUntilUp, type Child } from './procs.js';

const SAMPLES = Number(process.env.BENCH_TTFB_SAMPLES ?? 400);
const TARGET_MS = 0.3;
const prompt = 'Say hello in one short sentence.';

const anthropicBody = JSON.stringify({ model: 'openai/gpt-4o-mini', max_tokens: 256, stream: true, messages: [{ role: 'user', content: prompt }] });
const openaiBody = JSON.stringify({ model: 'openai/gpt-4o-mini', stream: true, messages: [{ role: 'user', content: prompt }] });

/** The gateway from source (the same composition root as `lynkr start`), in its own process. */
async function startGatewayChild(upstreamPort: number): Promise<Child & { dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'lynkr-bench-translation-'));
  const port = await freePort();
  writeFileSync(
    join(dir, 'settings.json'),
    JSON.stringify({
      server: { port },
      providers: [{ id: 'openai', kind: 'openai', baseUrl: `http://127.0.0.1:${upstreamPort}/v1`, apiKey: 'sk-bench-key-0000000000', models: ['gpt-4o-mini'] }],
      cache: { exact: { enabled: false }, semantic: { enabled: false } },
      log: { level: 'warn' },
    }),
  );
  const script = `const { startGateway } = await import(${JSON.stringify(new URL('../main/cli/start.ts', import.meta.url).href)}); await startGateway({ dataDir: ${JSON.stringify(dir)}, env: {}, cwd: ${JSON.stringify(dir)} });`;
  const child = await spawnUntilUp(['--import', 'tsx', '--input-type=module', '-e', script], port, `http://127.0.0.1:${port}/health`);
  return { ...child, dir };
}

async function firstByteMs(url: string, body: string): Promise<number> {
  const r = await firstByte(url, {}, body);
  if (r.status !== 200) throw new Error(`${url}: HTTP ${r.status}`);
  return r.ms;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p90 = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.9)];
const fmt = (n: number, d = 3): string => n.toFixed(d);

/** In-process: parse an Anthropic request, and encode a typical translated stream (µs per request each). */
function translationCostUs(): { parse: number; encode: number } {
  const body = JSON.parse(anthropicBody) as unknown;
  // The parts an OpenAI-wire decoder yields for a short answer, a word per frame.
  const seq = new PartSequencer();
  const parts: StreamPart[] = [{ type: 'response-start', id: 'chatcmpl-1', model: 'gpt-4o-mini', created: 1 }];
  for (const w of 'The quick brown fox jumps over the lazy dog.'.split(' ')) parts.push(...seq.text(`${w} `));
  parts.push(...seq.finish('stop'), ...seq.usage({ inputTokens: 12, outputTokens: 9 }));
  const N = 20_000;
  let sink = 0;
  let t = performance.now();
  for (let i = 0; i < N; i++) sink += anthropicMessagesFormat.parse(body).request.messages.length;
  const parse = ((performance.now() - t) * 1000) / N;
  t = performance.now();
  for (let i = 0; i < N; i++) {
    const enc = anthropicMessagesFormat.createStreamEncoder({ includeUsage: true, requestedModel: 'openai/gpt-4o-mini', passThrough: false });
    for (const p of parts) sink += enc.part(p).length;
    sink += enc.end().length;
  }
  const encode = ((performance.now() - t) * 1000) / N;
  if (sink === 0) throw new Error('nothing encoded');
  return { parse, encode };
}

export async function run(): Promise<string> {
  const upstream = await spawnReady(['--import', 'tsx', 'bench/upstream.ts']);
  const gw = await startGatewayChild(upstream.port);
  try {
    const base = `http://127.0.0.1:${gw.port}/v1`;
    const a: number[] = [];
    const b: number[] = [];
    for (let i = 0; i < 50; i++) {
      await firstByteMs(`${base}/messages`, anthropicBody);
      await firstByteMs(`${base}/chat/completions`, openaiBody);
    }
    for (let i = 0; i < SAMPLES; i++) {
      a.push(await firstByteMs(`${base}/messages`, anthropicBody));
      b.push(await firstByteMs(`${base}/chat/completions`, openaiBody));
    }
    const added = median(a) - median(b);
    const cost = translationCostUs();
    return [
      `Streaming time to first byte, ${SAMPLES} alternating sequential requests each, same gateway and fake OpenAI upstream (separate processes).`,
      '',
      '| client → upstream | median TTFB | p90 TTFB |',
      '|---|---|---|',
      `| OpenAI chat client → OpenAI upstream (native pass-through) | ${fmt(median(b))} ms | ${fmt(p90(b))} ms |`,
      `| Anthropic Messages client → OpenAI upstream (translated both ways) | ${fmt(median(a))} ms | ${fmt(p90(a))} ms |`,
      '',
      `| measure | value | target | met |`,
      '|---|---|---|---|',
      `| translation added to median TTFB (Anthropic − native) | ${fmt(added)} ms | ≤ ${TARGET_MS} ms | ${added <= TARGET_MS ? 'yes' : 'no'} |`,
      `| in-process: validate + translate the Anthropic request | ${fmt(cost.parse, 1)} µs | — | — |`,
      `| in-process: encode a whole 11-chunk stream as Anthropic SSE | ${fmt(cost.encode, 1)} µs | — | — |`,
    ].join('\n');
  } finally {
    await gw.stop();
    await upstream.stop();
    rmSync(gw.dir, { recursive: true, force: true });
  }
}
