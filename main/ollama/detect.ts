// Ollama detection: is the API answering at the configured endpoint, and if not, is the binary installed?
import { Ollama, type ListResponse, type VersionResponse } from 'ollama';
import { boundedFetch } from './bounded-fetch.js';
import { findOllamaBinary, systemProbe, type BinaryProbe } from './binary.js';
import type { OllamaStatus } from './types.js';

export const DEFAULT_OLLAMA_ENDPOINT = 'http://localhost:11434';
export const OLLAMA_INSTALL_URL = 'https://ollama.com/download';

/** Small coding models that run on a laptop, smallest first. */
export const SUGGESTED_MODELS = [
  'qwen2.5-coder:1.5b',
  'qwen2.5-coder:7b',
  'llama3.2:3b',
  // The 16b tag is the "lite" instruct model (~9 GB at q4).
  'deepseek-coder-v2:16b',
] as const;

/** How to get Ollama on this OS, shown when it is absent. */
export function installHint(platform: NodeJS.Platform): string {
  if (platform === 'linux') return `Install Ollama: curl -fsSL https://ollama.com/install.sh | sh (or see ${OLLAMA_INSTALL_URL})`;
  if (platform === 'darwin') return `Install Ollama from ${OLLAMA_INSTALL_URL} (or: brew install ollama)`;
  return `Install Ollama from ${OLLAMA_INSTALL_URL}`;
}

/** The native API root: settings may hold `…/v1` (OpenAI-compatible) or `…/api`; both live on the same server. */
export function normalizeEndpoint(endpoint: string | undefined): string {
  const raw = (endpoint ?? '').trim() || DEFAULT_OLLAMA_ENDPOINT;
  return raw.replace(/\/+$/, '').replace(/\/(v1|api)$/, '');
}

interface TagModel {
  name?: string;
  model?: string;
  size?: number;
  details?: { family?: string; families?: string[] | null };
}

const EMBEDDING_FAMILIES = new Set(['bert', 'nomic-bert', 'xlm-roberta', 'jina-bert-v2']);
const EMBEDDING_NAME = /embed|minilm|(^|[^a-z])(bge|gte|e5)([^a-z]|$)/i;

/** Embedding-only models cannot chat, so they do not count as "a chat model is installed". */
export function isEmbeddingModel(m: TagModel): boolean {
  const families = [m.details?.family, ...(m.details?.families ?? [])].filter((f): f is string => !!f);
  if (families.length > 0 && families.every((f) => EMBEDDING_FAMILIES.has(f))) return true;
  return EMBEDDING_NAME.test(m.name ?? m.model ?? '');
}

export interface DetectOptions {
  endpoint?: string;
  /** Per-request timeout for the API probe; a refused port fails at once regardless. */
  timeoutMs?: number;
  probe?: BinaryProbe;
  now?: () => number;
}

/** /api/version and /api/tags are a few KB; anything near this is not Ollama. */
const STATUS_BODY_BYTES = 8 * 1024 * 1024;

/** Version and models when the API answers, undefined when it does not. */
export async function probeApi(
  endpoint: string,
  timeoutMs = 1500,
): Promise<{ version?: string; models: TagModel[] } | undefined> {
  // Each call gets its own deadline; the package passes no signal on GETs (browser.mjs get()), so it rides in fetch.
  const client = new Ollama({ host: endpoint, fetch: boundedFetch({ timeoutMs, maxBodyBytes: STATUS_BODY_BYTES }) });
  let version: string | undefined;
  try {
    // The package types the server's JSON without checking it.
    const v = (await client.version()) as Partial<VersionResponse> | null;
    version = typeof v?.version === 'string' ? v.version : undefined;
  } catch {
    return undefined;
  }
  try {
    const tags = (await client.list()) as Partial<ListResponse> | null;
    return { version, models: Array.isArray(tags?.models) ? tags.models : [] };
  } catch {
    // The server is up even if listing failed; report it running with no models.
    return { version, models: [] };
  }
}

export async function detectOllama(opts: DetectOptions = {}): Promise<OllamaStatus> {
  const endpoint = normalizeEndpoint(opts.endpoint);
  const now = opts.now ?? Date.now;
  const probe = opts.probe ?? systemProbe();
  const [api, binary] = await Promise.all([probeApi(endpoint, opts.timeoutMs), findOllamaBinary(probe)]);
  if (api) {
    const models = api.models
      .map((m) => ({ name: m.name ?? m.model ?? '', sizeBytes: typeof m.size === 'number' ? m.size : undefined, raw: m }))
      .filter((m) => m.name !== '');
    const hasChatModel = models.some((m) => !isEmbeddingModel(m.raw));
    return {
      state: 'running',
      endpoint,
      version: api.version,
      binaryPath: binary?.path,
      models: models.map(({ name, sizeBytes }) => (sizeBytes === undefined ? { name } : { name, sizeBytes })),
      suggestions: hasChatModel ? [] : [...SUGGESTED_MODELS],
      checkedAt: now(),
    };
  }
  return {
    state: binary ? 'installed-stopped' : 'absent',
    endpoint,
    binaryPath: binary?.path,
    models: [],
    suggestions: [],
    ...(binary ? {} : { installHint: installHint(probe.platform) }),
    checkedAt: now(),
  };
}
