// The near-miss guard. Vector similarity cannot tell "capital of Australia" from "capital of Austria", or
// "install" from "uninstall": near misses are often closer on the surface than true paraphrases. After the vector
// search we reject a candidate whose prompt differs from the new one in a number, a negation, a named entity or a
// term from a contrast class. It trades some recall for precision; bench/cache.ts measures both.

import { ANTONYMS, CONTRAST_CLASSES, FUNCTION_WORDS, INFLECTIONS, NEGATIONS, NUMBER_VALUES, NUMBER_WORDS, PHRASES, SYNONYMS } from './near-miss-lexicon.js';

const NUMBER_WORD_SET = new Set(NUMBER_WORDS);
/** Classes where only naming two different members differs; naming one on one side only is a paraphrase's detail. */
const SWAP_ONLY_CLASSES = new Set(['unit', 'tool']);

/** surface form (lowercase unless case-sensitive) → `${class}:${term}` ids (a word may sit in several antonym pairs) */
const termIndex = new Map<string, string[]>();
const caseSensitiveForms = new Set<string>();
const phraseForms: [RegExp, string][] = [];

function addForm(form: string, id: string): void {
  if (/\s/.test(form)) phraseForms.push([new RegExp(`\\b${form.toLowerCase().replace(/[.+#]/g, '\\$&')}\\b`), id]);
  else if (form !== form.toLowerCase()) caseSensitiveForms.add(form);
  const key = form === form.toLowerCase() ? form : `#${form}`;
  const ids = termIndex.get(key) ?? [];
  if (!ids.includes(id)) termIndex.set(key, [...ids, id]);
}
for (const [cls, terms] of Object.entries(CONTRAST_CLASSES)) {
  for (const [term, forms] of Object.entries(terms)) for (const f of forms) addForm(f, `${cls}:${term}`);
}
/** A class member's canonical id: "js" and "JavaScript", "km" and "kilometres" are one word to the guard. */
const classTerm = (key: string): string | undefined => termIndex.get(key)?.[0];
for (const [a, b] of ANTONYMS) {
  const pair = `antonym:${a}/${b}`;
  for (const w of [a, b]) {
    for (const inf of INFLECTIONS) {
      const form = w.endsWith('e') && (inf === 'ed' || inf === 'ing' || inf === 'es') ? w.slice(0, -1) + inf : w + inf;
      if (!termIndex.get(form)?.some((id) => !id.startsWith('antonym'))) addForm(form, `${pair}:${w}`);
    }
  }
}

interface Features {
  numbers: string[];
  negated: boolean;
  /** Named-entity candidates, canonical (a class member's id, else the lowercased word). */
  entities: Set<string>;
  /** Every word, lowercased and canonical, for checking that the other prompt mentions an entity anywhere. */
  words: Set<string>;
  /** contrast class (or antonym pair) → members present */
  contrast: Map<string, Set<string>>;
  /** Every word, lowercased, in order. */
  sequence: string[];
  /** Content words (not function words, not numbers), canonical, in order; `>` marks a direction word (to, into, in). */
  content: string[];
  /** Antonym terms (`antonym:a/b:a`) in order of appearance. */
  order: string[];
}

/**
 * A light stemmer, enough to see "closure"/"closures", "make"/"making", "create"/"created", "safe"/"safely" as one
 * word: plural and verb endings off, then a final "e" and a doubled consonant ("running"), so both sides meet.
 */
function lightStem(w: string): string {
  if (w.length <= 3) return w;
  let s = w;
  if (/ies$/.test(s)) s = `${s.slice(0, -3)}y`;
  else if (/(ches|shes|sses|xes|zes)$/.test(s)) s = s.slice(0, -2);
  else if (/[^su]s$/.test(s)) s = s.slice(0, -1);
  else if (s.length > 5 && /ing$/.test(s)) s = s.slice(0, -3);
  else if (s.length > 4 && /ed$/.test(s)) s = s.slice(0, -2);
  else if (s.length > 5 && /ly$/.test(s)) s = s.slice(0, -2);
  if (/([b-df-hj-np-tv-z])\1$/.test(s) && !/(ss|ll)$/.test(s)) s = s.slice(0, -1);
  return s.length > 3 ? s.replace(/e$/, '') : s;
}

/** stem → the stem of its synonym group's head */
const synonymOf = new Map<string, string>();
for (const group of SYNONYMS) for (const w of group) if (!synonymOf.has(lightStem(w))) synonymOf.set(lightStem(w), lightStem(group[0]));

function stem(w: string): string {
  const s = lightStem(w);
  return synonymOf.get(s) ?? s;
}

