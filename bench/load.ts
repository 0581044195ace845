// Issue 7's load run: N concurrent streaming clients on loopback for D seconds against two slow fake upstreams
// (each in its own process), with fallback configured; halfway through, the first upstream is killed.
// Reports completed streams, clean error events, malformed streams (must be 0), crashes (must be 0), the
// gateway's peak RSS (target ≤ 250 MB) and its open file descriptors before and after (no leak).
//
//   node --import tsx bench/load.ts                      full run: 1,000 clients × 60 s
//   LOAD_CLIENTS=100 LOAD_DURATION_S=10 node --import tsx bench/load.ts     quick run
//   LOAD_CHUNKS (20) × LOAD_CHUNK_DELAY_MS (100) set how slowly each upstream stream arrives.
//
// Everything is bounded: each client stops at the deadline, the total request count is capped, every request
// has a timeout, and all traffic goes to 127.0.0.1.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { loadOrCreateAdminToken } from '../main/settings/admin-token.js';
import { freePort, spawnReady, type Child } from './procs.js';

const env = (name: string, def: number): number => {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : def;
};

interface Tally {
  started: number;
  completed: number;
  /** 200 streams that ended with a well-formed error event (e.g. cut when the upstream died). */
  errorEvents: number;
  /** Error responses in the JSON envelope (429 overloaded, 502 all targets failed…), by status. */
  errorStatuses: Record<number, number>;
  malformed: number;
  malformedSamples: string[];
  latenciesMs: number[];
}

/** Soft RLIMIT_NOFILE of this process (children inherit it). */
function fdLimit(): number {
  const m = /Max open files\s+(\d+|unlimited)/.exec(readFileSync('/proc/self/limits', 'utf8'));
  return !m || m[1] === 'unlimited' ? Infinity : Number(m[1]);
}

const rssMb = (pid: number): number => {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : 0;
};
const fdCount = (pid: number): number => readdirSync(`/proc/${pid}/fd`).length;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const progress = (msg: string): void => void process.stderr.write(`load: ${msg}\n`);

/** Classifies one finished response. An SSE body must be whole frames of JSON ending in [DONE] or an error. */
function classify(status: number, contentType: string, text: string, t: Tally): void {
  const bad = (why: string): void => {
    t.malformed++;
    if (t.malformedSamples.length < 5) t.malformedSamples.push(`${status} ${why}: ${text.slice(-200)}`);
  };
  if (status !== 200) {
    try {
      const body = JSON.parse(text) as { error?: { message?: unknown } };
      if (typeof body.error?.message !== 'string') return bad('error without envelope');
      t.errorStatuses[status] = (t.errorStatuses[status] ?? 0) + 1;
    } catch {
      bad('error body not JSON');
    }
    return;
  }
  if (!contentType.includes('text/event-stream')) return bad('200 without SSE');
  if (!text.endsWith('\n\n')) return bad('stream cut mid-frame');
  const frames = text.split('\n\n').filter((f) => f.trim() !== '' && !f.startsWith(':'));
  const last = frames.at(-1) ?? '';
  for (const f of frames) {
    if (!f.startsWith('data: ')) return bad('frame without data');
    const data = f.slice(6);
    if (data === '[DONE]') continue;
    try {
      JSON.parse(data);
    } catch {
      return bad('frame not JSON');
    }
  }
  if (last === 'data: [DONE]') {
    if (frames.some((f) => f.startsWith('data: {"error"'))) return bad('error event followed by [DONE]');
    t.completed++;
  } else if (last.startsWith('data: {"error"')) {
    t.errorEvents++;
  } else {
    bad('stream ended without [DONE] or an error event');
  }
}

async function startUpstream(delayMs: number, chunks: number): Promise<Child> {
  return spawnReady(['--import', 'tsx', 'bench/upstream.ts', '--delay-ms', String(delayMs), '--chunks', String(chunks)]);
}

