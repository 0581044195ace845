// Builtin embedder 1: signed feature hashing of character 3-grams and whole words. No model, no server,
// ~microseconds per prompt; captures spelling overlap, not meaning.
import { type Embedder, normalize, STOPWORDS, words } from './types.js';

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function embedNgrams(text: string, dim: number): Float32Array {
  const v = new Float32Array(dim);
  const add = (feature: string, weight: number): void => {
    const h = fnv1a(feature);
    v[h % dim] += h & 0x80000000 ? -weight : weight;
  };
  for (const w of words(text)) {
    const weight = STOPWORDS.has(w) ? 0.25 : 1;
    add(`w:${w}`, 2 * weight);
    const padded = ` ${w} `;
    for (let i = 0; i + 3 <= padded.length; i++) add(padded.slice(i, i + 3), weight);
  }
  return normalize(v);
}

export function createNgramEmbedder(dim = 512): Embedder {
  return {
    id: `builtin-ngram3-${dim}`,
    dim,
    embed: async (texts) => texts.map((t) => embedNgrams(t, dim)),
  };
}
