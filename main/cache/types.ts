// What the cache offers the rest of the app: its counters, its health and the operations the admin API drives
// (cache.ts implements CacheAdmin). Types only, with no imports: the window imports them (through
// admin/contract.ts) and type-checks them without Node's types.

/** How the semantic cache's embedder is doing (/health/ready, /admin/status); `off` while the semantic cache is. */
export type EmbedderHealth = 'loading' | 'ready' | 'error' | 'off';

export interface CacheHealth {
  exact: boolean;
  semantic: boolean;
  disabledReason?: string;
  embedder: EmbedderHealth;
}

export interface CacheStats {
  entries: number;
  bytes: number;
  hits: { exact: number; semantic: number };
  misses: number;
  bypasses: number;
  tokensSaved: number;
  costSavedUsd: number;
  embedderFailures: number;
  /** Semantic matches over the threshold refused because the prompts differ in a word that changes the answer (near-miss.ts). */
  nearMissRejects: number;
  threshold: number;
  /** The embedder's internal id (names its vector space), e.g. `builtin-hybrid-w50000-n156-s70`. */
  embedder: string;
  /** The same, readable (`Built-in (word vectors + n-grams)`); set by the admin route. */
  embedderLabel?: string;
  disabledReason?: string;
}

export interface CacheAdmin {
  stats(): CacheStats;
  clear(alias?: string): number;
  setThreshold(threshold: number): void;
  /** Also how the semantic cache's embedder is doing (semantic.ts): /health/ready and /admin/status show it. */
  health(): CacheHealth;
}
