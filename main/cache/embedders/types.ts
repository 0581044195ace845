export type EmbedderState = 'loading' | 'ready' | 'error';

export interface Embedder {
  /** Stable id naming the vector space (model + variant); it names the vec table, so spaces never mix. */
  readonly id: string;
  /** Known up front for the builtin embedders; 0 for remote ones until the first vectors arrive. */
  readonly dim: number;
  /** False while a builtin model is still loading: the cache bypasses rather than make a request wait for it. */
  readonly ready?: boolean;
  /** For /health/ready: still loading (vectors, or `auto` still choosing), ready, or its last load/embed failed. */
  readonly state?: EmbedderState;
  /** One unit-length vector per text. Throws on failure; the cache counts it and bypasses that request. */
  embed(texts: string[], signal: AbortSignal): Promise<Float32Array[]>;
}

export function normalize(v: Float32Array): Float32Array {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += v[i] * v[i];
  const n = Math.sqrt(sum);
  if (n > 0) for (let i = 0; i < v.length; i++) v[i] /= n;
  return v;
}

export const STOPWORDS = new Set(
  ('a an the is are was were be been being am do does did doing i me my we our you your it its this that these ' +
    'those of to in on at for by with from as into about can could would should will shall may might must how what ' +
    'which who whom whose why when where there here and or but if so than then please tell explain give show me ' +
    'some any one way ways best good just also very really want need like get have has had using use')
    .split(' '),
);

/** Lowercase word tokens, keeping code-ish characters (c++, c#, node.js, snake_case). */
export function words(text: string): string[] {
  return text.toLowerCase().match(/[a-z0-9][a-z0-9+#._-]*[a-z0-9+#]|[a-z0-9]/g) ?? [];
}
