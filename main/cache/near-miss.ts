// The near-miss guard. Vector similarity cannot tell "capital of Australia" from "capital of Austria", or
// "install" from "uninstall": near misses are often closer on the surface than true paraphrases. After the vector
// search we reject a candidate whose prompt differs from the new one in a number, a negation, a named entity or a
// term from a contrast class. It trades some recall for precision; bench/cache.ts measures both.

const NUMBER_WORDS = [
  'zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve',
  'twenty', 'thirty', 'forty', 'fifty', 'hundred', 'thousand', 'million', 'billion', 'half', 'double', 'triple',
  'first', 'second', 'third', 'fourth', 'fifth', 'last',
];
const NUMBER_WORD_SET = new Set(NUMBER_WORDS);

const NEGATIONS = new Set([
  'not', 'no', 'never', 'none', 'nor', 'neither', 'nothing', 'nobody', 'without', 'cannot', 'cant', 'dont', 'doesnt',
  'didnt', 'isnt', 'arent', 'wasnt', 'werent', 'wont', 'wouldnt', 'shouldnt', 'couldnt', 'mustnt', 'hasnt', 'havent',
  'except', 'excluding', 'unless',
]);

/** Each class: canonical term → surface forms. Two prompts naming different members of a class differ. */
const CONTRAST_CLASSES: Record<string, Record<string, string[]>> = {
  'programming-language': {
    python: ['python', 'python3', 'py'], javascript: ['javascript', 'js', 'node', 'nodejs', 'node.js'],
    typescript: ['typescript', 'ts'], java: ['java'], kotlin: ['kotlin'], swift: ['swift'], rust: ['rust'],
    go: ['golang', 'Go'], c: ['C'], cpp: ['c++', 'cpp'], csharp: ['c#', 'csharp', '.net', 'dotnet'], ruby: ['ruby'],
    php: ['php'], scala: ['scala'], haskell: ['haskell'], perl: ['perl'], r: ['R'], lua: ['lua'], dart: ['dart'],
    elixir: ['elixir'], erlang: ['erlang'], clojure: ['clojure'], julia: ['julia'], zig: ['zig'], ocaml: ['ocaml'],
    bash: ['bash', 'sh', 'shell', 'zsh'], powershell: ['powershell'], sql: ['sql'], fortran: ['fortran'],
    cobol: ['cobol'], matlab: ['matlab'], objc: ['objective-c'], fsharp: ['f#'], groovy: ['groovy'],
  },
  'human-language': Object.fromEntries(
    ['english', 'french', 'spanish', 'german', 'italian', 'portuguese', 'dutch', 'russian', 'chinese', 'mandarin',
      'cantonese', 'japanese', 'korean', 'arabic', 'hindi', 'bengali', 'turkish', 'polish', 'swedish', 'norwegian',
      'danish', 'finnish', 'greek', 'hebrew', 'thai', 'vietnamese', 'indonesian', 'ukrainian', 'czech', 'latin',
      'persian', 'urdu', 'swahili', 'romanian', 'hungarian'].map((l) => [l, [l]]),
  ),
  os: {
    windows: ['windows', 'win10', 'win11', 'wsl'], macos: ['macos', 'mac', 'osx', 'os x', 'macbook'],
    linux: ['linux'], ubuntu: ['ubuntu'], debian: ['debian'], fedora: ['fedora'], arch: ['arch linux', 'archlinux'],
    centos: ['centos', 'rhel'], alpine: ['alpine'], freebsd: ['freebsd'], android: ['android'], ios: ['ios', 'iphone'],
    chromeos: ['chromeos'],
  },
  'database': {
    postgres: ['postgres', 'postgresql'], mysql: ['mysql', 'mariadb'], sqlite: ['sqlite'], mongodb: ['mongodb', 'mongo'],
    redis: ['redis'], oracle: ['oracle'], mssql: ['sql server', 'mssql'],
  },
};

