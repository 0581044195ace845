// The live services the admin routes drive. Each is declared and implemented in its own concern's folder (types
// flow down: nothing there imports from admin/); the composition root (cli/start.ts) hands them to
// createAdminRouter().
import type { CacheAdmin } from '../cache/types.js';
import type { RequestLogReader } from '../observability/request-log-reader.js';
import type { OllamaManager } from '../ollama/types.js';
import type { ProviderRegistry } from '../providers/registry.js';
import type { BreakerBoard } from '../routing/breaker.js';
import type { SettingsStore } from '../settings/store.js';

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
