import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { shortlistSize, VecIndex } from '../../main/cache/vec-index.js';
import { sqliteVecPath } from '../../main/cache/vec-path.js';

function seeded(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const dot = (a: Float32Array, b: Float32Array): number => a.reduce((s, x, i) => s + x * b[i], 0);
const unit = (v: Float32Array): Float32Array => {
  const n = Math.sqrt(dot(v, v));
  return v.map((x) => x / n);
};
const randomUnit = (dim: number, rnd: () => number): Float32Array => unit(Float32Array.from({ length: dim }, () => rnd() - 0.5));

/** A unit vector whose cosine to the unit vector `q` is exactly `cos`. */
function atCosine(q: Float32Array, cos: number, rnd: () => number): Float32Array {
  const u = randomUnit(q.length, rnd);
  const along = dot(u, q);
  const ortho = unit(u.map((x, i) => x - along * q[i]));
  return ortho.map((x, i) => cos * q[i] + Math.sqrt(1 - cos * cos) * x);
}

describe('VecIndex', () => {
  let db: Database.Database | undefined;
  afterEach(() => db?.close());

  it('sizes the hamming shortlist by code width: small for wide codes, wider for narrow ones', () => {
    expect(shortlistSize(768)).toBe(8);
    expect(shortlistSize(1536)).toBe(8);
    expect(shortlistSize(512)).toBe(12);
    expect(shortlistSize(256)).toBe(24);
    expect(shortlistSize(104)).toBe(32);
  });

  // The shortlist is an approximation: this checks it keeps the cosine-best entry in a crowded neighbourhood, the
  // case where hamming noise matters (a paraphrase at 0.90 among 40 related prompts at 0.85, plus unrelated ones).
  it.each([768, 256])('finds the cosine-best entry among close decoys at %i dims', (dim) => {
    db = new Database(':memory:');
    db.loadExtension(sqliteVecPath());
    const index = new VecIndex(db, `t${dim}`, dim);
    const rnd = seeded(dim);
    const far = Date.now() + 3_600_000;
    let id = 0;
    for (let i = 0; i < 2_000; i++) index.insert(++id, 'ctx', randomUnit(dim, rnd), far);
    const trials = 30;
    let found = 0;
    for (let t = 0; t < trials; t++) {
      const q = randomUnit(dim, rnd);
      const target = ++id;
      index.insert(target, 'ctx', atCosine(q, 0.9, rnd), far);
      for (let d = 0; d < 40; d++) index.insert(++id, 'ctx', atCosine(q, 0.85, rnd), far);
      const [best] = index.search('ctx', q, Date.now(), 1);
      if (best?.id === target) found++;
      expect(best.similarity).toBeGreaterThanOrEqual(0.85 - 1e-4);
    }
    expect(found / trials).toBeGreaterThanOrEqual(0.9);
  });

  it('keeps contexts apart and skips expired entries', () => {
    db = new Database(':memory:');
    db.loadExtension(sqliteVecPath());
    const index = new VecIndex(db, 'tctx', 64);
    const rnd = seeded(7);
    const q = randomUnit(64, rnd);
    const now = Date.now();
    index.insert(1, 'other', q, now + 60_000);
    index.insert(2, 'ctx', q, now - 1);
    index.insert(3, 'ctx', atCosine(q, 0.8, rnd), now + 60_000);
    expect(index.search('ctx', q, now, 3).map((h) => h.id)).toEqual([3]);
  });
});
