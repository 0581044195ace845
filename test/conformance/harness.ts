/**
 * Runs a real client CLI (Claude Code, Codex) headless and isolated, for the conformance suites.
 *
 * Isolation, per run:
 *   - a fresh temp root with its own HOME, TMPDIR and working directory; the CLIs' own config dirs
 *     (CLAUDE_CONFIG_DIR, CODEX_HOME) live inside that HOME;
 *   - a minimal environment built from scratch (nothing of this machine's env leaks in: no keys, no proxies);
 *   - no network but loopback: HTTP(S)_PROXY / ALL_PROXY point at a loopback "blackhole" proxy that refuses
 *     every request and records what the CLI tried to reach, and NO_PROXY exempts only loopback (where the
 *     gateway listens). Both CLIs honour these variables (Claude Code: its proxy docs; Codex: reqwest and git);
 *   - a hard timeout: the CLI runs in its own process group, and the whole group is SIGKILLed at the deadline
 *     and again once the CLI exits (so no shell, MCP server or helper it started outlives the test).
 *
 * The clients come from LYNKR_CONFORMANCE_DIR (default: test/conformance), where `npm run conformance:install`
 * puts the pinned versions and `npm run conformance:latest` the newest ones.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export type ClientName = 'claude' | 'codex';

const PACKAGE_OF: Record<ClientName, string> = { claude: '@anthropic-ai/claude-code', codex: '@openai/codex' };

/** Where the client packages are installed (a folder with node_modules/). */
export function clientsDir(): string {
  const own = dirname(fileURLToPath(import.meta.url));
  return resolve(process.env.LYNKR_CONFORMANCE_DIR ?? own);
}

export interface Client {
  bin: string;
  version: string;
}

/** The installed client, or an error that says how to install it (the suites fail, never skip). */
export function requireClient(name: ClientName): Client {
  const dir = clientsDir();
  const bin = join(dir, 'node_modules', '.bin', name);
  const pkg = join(dir, 'node_modules', PACKAGE_OF[name], 'package.json');
  if (!existsSync(bin) || !existsSync(pkg)) {
    throw new Error(
      `${PACKAGE_OF[name]} is not installed in ${dir}. Run \`npm run conformance:install\` ` +
        '(it installs the pinned clients of test/conformance/package.json), then run the tests again.',
    );
  }
  const version = (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version;
  return { bin, version };
}

export interface Sandbox {
  root: string;
  home: string;
  /** The CLI's working directory (its project). */
  work: string;
  tmp: string;
  close(): void;
}

/** TMPDIR is inside the root but apart from HOME: Codex refuses to put its helper binaries under the temp dir. */
export function makeSandbox(prefix: string): Sandbox {
  const root = mkdtempSync(join(tmpdir(), `lynkr-conformance-${prefix}-`));
  const home = join(root, 'home');
  const work = join(root, 'work');
  const tmp = join(root, 'tmp');
  for (const d of [home, work, tmp]) mkdirSync(d, { recursive: true });
  return { root, home, work, tmp, close: () => rmSync(root, { recursive: true, force: true }) };
}

export interface BlackholeProxy {
  url: string;
  /** Every host:port (CONNECT) or URL (plain HTTP) a CLI tried to reach outside loopback. */
  attempts: string[];
  close(): Promise<void>;
}

/** A loopback proxy that refuses everything: the CLIs' only way out, so outside traffic fails fast and is seen. */
export async function startBlackholeProxy(): Promise<BlackholeProxy> {
  const attempts: string[] = [];
  const server: Server = createServer((req, res) => {
    attempts.push(req.url ?? '?');
    res.writeHead(403, { 'content-type': 'text/plain', connection: 'close' }).end('no network in conformance tests');
  });
  server.on('connect', (req, socket) => {
    attempts.push(req.url ?? '?');
    socket.end('HTTP/1.1 403 Forbidden\r\nconnection: close\r\n\r\n');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    attempts,
    close: () => new Promise<void>((r) => server.close(() => r())).then(() => undefined),
  };
}

/**
 * The whole environment of a CLI run. PATH has the system folders plus this Node's folder (Codex's launcher is a
 * `#!/usr/bin/env node` script); everything else is named here.
 */
export function baseEnv(box: Sandbox, proxyUrl: string): Record<string, string> {
  const noProxy = '127.0.0.1,localhost,::1';
  return {
    PATH: [dirname(process.execPath), '/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'].join(':'),
    HOME: box.home,
    TMPDIR: box.tmp,
    USER: 'conformance',
    SHELL: '/bin/bash',
    LANG: 'C.UTF-8',
    TERM: 'dumb',
    NO_COLOR: '1',
    HTTP_PROXY: proxyUrl,
    HTTPS_PROXY: proxyUrl,
    ALL_PROXY: proxyUrl,
    http_proxy: proxyUrl,
    https_proxy: proxyUrl,
    all_proxy: proxyUrl,
    NO_PROXY: noProxy,
    no_proxy: noProxy,
  };
}

export interface RunResult {
  command: string;
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  ms: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd: string;
  env: Record<string, string>;
  timeoutMs: number;
}

const killGroup = (pid: number | undefined): void => {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // the group is already gone
  }
};

/** Runs `bin args` in its own process group with stdin closed; resolves when it exits or the deadline kills it. */
export function runCli(bin: string, args: string[], opts: RunOptions): Promise<RunResult> {
  const started = Date.now();
  const command = [bin, ...args].map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : JSON.stringify(a))).join(' ');
  return new Promise((resolveRun, reject) => {
    const child = spawn(bin, args, { cwd: opts.cwd, env: opts.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid);
    }, opts.timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      killGroup(child.pid);
      resolveRun({ command, code, signal, timedOut, ms: Date.now() - started, stdout, stderr });
    });
  });
}

/** The JSON values of a JSONL text (lines that are not JSON are skipped: CLIs print banners). */
export function jsonLines(text: string): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (!t.startsWith('{')) continue;
    try {
      out.push(JSON.parse(t) as Record<string, unknown>);
    } catch {
      // not a JSON line
    }
  }
  return out;
}

const tail = (s: string, n: number): string => (s.length > n ? `…${s.slice(-n)}` : s);

/** A CLI run as text, for failure reports. */
export function describeRun(run: RunResult | undefined): string {
  if (!run) return '(the CLI did not run)';
  const end = run.timedOut ? `killed after the ${run.ms} ms timeout` : `exit ${run.code ?? run.signal} after ${run.ms} ms`;
  return [`$ ${run.command}`, end, `--- stdout\n${tail(run.stdout, 6000)}`, `--- stderr\n${tail(run.stderr, 3000)}`].join('\n');
}
