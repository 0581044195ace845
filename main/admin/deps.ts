// The live services the admin routes drive. Each is implemented in its own concern's folder; the composition
// root (cli/start.ts) hands them to createAdminRouter().
import type { Provider } from '../core/provider.js';
import type { RequestRecord } from '../core/ports.js';
import type { Settings } from '../settings/schema.js';
import type { BreakerView, CacheHealth, CacheStats, OllamaStatus, PullProgress, TrafficSeries } from './contract.js';

/** The settings file, live: mutations are validated with the schema and persisted (settings/store.ts). */
export interface SettingsStore {
  get(): Settings;
  /** Applies `mutate` to a copy, validates, persists, then notifies listeners. Throws a 400 GatewayError if invalid. */
  update(mutate: (draft: Settings) => void, opts?: { persist?: boolean }): Settings;
  onChange(listener: (next: Settings, prev: Settings) => void): () => void;
}

/** Provider instances built from settings; rebuilt when providers change (providers/registry.ts). */
export interface ProviderRegistry {
  get(id: string): Provider | undefined;
  all(): Provider[];
}

export interface BreakerBoard {
  view(providerId: string): BreakerView;
  reset(providerId?: string): void;
}

export interface CacheAdmin {
  stats(): CacheStats;
  clear(alias?: string): number;
  setThreshold(threshold: number): void;
  /** Also how the semantic cache's embedder is doing (cache/cache.ts): /health/ready and /admin/status show it. */
  health(): CacheHealth;
}

export interface RequestLogReader {
  query(opts: { limit?: number; before?: number; q?: string }): RequestRecord[];
  /** Live feed of finished requests; returns the unsubscribe function. */
  subscribe(listener: (r: RequestRecord) => void): () => void;
  requestsToday(): number;
  traffic(): TrafficSeries;
  /** Epoch ms of the first request whose user agent looks like LibreChat. */
  librechatSeenAt(): number | undefined;
}

export interface OllamaManager {
  status(refresh?: boolean): Promise<OllamaStatus>;
  start(): Promise<OllamaStatus>;
  pull(model: string, signal: AbortSignal, onProgress: (p: PullProgress) => void): Promise<void>;
}

export interface ServerControl {
  /** URLs and addresses actually bound right now. */
  info(): { port: number; listening: string[]; startedAt: number };
  /** Rebind after a port/host/allowDocker change. */
  rebind(): Promise<void>;
}

export interface AdminDeps {
  version: string;
  settings: SettingsStore;
  providers: ProviderRegistry;
  breakers: BreakerBoard;
  cache: CacheAdmin;
  requests: RequestLogReader;
  ollama: OllamaManager;
  server: ServerControl;
  /** Warnings for the window (e.g. desktop: no OS secret store). */
  warnings: () => string[];
  /** Setting path → the env variable or CLI flag that set it at start (StatusResponse.pinned). */
  pinned: Readonly<Record<string, string>>;
  /** Whether each local provider answered just now, and what it serves (ModelCatalog probes, cached for seconds). */
  probeLocal?: (opts?: { force?: boolean }) => Promise<{ id: string; kind: string; reachable: boolean; models: string[]; error?: string }[]>;
  /** Who chose the Ollama model of the default aliases (routing/installed-model.ts). */
  ollamaModelChosenBy?: () => 'user' | 'installed' | 'default';
}
