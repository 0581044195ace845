// The live Ollama service behind /admin/ollama: cached status with a periodic re-check, `ollama serve` when
// installed but stopped, and model pulls with progress.
import { spawn as nodeSpawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { GatewayError } from '../core/errors.js';
import type { BinaryProbe } from './binary.js';
import { detectOllama, installHint, normalizeEndpoint, probeApi } from './detect.js';
import { pullModel } from './pull.js';
import type { OllamaManager, OllamaStatus, PullProgress } from './types.js';

type Spawn = (command: string, args: string[], options: SpawnOptions) => ChildProcess;

export interface OllamaManagerOptions {
  /** Read on every check, so a settings change takes effect without a restart. */
  endpoint: () => string | undefined;
  /** Background re-check period; 0 turns it off. */
  recheckMs?: number;
  /** A status younger than this is served from cache. */
  maxAgeMs?: number;
  /** How long start() waits for the API to answer. */
  startTimeoutMs?: number;
  probeTimeoutMs?: number;
  probe?: BinaryProbe;
  spawn?: Spawn;
  platform?: NodeJS.Platform;
}

export interface ManagedOllama extends OllamaManager {
  /** Stops the background re-check. Does not stop an Ollama we started: it outlives us, like a user-started one. */
  close(): void;
}

/** Where the first enabled `ollama` provider points, if any (structural, so this folder needs no settings import). */
export function ollamaEndpointFrom(settings: {
  providers: readonly { kind: string; enabled?: boolean; baseUrl?: string }[];
}): string | undefined {
  return settings.providers.find((p) => p.kind === 'ollama' && p.enabled !== false)?.baseUrl;
}

/** `ollama serve` listens where OLLAMA_HOST says; point it at the endpoint we will poll. */
function hostFor(endpoint: string): string {
  const url = new URL(endpoint);
  return `${url.hostname.replace(/^\[|\]$/g, '')}:${url.port || (url.protocol === 'https:' ? '443' : '80')}`;
}

export function createOllamaManager(opts: OllamaManagerOptions): ManagedOllama {
  const maxAgeMs = opts.maxAgeMs ?? 5_000;
  const startTimeoutMs = opts.startTimeoutMs ?? 20_000;
  const spawn: Spawn = opts.spawn ?? nodeSpawn;
  const platform = opts.platform ?? opts.probe?.platform ?? process.platform;
  let cached: OllamaStatus | undefined;
  let inflight: Promise<OllamaStatus> | undefined;
  let starting: Promise<OllamaStatus> | undefined;

  const check = (): Promise<OllamaStatus> => {
    inflight ??= detectOllama({ endpoint: opts.endpoint(), probe: opts.probe, timeoutMs: opts.probeTimeoutMs })
      .then((s) => (cached = s))
      .finally(() => (inflight = undefined));
    return inflight;
  };

  async function status(refresh = false): Promise<OllamaStatus> {
    if (!refresh && cached && Date.now() - cached.checkedAt < maxAgeMs && cached.endpoint === normalizeEndpoint(opts.endpoint())) {
      return cached;
    }
    return check();
  }

  async function launch(current: OllamaStatus): Promise<OllamaStatus> {
    if (current.state === 'absent' || !current.binaryPath) {
      throw new GatewayError({ kind: 'unavailable', status: 409, message: `Ollama is not installed. ${installHint(platform)}`, provider: 'ollama' });
    }
    const endpoint = current.endpoint;
    const isBundleOnly = current.binaryPath.endsWith('.app');
    const [command, args] = isBundleOnly ? ['open', ['-a', current.binaryPath]] : [current.binaryPath, ['serve']];
    const child = spawn(command, args, {
      // Detached: Ollama keeps running when the app quits, as if the user had started it.
      detached: true,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, OLLAMA_HOST: hostFor(endpoint) },
      windowsHide: true,
    });
    let stderr = '';
    let exited: string | undefined;
    let spawnError: Error | undefined;
    child.stderr?.on('data', (b: Buffer) => (stderr = (stderr + b.toString()).slice(-2_000)));
    child.on('error', (err) => (spawnError = err));
    child.on('exit', (code, signal) => (exited = signal ? `signal ${signal}` : `code ${code}`));
    const release = (): void => {
      child.stderr?.destroy();
      child.unref();
    };
    const deadline = Date.now() + startTimeoutMs;
    try {
      while (Date.now() < deadline) {
        if (await probeApi(endpoint, 1_000)) return await check();
        if (spawnError) throw new Error(`could not run ${command}: ${spawnError.message}`);
        // `open -a` exits at once by design; `ollama serve` exiting means it failed.
        if (exited && !isBundleOnly) throw new Error(`ollama serve exited (${exited})${stderr.trim() ? `: ${stderr.trim().split('\n').slice(-3).join(' | ')}` : ''}`);
        await new Promise((r) => setTimeout(r, 150));
      }
      throw new Error(`Ollama did not answer at ${endpoint} within ${Math.round(startTimeoutMs / 1000)} s`);
    } catch (err) {
      throw new GatewayError({
        kind: 'unavailable',
        status: 502,
        message: `could not start Ollama: ${err instanceof Error ? err.message : String(err)}`,
        provider: 'ollama',
        cause: err,
      });
    } finally {
      release();
    }
  }

  async function start(): Promise<OllamaStatus> {
    const current = await status(true);
    if (current.state === 'running') return current;
    // Two clicks on "Start" must not spawn two servers.
    starting ??= launch(current).finally(() => (starting = undefined));
    return starting;
  }

  async function pull(model: string, signal: AbortSignal, onProgress: (p: PullProgress) => void): Promise<void> {
    await pullModel(normalizeEndpoint(opts.endpoint()), model, signal, onProgress);
    cached = undefined; // the model list changed
  }

  const timer = opts.recheckMs === 0 ? undefined : setInterval(() => void check().catch(() => {}), opts.recheckMs ?? 30_000);
  timer?.unref();

  return { status, start, pull, close: () => timer && clearInterval(timer) };
}
