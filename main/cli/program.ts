// The `lynkr` command line. `start` runs the gateway in this process; every other command drives a running
// gateway through its admin API (admin-client.ts). Everything it touches comes in through CliIO (io.ts), so tests
// run the real commands against a fake admin server and read what was printed.
import { Command, InvalidArgumentError, Option } from 'commander';
import type { CacheStats, ProviderView, RequestRecord, StatusResponse } from '../admin/contract.js';
import { createAdminClient, resolveAdminTarget, type AdminClient } from './admin-client.js';
import { formatCacheStats, formatLogRow, formatProviders, formatStatus } from './format.js';
import type { CliIO } from './io.js';
import { registerRoutingCommands, type AdminOpts } from './routing-commands.js';
import { runStart } from './start-command.js';

export function parsePort(raw: string): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n > 65535) throw new InvalidArgumentError('expected a port number (0-65535)');
  return n;
}

function parseCount(raw: string): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1 || n > 5000) throw new InvalidArgumentError('expected a number from 1 to 5000');
  return n;
}

export function buildProgram(io: CliIO, version = '0.0.0'): Command {
  const program = new Command('lynkr')
    .description('Lynkr: a local OpenAI-compatible LLM gateway (Ollama + cloud providers, routing, fallback, caching)')
    .version(version)
    .configureOutput({ writeOut: (s) => io.out(s.replace(/\n$/, '')), writeErr: (s) => io.err(s.replace(/\n$/, '')) })
    .showHelpAfterError();

  program
    .command('start')
    .description('run the gateway in this terminal (Ctrl-C stops it)')
    .option('--port <port>', 'port to listen on (default 8081; env PORT)', parsePort)
    .option('--host <host>', 'address to listen on (default 127.0.0.1; env HOST)')
    .option('--env-file <path>', 'read variables from this file instead of ./.env')
    .option('--data-dir <dir>', 'settings, admin token and request log (env LYNKR_DATA_DIR)')
    .action(async (o: { port?: number; host?: string; envFile?: string; dataDir?: string }) => {
      await runStart(io, { flags: { port: o.port, host: o.host, envFile: o.envFile }, dataDir: o.dataDir });
    });

  const admin = (cmd: Command): Command =>
    cmd
      .option('--port <port>', 'port of the running gateway (default: from settings, else 8081)', parsePort)
      .option('--data-dir <dir>', 'data dir of the running gateway, where its admin token is')
      .option('--json', 'print the raw JSON');
  const client = (o: AdminOpts): AdminClient => createAdminClient(resolveAdminTarget({ port: o.port, dataDir: o.dataDir, env: io.env, cwd: io.cwd }), io.fetch);
  const print = (o: AdminOpts, value: unknown, text: () => string): void => io.out(o.json ? JSON.stringify(value, null, 2) : text());

  admin(program.command('status').description('show the running gateway: URLs, mode, providers, Ollama, cache')).action(async (o: AdminOpts) => {
    const s = await client(o).get<StatusResponse>('/status');
    print(o, s, () => formatStatus(s));
  });

  registerRoutingCommands(program, { admin, client, print, err: io.err });

  admin(
    program
      .command('logs')
      .description('show recent requests; -f follows new ones')
      .option('-n, --lines <n>', 'how many recent requests', parseCount, 20)
      .option('-f, --follow', 'keep printing requests as they finish')
      .option('-q, --query <text>', 'only requests whose model, provider, status or error contains this'),
  ).action(async (o: AdminOpts & { lines: number; follow?: boolean; query?: string }) => {
    const c = client(o);
    const params = new URLSearchParams({ limit: String(o.lines) });
    if (o.query) params.set('q', o.query);
    const { rows } = await c.get<{ rows: RequestRecord[] }>(`/logs?${params}`);
    const show = (r: RequestRecord): void => io.out(o.json ? JSON.stringify(r) : formatLogRow(r));
    // Oldest first, like tail.
    for (const r of [...rows].reverse()) show(r);
    if (!o.follow) return;
    const stop = new AbortController();
    (io.onSignal ?? onceSignals)(() => stop.abort());
    const needle = o.query?.toLowerCase();
    await c.stream<RequestRecord>('/logs/stream', (r) => {
      if (!needle || JSON.stringify(r).toLowerCase().includes(needle)) show(r);
    }, stop.signal);
    if (!stop.signal.aborted) io.err('the gateway closed the log stream (stopped?)');
  });

  const cache = program.command('cache').description('response cache');
  admin(cache.command('stats').description('entries, hits, misses, tokens saved')).action(async (o: AdminOpts) => {
    const s = await client(o).get<CacheStats>('/cache/stats');
    print(o, s, () => formatCacheStats(s));
  });
  admin(cache.command('clear').description('remove cached responses').addOption(new Option('--alias <name>', 'only entries for this alias'))).action(
    async (o: AdminOpts & { alias?: string }) => {
      const res = await client(o).send<{ removed: number }>('POST', '/cache/clear', o.alias ? { alias: o.alias } : {});
      print(o, res, () => `removed ${res.removed} cached response${res.removed === 1 ? '' : 's'}${o.alias ? ` for ${o.alias}` : ''}`);
    },
  );

  admin(program.command('providers').description('configured providers, their health and (masked) keys')).action(async (o: AdminOpts) => {
    const list = await client(o).get<ProviderView[]>('/providers');
    print(o, list, () => formatProviders(list));
  });

  return program;
}

function onceSignals(handler: (signal: NodeJS.Signals) => void): void {
  process.once('SIGINT', handler);
  process.once('SIGTERM', handler);
}
