// Precision/recall of the builtin embedders on test/data/semantic-pairs.json, per threshold, with and without
// the near-miss guard. A pair is a predicted hit when similarity ≥ threshold (and the guard lets it through).
import { readFileSync } from 'node:fs';
import { createNgramEmbedder, createWinkEmbedder, type Embedder } from '../main/cache/embedders/index.js';
import { nearMissReason } from '../main/cache/near-miss.js';

export interface Pair {
  a: string;
  b: string;
  label: 'paraphrase' | 'near-miss';
  kind?: string;
}

export interface QualityRow {
  embedder: string;
  threshold: number;
  guard: boolean;
  precision: number;
  recall: number;
  tp: number;
  fp: number;
}

export function loadPairs(name = 'semantic-pairs.json'): Pair[] {
  const file = new URL(`../test/data/${name}`, import.meta.url);
  return (JSON.parse(readFileSync(file, 'utf8')) as { pairs: Pair[] }).pairs;
}

const dot = (a: Float32Array, b: Float32Array): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};

export async function scorePairs(embedder: Embedder, pairs: Pair[]): Promise<number[]> {
  const signal = new AbortController().signal;
  const va = await embedder.embed(pairs.map((p) => p.a), signal);
  const vb = await embedder.embed(pairs.map((p) => p.b), signal);
  return pairs.map((_, i) => dot(va[i], vb[i]));
}

export function precisionRecall(pairs: Pair[], sims: number[], threshold: number, guard: boolean): { precision: number; recall: number; tp: number; fp: number } {
  let tp = 0;
  let fp = 0;
  let positives = 0;
  const blocked = guard ? pairs.map((p) => nearMissReason(p.a, p.b) !== null) : [];
  pairs.forEach((p, i) => {
    if (p.label === 'paraphrase') positives++;
    const hit = sims[i] >= threshold && !(guard && blocked[i]);
    if (hit && p.label === 'paraphrase') tp++;
    if (hit && p.label !== 'paraphrase') fp++;
  });
  return { precision: tp + fp === 0 ? 1 : tp / (tp + fp), recall: tp / positives, tp, fp };
}

export const THRESHOLDS = [0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95];

export async function evaluate(embedders: Embedder[] = [createNgramEmbedder(), createWinkEmbedder()], pairs = loadPairs()): Promise<QualityRow[]> {
  const rows: QualityRow[] = [];
  for (const e of embedders) {
    const sims = await scorePairs(e, pairs);
    for (const guard of [false, true]) {
      for (const t of THRESHOLDS) rows.push({ embedder: e.id, threshold: t, guard, ...precisionRecall(pairs, sims, t, guard) });
    }
  }
  return rows;
}

/** The guard's verdicts alone: which near misses it catches (by kind) and which paraphrases it wrongly blocks. */
export function guardReport(pairs: Pair[]): { caught: Record<string, [number, number]>; blockedParaphrases: Pair[] } {
  const caught: Record<string, [number, number]> = {};
  const blockedParaphrases: Pair[] = [];
  for (const p of pairs) {
    const reason = nearMissReason(p.a, p.b);
    if (p.label === 'near-miss') {
      const k = p.kind ?? 'other';
      caught[k] ??= [0, 0];
      caught[k][1]++;
      if (reason) caught[k][0]++;
    } else if (reason) blockedParaphrases.push(p);
  }
  return { caught, blockedParaphrases };
}
