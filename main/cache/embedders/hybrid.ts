// Builtin embedder 3: averaged word vectors concatenated with hashed character n-grams. The word vectors carry
// meaning ("reverse" ~ "invert"); the n-grams carry the words the vector vocabulary lacks (mutex, kubectl, numpy),
// which otherwise vanish and let "Define a spinlock" look like any other "define" question.
import { embedNgrams } from './ngram.js';
import type { Embedder } from './types.js';
import { createWinkEmbedder } from './wink.js';
import { SHIPPED_VOCAB } from './word-vectors-file.js';

export function createHybridEmbedder(opts: { vocab?: number; ngramDim?: number; wordWeight?: number } = {}): Embedder & { preload(): Promise<void> } {
  const vocab = opts.vocab ?? SHIPPED_VOCAB;
  const ngramDim = opts.ngramDim ?? 156;
  // Share of the cosine that comes from the word vectors (weights are squared in the dot product).
  const share = opts.wordWeight ?? 0.6;
  const a = Math.sqrt(share);
  const b = Math.sqrt(1 - share);
  const words = createWinkEmbedder(vocab);
  const dim = words.dim + ngramDim;
  return {
    id: `builtin-hybrid-w${vocab}-n${ngramDim}-s${Math.round(share * 100)}`,
    dim,
    get ready() {
      return words.ready;
    },
    get state() {
      return words.state;
    },
    async embed(texts, signal) {
      const wv = await words.embed(texts, signal);
      return texts.map((t, i) => {
        const out = new Float32Array(dim);
        const w = wv[i];
        const wordsKnown = w.some((x) => x !== 0);
        // With no known word, the n-grams are all there is.
        const wa = wordsKnown ? a : 0;
        const wb = wordsKnown ? b : 1;
        for (let k = 0; k < w.length; k++) out[k] = wa * w[k];
        const g = embedNgrams(t, ngramDim);
        for (let k = 0; k < ngramDim; k++) out[words.dim + k] = wb * g[k];
        return out;
      });
    },
    preload: () => words.preload(),
  };
}