async function startGatewayChild(up1: number, up2: number): Promise<Child & { dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'lynkr-load-'));
  writeFileSync(
    join(dir, 'settings.json'),
    JSON.stringify({
      providers: [
        { id: 'up1', kind: 'openai-compatible', baseUrl: `http://127.0.0.1:${up1}/v1`, apiKey: 'sk-load-key-1-000000000', models: ['m'], maxConcurrent: 5_000 },
        { id: 'up2', kind: 'openai-compatible', baseUrl: `http://127.0.0.1:${up2}/v1`, apiKey: 'sk-load-key-2-000000000', models: ['m'], maxConcurrent: 5_000 },
      ],
      aliases: { load: { description: 'load test', targets: ['up1/m', 'up2/m'] } },
      defaultModel: 'load',
      fallback: { enabled: true, retries: 0, breakerThreshold: 5, breakerCooldownMs: 600_000 },
      cache: { exact: { enabled: false }, semantic: { enabled: false } },
      log: { level: 'warn' },
    }),
  );
  const port = await freePort();
  const settingsFile = join(dir, 'settings.json');
  const settings = JSON.parse(readFileSync(settingsFile, 'utf8')) as Record<string, unknown>;
  writeFileSync(settingsFile, JSON.stringify({ ...settings, server: { port } }));
  // The same composition root as `lynkr start` (built if dist exists, else from source under tsx, which adds
  // some RSS of its own; the report says which). It also reports its heap so the RSS can be explained.
  const entry = BUILT ? new URL('../dist/main/cli/start.js', import.meta.url).href : new URL('../main/cli/start.ts', import.meta.url).href;
  const code = [
    `const { startGateway } = await import(${JSON.stringify(entry)});`,
    `const g = await startGateway({ dataDir: ${JSON.stringify(dir)}, env: {}, cwd: ${JSON.stringify(dir)} });`,
    'process.stdout.write(`READY ${g.port}\\n`);',
    "setInterval(() => { const m = process.memoryUsage(); process.stdout.write(`MEM ${JSON.stringify(m)}\\n`); }, 500).unref();",
    "process.on('SIGTERM', () => void g.close().then(() => process.exit(0)));",
  ].join('\n');
  const child = await spawnReady([...nodeFlags(), ...(BUILT ? [] : ['--import', 'tsx']), '--input-type=module', '-e', code]);
  return { ...child, dir };
}

const BUILT = existsSync('dist/main/cli/start.js');
/** Extra V8/Node flags for the gateway process, e.g. LOAD_NODE_FLAGS=--max-old-space-size=128 (read per run). */
const nodeFlags = (): string[] => (process.env.LOAD_NODE_FLAGS ?? '').split(' ').filter(Boolean);

export async function run(): Promise<string> {
  const clients = env('LOAD_CLIENTS', 1_000);
  const durationS = env('LOAD_DURATION_S', 60);
  const chunks = env('LOAD_CHUNKS', 20);
  const chunkDelayMs = env('LOAD_CHUNK_DELAY_MS', 100);
  const maxRequests = clients * Math.ceil(durationS) * 10;
  const needFds = clients * 3 + 256;
  if (fdLimit() < needFds) {
    throw new Error(`open-file limit ${fdLimit()} is below ${needFds} for ${clients} clients: run \`ulimit -n 8192\` first`);
  }

  const children: Child[] = [];
  // Whatever happens, no child outlives the run (a live child would also keep this process from exiting).
  const killAll = (): void => children.forEach((c) => c.proc.exitCode === null && c.proc.signalCode === null && c.proc.kill('SIGKILL'));
  process.once('exit', killAll);
  try {
    const up1 = await startUpstream(chunkDelayMs, chunks);
    children.push(up1);
    const up2 = await startUpstream(chunkDelayMs, chunks);
    children.push(up2);
    progress(`upstreams on ${up1.port}, ${up2.port}`);
    const gw = await startGatewayChild(up1.port, up2.port);
    children.push(gw);
    progress(`gateway pid ${gw.proc.pid} on ${gw.port}`);
    return await measure({ clients, durationS, chunks, chunkDelayMs, maxRequests, up1, up2, gw });
  } finally {
    killAll();
    process.off('exit', killAll);
  }
}

