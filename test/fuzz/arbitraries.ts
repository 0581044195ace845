// Hostile request bodies for the inbound formats: random JSON, valid bodies with one field replaced by
// something wrong, prototype-pollution keys, and raw bytes that are not JSON at all.
import fc from 'fast-check';

/** Strings that break naive code: lone surrogates, RTL/zero-width marks, NUL, emoji, combining runs, huge. */
export const nastyString: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 64 }),
  fc.constantFrom(
    '',
    '\u0000',
    '\ud800',
    '\udfff\ud800',
    '\u202e\u200b\ufeff',
    'e\u0301\u0301\u0301\u0301',
    '😀👩‍👩‍👧‍👦🏳️‍🌈',
    '%s%n%x',
    '${process.exit()}',
    '{{constructor.constructor("return process")()}}',
    '__proto__',
    'constructor',
    'prototype',
    '\r\n\r\ndata: [DONE]\n\n',
    'ollama/../../etc/passwd',
  ),
  fc.integer({ min: 10_000, max: 300_000 }).map((n) => 'x'.repeat(n)),
  fc.integer({ min: 1_000, max: 20_000 }).map((n) => '😀'.repeat(n)),
);

const nastyNumber = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(-1, 0, -0, 1e21, -1e21, 2 ** 53 + 1, Number.MAX_SAFE_INTEGER, Number.MIN_VALUE, 0.5),
  fc.integer(),
);

/** Nested arrays/objects up to 1,000 deep (deeper ones are built as text in rawBody: V8's own
 *  JSON.stringify/structuredClone in this test process overflow around 2,000). */
export const deepNest: fc.Arbitrary<unknown> = fc.integer({ min: 50, max: 1_000 }).map((depth) => {
  let v: unknown = 'bottom';
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { a: v };
  return v;
});

export const weirdValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.jsonValue({ maxDepth: 3, stringUnit: 'binary' }) },
  { weight: 3, arbitrary: nastyString },
  { weight: 2, arbitrary: nastyNumber },
  { weight: 1, arbitrary: deepNest },
  { weight: 1, arbitrary: fc.constantFrom(null, true, false, [], {}, [null], [{}], [[]]) },
);

type Json = Record<string, unknown>;

/** Sets `path` (dot-separated, numeric segments index arrays) in a deep copy of `base`. */
function setPath(base: Json, path: string[], value: unknown): Json {
  const root = structuredClone(base);
  let cur: Record<string, unknown> | unknown[] = root;
  for (let i = 0; i < path.length - 1; i++) {
    const k = path[i];
    const next: unknown = (cur as Record<string, unknown>)[k];
    if (typeof next !== 'object' || next === null) return root;
    cur = next as Record<string, unknown>;
  }
  (cur as Record<string, unknown>)[path[path.length - 1]] = value;
  return root;
}

/** A valid body with one field (existing or new, top-level or nested) replaced by a weird value. */
export function mutated(base: Json, paths: string[][]): fc.Arbitrary<Json> {
  return fc.tuple(fc.constantFrom(...paths), weirdValue, fc.boolean()).map(([path, value, removeInstead]) => {
    if (removeInstead && path.length === 1) {
      const copy = structuredClone(base);
      delete copy[path[0]];
      return copy;
    }
    return setPath(base, path, value);
  });
}

/** JSON text of a valid body with `__proto__` / `constructor` / `prototype` keys injected at the top and nested. */
export function pollutedText(base: Json): fc.Arbitrary<string> {
  const injection = fc.constantFrom(
    '"__proto__":{"polluted":"yes","isAdmin":true}',
    '"constructor":{"prototype":{"polluted":"yes"}}',
    '"__proto__":{"__proto__":{"polluted":"yes"}}',
    '"prototype":{"polluted":"yes"}',
    '"__proto__":null',
    '"hasOwnProperty":"not a function"',
    '"toString":1',
  );
  return fc.tuple(injection, fc.boolean()).map(([inj, nested]) => {
    const text = JSON.stringify(base);
    if (!nested) return `{${inj},${text.slice(1)}`;
    // Inside the first nested object (e.g. the first message).
    const i = text.indexOf('{', 1);
    return i < 0 ? `{${inj},${text.slice(1)}` : `${text.slice(0, i + 1)}${inj},${text.slice(i + 1)}`;
  });
}

/** Bodies that are not valid JSON, or JSON of the wrong shape entirely. */
export function rawBody(base: Json): fc.Arbitrary<string | Uint8Array> {
  const text = JSON.stringify(base);
  return fc.oneof(
    fc.string({ unit: 'binary', maxLength: 200 }),
    fc.integer({ min: 0, max: text.length - 1 }).map((n) => text.slice(0, n)),
    fc.uint8Array({ minLength: 1, maxLength: 300 }),
    fc.constantFrom('null', 'true', '0', '""', '[]', '[{}]', '1e999', '{"model":1e999}', '\ufeff{}', '{"a":"\\ud800"}', 'NaN', '{,}', '{"a":1,}'),
    fc.integer({ min: 1_000, max: 200_000 }).map((d) => `${'['.repeat(d)}${']'.repeat(d)}`),
    fc.integer({ min: 1_000, max: 100_000 }).map((d) => `${'{"a":'.repeat(d)}1${'}'.repeat(d)}`),
    // A valid body whose one field is nested far deeper than any schema expects.
    fc.tuple(fc.constantFrom(...Object.keys(base)), fc.integer({ min: 2_000, max: 100_000 }), fc.boolean()).map(([key, d, arrays]) => {
      const deep = arrays ? `${'['.repeat(d)}"x"${']'.repeat(d)}` : `${'{"content":'.repeat(d)}"x"${'}'.repeat(d)}`;
      return JSON.stringify({ ...base, [key]: '__DEEP__' }).replace('"__DEEP__"', deep);
    }),
  );
}