const TOKEN = /[A-Za-z][A-Za-z0-9+#._'-]*[A-Za-z0-9+#]|[A-Za-z]|\d+(?:[.,:]\d+)*%?/g;
const DIRECTION_WORDS = new Set(['to', 'into', 'in']);
/** Not a function word (nor a synonym of one), not a number. */
const isContentWord = (low: string): boolean =>
  !FUNCTION_WORDS.has(low) && !FUNCTION_WORDS.has(stem(low)) && !/^\d/.test(low) && !NUMBER_WORD_SET.has(low) && !NUMBER_VALUES[low];
/** "per second", "a second": a unit, not an ordinal. */
const UNIT_BEFORE_SECOND = new Set(['per', 'a', 'one', 'each', 'every']);

function features(raw: string): Features {
  const text = PHRASES.reduce((t, [re, to]) => t.replace(re, to), raw);
  const numbers: string[] = [];
  const entities = new Set<string>();
  const words = new Set<string>();
  const contrast = new Map<string, Set<string>>();
  const sequence: string[] = [];
  const content: string[] = [];
  const order: string[] = [];
  let negated = false;
  const note = (id: string): void => {
    const cut = id.lastIndexOf(':');
    const cls = id.slice(0, cut);
    const member = id.slice(cut + 1);
    if (cls.startsWith('antonym') && !order.includes(id)) order.push(id);
    let set = contrast.get(cls);
    if (!set) contrast.set(cls, (set = new Set()));
    set.add(member);
  };
  const lower = text.toLowerCase();
  for (const [phrase, id] of phraseForms) if (phrase.test(lower)) note(id);

  // Split into sentences so that a capitalised first word is not taken for a name.
  for (const sentence of text.split(/(?<=[.!?:;\n])\s+|\n+/)) {
    let first = true;
    for (const m of sentence.matchAll(TOKEN)) {
      const tok = m[0].replace(/[.']+$/, '').replace(/'s$/i, '');
      const low = tok.toLowerCase();
      const bare = low.replace(/'/g, '');
      const ids = (caseSensitiveForms.has(tok) ? termIndex.get(`#${tok}`) : undefined) ?? termIndex.get(low) ?? [];
      const term = ids.find((id) => !id.startsWith('antonym'));
      const canonical = term ?? low;
      const prev = sequence[sequence.length - 1];
      words.add(canonical);
      words.add(low);
      sequence.push(low);
      const unitSecond = low === 'second' && prev !== undefined && UNIT_BEFORE_SECOND.has(prev);
      if (/^\d/.test(tok)) numbers.push(tok.replace(/,/g, ''));
      else if (/^[a-z]{1,2}\d+$/i.test(tok)) numbers.push(tok.replace(/^[a-z]+/i, '')); // v20, ww2
      else if (NUMBER_WORD_SET.has(low) && !unitSecond) numbers.push(NUMBER_VALUES[low] ?? low);
      else if (NUMBER_VALUES[low]) numbers.push(NUMBER_VALUES[low]);
      if (NEGATIONS.has(bare) || /n't$/.test(low) || low.startsWith('non-')) negated = true;
      for (const id of ids) note(id);
      if (DIRECTION_WORDS.has(low)) content.push('>');
      else if (isContentWord(low)) content.push(term ?? stem(low));
      // A name: capitalised (not the sentence's first word, not "I"), an acronym, CamelCase, or code-like.
      const capitalised = /^[A-Z]/.test(tok) && !first && tok !== 'I';
      const codeLike = /[A-Z].*[A-Z]|[a-z][A-Z]|_|\.\w|\(\)/.test(tok);
      if ((capitalised || codeLike) && !/^\d/.test(tok)) entities.add(canonical);
      first = false;
    }
  }
  numbers.sort();
  return { numbers, negated, entities, words, contrast, sequence, content, order };
}

/** Why `a` and `b` must not share an answer, or null when the guard finds no difference. */
export function nearMissReason(a: string, b: string): string | null {
  if (a.trim().toLowerCase() === b.trim().toLowerCase()) return null;
  const fa = features(a);
  const fb = features(b);
  if (fa.numbers.join('|') !== fb.numbers.join('|')) return 'number';
  if (fa.negated !== fb.negated) return 'negation';
  // Classes (languages, OSes, databases, frameworks): naming a different member, or naming one only on one side,
  // differs. Antonym pairs, units and tools: only a swap counts ("install" vs "uninstall", "npm" vs "yarn"); one
  // side dropping the word ("git undo last commit" / "undo the last commit") is a paraphrase.
  for (const cls of new Set([...fa.contrast.keys(), ...fb.contrast.keys()])) {
    const ma = fa.contrast.get(cls);
    const mb = fb.contrast.get(cls);
    const swapOnly = cls.startsWith('antonym') || SWAP_ONLY_CLASSES.has(cls);
    if (swapOnly ? ma && mb && !sameSet(ma, mb) : !ma || !mb || !sameSet(ma, mb)) {
      return `contrast:${cls.startsWith('antonym') ? 'antonym' : cls}`;
    }
  }
  for (const e of fa.entities) if (!fb.words.has(e)) return 'entity';
  for (const e of fb.entities) if (!fa.words.has(e)) return 'entity';
  if (isLocalEdit(fa.sequence, fb.sequence) || isContentSwap(fa.content, fb.content)) return 'substitution';
  if (isReordered(fa, fb) || isPermutation(fa.sequence, fb.sequence) || isCrossed(fa.content, fb.content)) return 'direction';
  return null;
}

/**
 * Word order and function words aside, each prompt has one or two content words the other lacks ("current
 * timestamp" / "current date", "npm install" / "yarn install", "make … lowercase" / "check … is lowercase"). A
 * paraphrase keeps the content words (up to the synonyms we know) and adds or drops a few; a near miss swaps one.
 */
function isContentSwap(a: string[], b: string[]): boolean {
  const sa = new Set(a.filter((w) => w !== '>'));
  const sb = new Set(b.filter((w) => w !== '>'));
  const onlyA = [...sa].filter((w) => !sb.has(w));
  const onlyB = [...sb].filter((w) => !sa.has(w));
  return Math.min(onlyA.length, onlyB.length) === 1 && Math.max(onlyA.length, onlyB.length) <= SWAP_MAX;
}
const SWAP_MAX = 2;

/** A context ("in Python", "on Linux") is not what a conversion goes from or to; a unit is. */
const isOperand = (w: string): boolean => w !== '>' && (!w.includes(':') || w.startsWith('unit:'));

/** "list to set" / "set into a list", "PDF to Word" / "Word to PDF conversion": the words around a direction word traded places. */
function isCrossed(a: string[], b: string[]): boolean {
  const arrows = (c: string[]): Set<string> => {
    const out = new Set<string>();
    c.forEach((w, i) => {
      if (w !== '>' || i === 0 || i === c.length - 1) return;
      const [x, y] = [c[i - 1], c[i + 1]];
      if (isOperand(x) && isOperand(y) && x !== y) out.add(`${x}>${y}`);
    });
    return out;
  };
  const ab = arrows(b);
  for (const arrow of arrows(a)) {
    const [x, y] = arrow.split('>');
    if (ab.has(`${y}>${x}`)) return true;
  }
  return false;
}

function sameSet(a: Set<string>, b: Set<string>): boolean {
  if (a.size !== b.size) return false;
  for (const x of a) if (!b.has(x)) return false;
  return true;
}

/**
 * The prompts differ in one place only, by at most two words on each side, and what differs is a content word
 * that is not a synonym ("sort a dict by value" / "by key", "delete a local branch" / "a remote branch", "stash
 * changes" / "drop stashed changes"). A true paraphrase rewords more than that, or swaps a function word or a
 * known synonym ("remove" / "delete", "on Linux" / "in Linux").
 */
function isLocalEdit(a: string[], b: string[]): boolean {
  return isWindowEdit(a, b) || isPositionalEdit(a, b);
}

/** Same length, at most two positions differ, and they differ in content words ("bits in a byte" / "bytes in a word"). */
function isPositionalEdit(a: string[], b: string[]): boolean {
  if (a.length !== b.length) return false;
  const diff: number[] = [];
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) diff.push(i);
  if (diff.length === 0 || diff.length > 2) return false;
  return diff.some((i) => !(FUNCTION_WORDS.has(a[i]) && FUNCTION_WORDS.has(b[i])) && stem(a[i]) !== stem(b[i]));
}

function isWindowEdit(a: string[], b: string[]): boolean {
  let p = 0;
  while (p < a.length && p < b.length && a[p] === b[p]) p++;
  let s = 0;
  while (s < a.length - p && s < b.length - p && a[a.length - 1 - s] === b[b.length - 1 - s]) s++;
  const ma = a.slice(p, a.length - s).filter((w) => !FUNCTION_WORDS.has(w));
  const mb = b.slice(p, b.length - s).filter((w) => !FUNCTION_WORDS.has(w));
  if (a.length - p - s > 2 || b.length - p - s > 2) return false;
  if (ma.length === 0 && mb.length === 0) return false;
  const sa = ma.map(stem).sort().join(' ');
  const sb = mb.map(stem).sort().join(' ');
  return sa !== sb;
}

/** Both members of an antonym pair in both prompts, in the opposite order ("Celsius to Fahrenheit" / "Fahrenheit to Celsius"). */
function isReordered(fa: Features, fb: Features): boolean {
  const pairOf = (id: string): string => id.slice(0, id.lastIndexOf(':'));
  for (const pair of new Set(fa.order.map(pairOf))) {
    const a = fa.order.filter((id) => pairOf(id) === pair);
    const b = fb.order.filter((id) => pairOf(id) === pair);
    if (a.length === 2 && b.length === 2 && a[0] !== b[0]) return true;
  }
  return false;
}

/** The same words in another order ("dict to JSON" / "JSON to dict"): direction or roles swapped. */
function isPermutation(a: string[], b: string[]): boolean {
  if (a.length !== b.length || a.join(' ') === b.join(' ')) return false;
  return [...a].sort().join(' ') === [...b].sort().join(' ');
}