interface Setup {
  clients: number;
  durationS: number;
  chunks: number;
  chunkDelayMs: number;
  maxRequests: number;
  up1: Child;
  up2: Child;
  gw: Child & { dir: string };
}

async function measure({ clients, durationS, chunks, chunkDelayMs, maxRequests, up1, up2, gw }: Setup): Promise<string> {
  const pid = gw.proc.pid!;
  // The child's own memory breakdown, sampled every 500 ms: the peak of each field.
  const memPeak: Record<string, number> = {};
  gw.proc.stdout?.on('data', (d: Buffer) => {
    for (const m of d.toString().matchAll(/^MEM (\{.*\})$/gm)) {
      for (const [k, v] of Object.entries(JSON.parse(m[1]) as Record<string, number>)) memPeak[k] = Math.max(memPeak[k] ?? 0, v / 2 ** 20);
    }
  });
  let crashes = 0;
  gw.proc.on('exit', (code, signal) => {
    if (!stopping) crashes++;
    exitInfo = `${code ?? ''}${signal ?? ''}`;
  });
  let stopping = false;
  let exitInfo = '';

  const agent = new Agent({ connections: clients + 16, keepAliveTimeout: 2_000, headersTimeout: 30_000, bodyTimeout: 30_000 });
  const url = `http://127.0.0.1:${gw.port}/v1/chat/completions`;
  const body = JSON.stringify({ model: 'load', stream: true, messages: [{ role: 'user', content: 'stream to me slowly' }] });

  // Warm up one request so lazy module loads and pools are in place before the "before" fd count.
  await (await request(url, { method: 'POST', dispatcher: agent, headers: { 'content-type': 'application/json' }, body })).body.text();
  await agent.close();
  await sleep(6_000); // let the warm-up's keep-alive sockets (client 5 s server side, upstream pool) close
  const fdsBefore = fdCount(pid);
  progress(`warm-up done; ${clients} clients for ${durationS} s`);
  const rssBefore = rssMb(pid);

  const client = new Agent({ connections: clients + 16, keepAliveTimeout: 2_000, headersTimeout: 30_000, bodyTimeout: 30_000 });
  const t: Tally = { started: 0, completed: 0, errorEvents: 0, errorStatuses: {}, malformed: 0, malformedSamples: [], latenciesMs: [] };
  let peakRss = rssBefore;
  const sampler = setInterval(() => {
    try {
      peakRss = Math.max(peakRss, rssMb(pid));
    } catch {
      /* process gone: counted as a crash */
    }
  }, 200);

  const t0 = Date.now();
  const deadline = t0 + durationS * 1000;
  let killedAt: number | undefined;
  const killer = setTimeout(() => {
    killedAt = Date.now() - t0;
    up1.proc.kill('SIGKILL');
  }, (durationS * 1000) / 2);

  async function clientLoop(i: number): Promise<void> {
    // Spread the start over the first second so 1,000 connects do not land in one tick.
    await sleep((i * 1000) / clients);
    while (Date.now() < deadline && t.started < maxRequests && crashes === 0) {
      t.started++;
      const s = performance.now();
      try {
        const res = await request(url, { method: 'POST', dispatcher: client, headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(30_000) });
        const text = await res.body.text();
        classify(res.statusCode, String(res.headers['content-type'] ?? ''), text, t);
        t.latenciesMs.push(performance.now() - s);
        // 429 means "back off": honour Retry-After like a real client would.
        if (res.statusCode === 429) await sleep(Number(res.headers['retry-after'] ?? 1) * 1000);
      } catch (e) {
        t.malformed++;
        const err = e as Error & { code?: string };
        if (t.malformedSamples.length < 5) t.malformedSamples.push(`transport at ${((Date.now() - t0) / 1000).toFixed(1)} s after ${(performance.now() - s).toFixed(0)} ms: ${err.code ?? ''} ${err.message}`);
      }
    }
  }

  await Promise.all(Array.from({ length: clients }, (_, i) => clientLoop(i)));
  const elapsedS = (Date.now() - t0) / 1000;
  progress(`load done: ${t.started} streams; waiting for idle sockets to close`);
  clearTimeout(killer);
  clearInterval(sampler);
  await client.close();
  // Idle keep-alive sockets close after the server's keepAliveTimeout (5 s) and the upstream pool's.
  await sleep(7_000);
  const fdsAfter = crashes ? NaN : fdCount(pid);
  const rssAfter = crashes ? NaN : rssMb(pid);
  // "Loses nothing": every stream the clients started has its row in the request log (plus the warm-up).
  let logged = NaN;
  try {
    const status = await request(`http://127.0.0.1:${gw.port}/admin/status`, { headers: { authorization: `Bearer ${loadOrCreateAdminToken(gw.dir)}` } });
    logged = ((await status.body.json()) as { requestsToday?: number }).requestsToday ?? NaN;
  } catch {
    /* reported as NaN */
  }

  stopping = true;
  // procs.ts's stop() waits for 'exit' when exitCode is null, which a signal-killed child never sends again.
  const alive = (c: Child): boolean => c.proc.exitCode === null && c.proc.signalCode === null;
  for (const c of [gw, up1, up2]) if (alive(c)) await c.stop();
  rmSync(gw.dir, { recursive: true, force: true });

  const lat = t.latenciesMs.sort((a, b) => a - b);
  const pct = (p: number): number => lat[Math.min(lat.length - 1, Math.floor(lat.length * p))] ?? NaN;
  const statuses = Object.entries(t.errorStatuses).map(([s, n]) => `${s}: ${n}`).join(', ') || 'none';
  const yes = (ok: boolean): string => (ok ? 'yes' : '**no**');
  return [
    `${clients} concurrent streaming clients for ${elapsedS.toFixed(1)} s against two fake upstreams streaming ${chunks} chunks ${chunkDelayMs} ms apart (≈${((chunks * chunkDelayMs) / 1000).toFixed(1)} s per stream), fallback up1 → up2; up1 killed (SIGKILL) at ${((killedAt ?? NaN) / 1000).toFixed(1)} s. Gateway in its own process: \`startGateway()\` from ${BUILT ? 'dist' : 'source under tsx (not built)'}${nodeFlags().length ? ` with \`${nodeFlags().join(' ')}\`` : ''}.`,
    '',
    '| measure | value | target | met |',
    '|---|---|---|---|',
    `| streams started | ${t.started} | | |`,
    `| completed streams (\`[DONE]\`) | ${t.completed} | | |`,
    `| clean error events (stream cut when up1 died) | ${t.errorEvents} | | |`,
    `| error responses in the envelope | ${statuses} | | |`,
    `| request-log rows (streams started + 1 warm-up) | ${logged} of ${t.started + 1} | all | ${yes(logged === t.started + 1)} |`,
    `| malformed streams / transport errors | ${t.malformed} | 0 | ${yes(t.malformed === 0)} |`,
    `| gateway crashes | ${crashes}${crashes ? ` (exit ${exitInfo})` : ''} | 0 | ${yes(crashes === 0)} |`,
    `| gateway peak RSS | ${peakRss.toFixed(0)} MB (idle before ${rssBefore.toFixed(0)} MB, after ${rssAfter.toFixed(0)} MB) | ≤ 250 MB | ${yes(peakRss <= 250)} |`,
    `| gateway heap used / total / external+buffers at peak | ${(memPeak.heapUsed ?? NaN).toFixed(0)} / ${(memPeak.heapTotal ?? NaN).toFixed(0)} / ${((memPeak.external ?? NaN) + (memPeak.arrayBuffers ?? 0)).toFixed(0)} MB | | |`,
    `| gateway open fds before / after | ${fdsBefore} / ${fdsAfter} | no leak | ${yes(fdsAfter <= fdsBefore + 2)} |`,
    `| stream latency p50 / p99 | ${pct(0.5).toFixed(0)} / ${pct(0.99).toFixed(0)} ms | | |`,
    ...(t.malformedSamples.length ? ['', 'Malformed samples:', ...t.malformedSamples.map((s) => `- \`${s.replace(/`/g, "'").replace(/\n/g, '\\n')}\``)] : []),
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(await run());
}
