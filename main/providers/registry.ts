// Provider instances built from settings. Rebuilt when the providers or the upstream timeouts change: unchanged
// providers keep their instance (and warm connections); replaced ones are closed gracefully (in-flight calls end).
import type { Provider } from '../core/provider.js';
import type { ProviderSettings, Settings } from '../settings/schema.js';
import { createProvider } from './factories.js';
import { timeoutsFrom } from './http.js';

/** Provider instances built from settings, by id: what routing, the cache's embedders and the admin API look up. */
export interface ProviderRegistry {
  get(id: string): Provider | undefined;
  all(): Provider[];
}

export interface ProviderProblem {
  id: string;
  message: string;
}

export interface ProviderRegistryHandle extends ProviderRegistry {
  /** Providers that are enabled but could not be built (e.g. no baseUrl, kind not supported yet). */
  problems(): ProviderProblem[];
  /** Closes every instance's pool. */
  close(): Promise<void>;
}

type Subscribe = (listener: (next: Settings, prev: Settings) => void) => () => void;

interface Built {
  key: string;
  provider: Provider;
}

const configKey = (p: ProviderSettings, s: Settings): string => JSON.stringify([p, timeoutsFrom(s.server)]);

export function createProviderRegistry(
  getSettings: () => Settings,
  onChange?: Subscribe,
  onError?: (problem: ProviderProblem) => void,
): ProviderRegistryHandle {
  let built = new Map<string, Built>();
  let list: Provider[] = [];
  let problems: ProviderProblem[] = [];
  let seen: Settings | undefined;

  const sync = (s: Settings): void => {
    if (s === seen) return;
    seen = s;
    const next = new Map<string, Built>();
    const nextProblems: ProviderProblem[] = [];
    for (const p of s.providers) {
      if (!p.enabled || next.has(p.id)) continue;
      const key = configKey(p, s);
      const old = built.get(p.id);
      if (old?.key === key) {
        next.set(p.id, old);
        continue;
      }
      try {
        next.set(p.id, { key, provider: createProvider(p, s) });
      } catch (err) {
        const problem = { id: p.id, message: err instanceof Error ? err.message : String(err) };
        nextProblems.push(problem);
        onError?.(problem);
      }
    }
    for (const [id, old] of built) if (next.get(id) !== old) void old.provider.close?.().catch(() => {});
    built = next;
    list = [...next.values()].map((b) => b.provider);
    problems = nextProblems;
  };

  sync(getSettings());
  onChange?.((next) => sync(next));

  return {
    get(id) {
      sync(getSettings());
      return built.get(id)?.provider;
    },
    all() {
      sync(getSettings());
      return list;
    },
    problems: () => problems,
    async close() {
      const all = [...built.values()];
      built = new Map();
      list = [];
      await Promise.all(all.map((b) => b.provider.close?.().catch(() => {})));
    },
  };
}