/** Antonym verb/adjective pairs. Words are matched with common inflections (s, es, ed, d, ing). */
const ANTONYMS: [string, string][] = [
  ['install', 'uninstall'], ['read', 'write'], ['add', 'remove'], ['enable', 'disable'], ['start', 'stop'],
  ['open', 'close'], ['encrypt', 'decrypt'], ['compress', 'decompress'], ['push', 'pull'], ['import', 'export'],
  ['upload', 'download'], ['increase', 'decrease'], ['minimum', 'maximum'], ['min', 'max'], ['before', 'after'],
  ['ascending', 'descending'], ['serialize', 'deserialize'], ['encode', 'decode'], ['lock', 'unlock'],
  ['show', 'hide'], ['insert', 'delete'], ['create', 'destroy'], ['mount', 'unmount'], ['zip', 'unzip'],
  ['connect', 'disconnect'], ['subscribe', 'unsubscribe'], ['allow', 'deny'], ['accept', 'reject'],
  ['left', 'right'], ['upper', 'lower'], ['uppercase', 'lowercase'], ['sync', 'async'], ['synchronous', 'asynchronous'],
  ['merge', 'split'], ['expand', 'collapse'], ['buy', 'sell'], ['send', 'receive'], ['import', 'export'],
  ['freeze', 'unfreeze'], ['public', 'private'], ['inner', 'outer'], ['horizontal', 'vertical'],
  ['largest', 'smallest'], ['biggest', 'smallest'], ['longest', 'shortest'], ['highest', 'lowest'],
  ['fastest', 'slowest'], ['oldest', 'newest'], ['cheapest', 'most expensive'], ['above', 'below'],
  ['more', 'less'], ['better', 'worse'], ['true', 'false'], ['success', 'failure'], ['client', 'server'],
  ['frontend', 'backend'], ['sum', 'product'], ['mean', 'median'], ['stack', 'queue'], ['array', 'object'],
  ['list', 'tuple'], ['http', 'https'], ['tcp', 'udp'], ['get', 'post'], ['celsius', 'fahrenheit'],
  ['kilometers', 'miles'], ['north', 'south'], ['east', 'west'], ['hot', 'cold'], ['male', 'female'],
  ['running', 'stopped'], ['faster', 'slower'], ['create', 'delete'], ['local', 'remote'], ['key', 'value'],
  ['time', 'space'], ['boiling', 'freezing'], ['upgrade', 'downgrade'], ['deep', 'shallow'], ['best', 'worst'], ['inflation', 'deflation'], ['primary', 'foreign'],
];

/** Words that may replace each other in a paraphrase without changing the question. */
const SYNONYMS: string[][] = [
  ['delete', 'remove', 'erase', 'drop'], ['make', 'create', 'generate', 'build', 'write', 'compose'],
  ['install', 'setup', 'set'], ['show', 'display', 'list', 'print', 'see', 'view'], ['get', 'find', 'obtain', 'fetch', 'retrieve', 'access'],
  ['convert', 'turn', 'transform', 'change', 'parse'], ['fix', 'solve', 'resolve', 'repair'], ['run', 'execute', 'launch'],
  ['check', 'test', 'verify', 'determine', 'tell'], ['big', 'large', 'huge'], ['small', 'little', 'tiny'],
  ['quick', 'fast'], ['begin', 'start'], ['end', 'finish'], ['explain', 'describe'], ['combine', 'merge', 'join'],
  ['upgrade', 'update'], ['quit', 'exit', 'close'], ['error', 'exception'], ['dir', 'directory', 'folder'],
  ['file', 'document'], ['author', 'writer', 'wrote'], ['speed', 'fast'], ['function', 'method', 'func'],
  ['kill', 'terminate', 'end'], ['app', 'application', 'program'], ['variable', 'var'], ['undo', 'revert'],
];

const INFLECTIONS = ['', 's', 'es', 'ed', 'd', 'ing', 'ion', 'ions'];

/** surface form (lowercase unless case-sensitive) → `${class}:${term}` */
const termIndex = new Map<string, string>();
const caseSensitiveForms = new Set<string>();
const phraseForms: [RegExp, string][] = [];

function addForm(form: string, id: string): void {
  if (/\s/.test(form)) phraseForms.push([new RegExp(`\\b${form.toLowerCase().replace(/[.+#]/g, '\\$&')}\\b`), id]);
  else if (form !== form.toLowerCase()) caseSensitiveForms.add(form);
  termIndex.set(form === form.toLowerCase() ? form : `#${form}`, id);
}
for (const [cls, terms] of Object.entries(CONTRAST_CLASSES)) {
  for (const [term, forms] of Object.entries(terms)) for (const f of forms) addForm(f, `${cls}:${term}`);
}
for (const [a, b] of ANTONYMS) {
  const pair = `antonym:${a}/${b}`;
  for (const w of [a, b]) {
    for (const inf of INFLECTIONS) {
      const form = w.endsWith('e') && (inf === 'ed' || inf === 'ing' || inf === 'es') ? w.slice(0, -1) + inf : w + inf;
      if (!termIndex.has(form)) addForm(form, `${pair}:${w}`);
    }
  }
}

