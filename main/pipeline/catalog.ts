import type { Provider } from '../core/provider.js';
import type { ModelInfo } from '../core/types.js';

export interface ProviderProbe {
  id: string;
  kind: string;
  locality: 'local' | 'cloud';
  endpoint: string;
  reachable: boolean;
  latencyMs: number;
  models: string[];
  /** Of `models`, those the provider reports as embedding-only (ModelInfo.kind): never offered as chat models. */
  embeddingModels: string[];
  error?: string;
}

const PROBE_TIMEOUT_MS = 1_500;
const FRESH_MS = 5_000;

/**
 * Asks providers what they serve (Ollama's /api/tags, /models) with a short deadline, caches the answer briefly,
 * and reports discovered models so bare model names resolve. Used by /v1/models, /health/ready and the CLI line.
 */
export class ModelCatalog {
  private cache = new Map<string, { at: number; probe: Promise<ProviderProbe> }>();

  constructor(
    private readonly providers: () => Provider[],
    /** With each model's kind and capabilities: the router learns which models embed. */
    private readonly onDiscovered: (providerId: string, models: ModelInfo[]) => void = () => {},
  ) {}

  probeAll(opts: { force?: boolean; localOnly?: boolean } = {}): Promise<ProviderProbe[]> {
    const providers = this.providers().filter((p) => !opts.localOnly || p.locality === 'local');
    return Promise.all(providers.map((p) => this.probe(p, opts.force)));
  }

  probe(p: Provider, force = false): Promise<ProviderProbe> {
    const hit = this.cache.get(p.id);
    if (!force && hit && performance.now() - hit.at < FRESH_MS) return hit.probe;
    const probe = this.run(p);
    this.cache.set(p.id, { at: performance.now(), probe });
    return probe;
  }

  private async run(p: Provider): Promise<ProviderProbe> {
    const started = performance.now();
    const base = { id: p.id, kind: p.kind, locality: p.locality, endpoint: p.endpoint };
    try {
      const models: ModelInfo[] = await p.listModels({ signal: AbortSignal.timeout(PROBE_TIMEOUT_MS), requestId: 'probe' });
      const ids = models.map((m) => m.id);
      this.onDiscovered(p.id, models);
      const embeddingModels = models.filter((m) => m.kind === 'embedding').map((m) => m.id);
      return { ...base, reachable: true, latencyMs: performance.now() - started, models: ids, embeddingModels };
    } catch (e) {
      return { ...base, reachable: false, latencyMs: performance.now() - started, models: [], embeddingModels: [], error: e instanceof Error ? e.message : String(e) };
    }
  }
}
