// One vec0 table per embedder space. Layout "quantized" (what the cache uses): the context hash is a partition
// key, so a lookup scans only its own conversation context; a bit[dim] copy gives a cheap hamming first pass,
// whose candidates are rescored with the full float cosine distance. Layout "brute" is the naive baseline
// (bench/cache.ts compares them).
import type Database from 'better-sqlite3';

export type VecLayout = 'quantized' | 'brute';

export interface VecHit {
  id: number;
  /** Cosine similarity, 1 = same direction. */
  similarity: number;
}

export function vecTableName(embedderId: string, dim: number): string {
  return `vec_${embedderId.toLowerCase().replace(/[^a-z0-9]+/g, '_')}_${dim}`;
}

const blob = (v: Float32Array): Buffer => Buffer.from(v.buffer, v.byteOffset, v.byteLength);

/** bit[] columns need a multiple of 8 dimensions; zero padding changes neither cosine nor the sign bits that matter. */
export const paddedDim = (dim: number): number => Math.ceil(dim / 8) * 8;

/**
 * Hamming candidates rescored per lookup. sqlite-vec's KNN time grows with k × rows (100k rows at 768 bits:
 * 3.6 ms at k = 4, 3.9 at 8, 6.2 at 32, 9.6 at 64), so k is kept small. But hamming distance estimates the angle
 * with noise ∝ 1/√bits, so narrow codes need a wider shortlist to keep the cosine-best entry in it.
 */
export const shortlistSize = (bits: number): number => Math.min(32, Math.max(8, Math.round((8 * 768) / bits)));

export class VecIndex {
  private readonly insertStmt: Database.Statement;
  private readonly searchStmt: Database.Statement;
  private readonly deleteStmt: Database.Statement;

  private readonly width: number;

  constructor(
    private readonly db: Database.Database,
    readonly name: string,
    readonly dim: number,
    readonly layout: VecLayout = 'quantized',
    /** Hamming candidates rescored per lookup. */
    private readonly candidates = shortlistSize(paddedDim(dim)),
  ) {
    if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`bad vec table name ${name}`);
    const width = (this.width = paddedDim(dim));
    if (layout === 'quantized') {
      // The full vector is an auxiliary column (a plain rowid-keyed table): rescoring k candidates reads k rows,
      // where a second vec0 vector column would read slices out of large chunk blobs.
      db.exec(`CREATE VIRTUAL TABLE IF NOT EXISTS ${name} USING vec0(
        ctx TEXT PARTITION KEY, bq BIT[${width}], expires_at INTEGER, +emb BLOB)`);
      this.insertStmt = db.prepare(
        `INSERT INTO ${name}(rowid, ctx, bq, emb, expires_at) VALUES (?, ?, vec_quantize_binary(?), ?, ?)`,
      );
      this.searchStmt = db.prepare(
        `SELECT rowid AS id, vec_distance_cosine(emb, :q) AS d FROM ${name}
         WHERE bq MATCH vec_quantize_binary(:q) AND k = :k AND ctx = :ctx AND expires_at > :now`,
      );
    } else {
      db.exec(`CREATE VIRTUAL TABLE IF NOT EXISTS ${name} USING vec0(
        emb FLOAT[${width}] distance_metric=cosine, +ctx TEXT, +expires_at INTEGER)`);
      this.insertStmt = db.prepare(`INSERT INTO ${name}(rowid, ctx, emb, expires_at) VALUES (?, ?, ?, ?)`);
      // Brute force cannot filter inside the KNN scan (auxiliary columns), so it filters the k results afterwards.
      this.searchStmt = db.prepare(`SELECT rowid AS id, distance AS d, ctx, expires_at FROM ${name} WHERE emb MATCH :q AND k = :k`);
    }
    this.deleteStmt = db.prepare(`DELETE FROM ${name} WHERE rowid = ?`);
  }

  private pad(v: Float32Array): Float32Array {
    if (v.length === this.width) return v;
    if (v.length !== this.dim) throw new Error(`vector has ${v.length} dims, table ${this.name} expects ${this.dim}`);
    const out = new Float32Array(this.width);
    out.set(v);
    return out;
  }

  insert(id: number, ctx: string, v: Float32Array, expiresAt: number): void {
    const b = blob(this.pad(v));
    if (this.layout === 'quantized') this.insertStmt.run(BigInt(id), ctx, b, b, BigInt(expiresAt));
    else this.insertStmt.run(BigInt(id), ctx, b, BigInt(expiresAt));
  }

  delete(id: number): void {
    this.deleteStmt.run(BigInt(id));
  }

  /** Nearest live entries in the same context, best first. */
  search(ctx: string, v: Float32Array, now: number, limit = 3): VecHit[] {
    const q = blob(this.pad(v));
    const rows =
      this.layout === 'quantized'
        ? (this.searchStmt.all({ q, k: this.candidates, ctx, now: BigInt(now) }) as { id: number; d: number }[])
        : (this.searchStmt.all({ q, k: this.candidates }) as { id: number; d: number; ctx: string; expires_at: number }[]).filter(
            (r) => r.ctx === ctx && r.expires_at > now,
          );
    return rows
      .sort((a, b) => a.d - b.d)
      .slice(0, limit)
      .map((r) => ({ id: Number(r.id), similarity: 1 - r.d }));
  }
}