interface Features {
  numbers: string[];
  negated: boolean;
  /** Named-entity candidates as they appear (lowercased). */
  entities: Set<string>;
  /** Every word, lowercased, for checking that the other prompt mentions an entity anywhere. */
  words: Set<string>;
  /** contrast class (or antonym pair) → members present */
  contrast: Map<string, Set<string>>;
  /** Every word, lowercased, in order. */
  sequence: string[];
  /** Antonym terms (`antonym:a/b:a`) in order of appearance. */
  order: string[];
}

const FUNCTION_WORDS = new Set(
  ('a an the is are was were be been being am do does did i me my we our you your it its this that these those of ' +
    'to in on at for by with from as into onto about can could would should will shall may might must how what which ' +
    'who whom whose why when where there here and or but if so than then please way ways command commands using use ' +
    'syntax some any give tell me let us up out all need want like have has had get best good just also very ' +
    'really one able possible go step steps new correct right proper properly s t')
    .split(' '),
);

const synonymOf = new Map<string, string>();
for (const group of SYNONYMS) for (const w of group) if (!synonymOf.has(w)) synonymOf.set(w, group[0]);

function stem(w: string): string {
  const base = w.length > 4 ? w.replace(/(ies)$/, 'y').replace(/(ing|ed|es|s)$/, '') : w;
  return synonymOf.get(w) ?? synonymOf.get(base) ?? base;
}

const TOKEN = /[A-Za-z][A-Za-z0-9+#._'-]*[A-Za-z0-9+#]|[A-Za-z]|\d+(?:[.,:]\d+)*%?/g;

function features(text: string): Features {
  const numbers: string[] = [];
  const entities = new Set<string>();
  const words = new Set<string>();
  const contrast = new Map<string, Set<string>>();
  const sequence: string[] = [];
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
      const tok = m[0].replace(/[.']+$/, '');
      const low = tok.toLowerCase();
      const bare = low.replace(/'/g, '');
      words.add(low);
      sequence.push(low.replace(/'s$/, ''));
      if (/^\d/.test(tok)) numbers.push(tok.replace(/,/g, ''));
      else if (NUMBER_WORD_SET.has(low)) numbers.push(low);
      if (NEGATIONS.has(bare) || /n't$/.test(low) || low.startsWith('non-')) negated = true;
      const id = caseSensitiveForms.has(tok) ? termIndex.get(`#${tok}`) : termIndex.get(low);
      if (id) note(id);
      // A name: capitalised (not the sentence's first word, not "I"), an acronym, CamelCase, or code-like.
      const capitalised = /^[A-Z]/.test(tok) && !first && tok !== 'I';
      const codeLike = /[A-Z].*[A-Z]|[a-z][A-Z]|_|\.\w|\(\)/.test(tok);
      if ((capitalised || codeLike) && !/^\d/.test(tok)) entities.add(low);
      first = false;
    }
  }
  numbers.sort();
  return { numbers, negated, entities, words, contrast, sequence, order };
}

/** Why `a` and `b` must not share an answer, or null when the guard finds no difference. */
export function nearMissReason(a: string, b: string): string | null {
  if (a.trim().toLowerCase() === b.trim().toLowerCase()) return null;
  const fa = features(a);
  const fb = features(b);
  if (fa.numbers.join('|') !== fb.numbers.join('|')) return 'number';
  if (fa.negated !== fb.negated) return 'negation';
  // Classes (languages, OSes, databases): naming a different member, or naming one only on one side, differs.
  // Antonym pairs: only a swap counts ("install" vs "uninstall"); one side dropping the verb is a paraphrase.
  for (const cls of new Set([...fa.contrast.keys(), ...fb.contrast.keys()])) {
    const ma = fa.contrast.get(cls);
    const mb = fb.contrast.get(cls);
    const antonym = cls.startsWith('antonym');
    if (antonym ? ma && mb && !sameSet(ma, mb) : !ma || !mb || !sameSet(ma, mb)) {
      return `contrast:${antonym ? 'antonym' : cls}`;
    }
  }
  for (const e of fa.entities) if (!fb.words.has(e)) return 'entity';
  for (const e of fb.entities) if (!fa.words.has(e)) return 'entity';
  if (isLocalEdit(fa.sequence, fb.sequence)) return 'substitution';
  if (isReordered(fa, fb) || isPermutation(fa.sequence, fb.sequence)) return 'direction';
  return null;
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
