// The near-miss guard's word lists (near-miss.ts holds the rules). Lists, not a model: every entry is a reason
// two prompts must not share an answer (contrast classes, antonyms) or may (synonyms, function words).

export const NUMBER_WORDS = [
  'zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve',
  'twenty', 'thirty', 'forty', 'fifty', 'hundred', 'thousand', 'million', 'billion', 'half', 'double', 'triple',
  'first', 'second', 'third', 'fourth', 'fifth', 'last',
];
/** Number words as digits, so "first ten rows" and "first 10 rows" are the same number. */
export const NUMBER_VALUES: Record<string, string> = {
  zero: '0', one: '1', two: '2', three: '3', four: '4', five: '5', six: '6', seven: '7', eight: '8', nine: '9',
  ten: '10', eleven: '11', twelve: '12', twenty: '20', thirty: '30', forty: '40', fifty: '50', hundred: '100',
  thousand: '1000', twice: '2', once: '1',
};

export const NEGATIONS = new Set([
  'not', 'no', 'never', 'none', 'nor', 'neither', 'nothing', 'nobody', 'without', 'cannot', 'cant', 'dont', 'doesnt',
  'didnt', 'isnt', 'arent', 'wasnt', 'werent', 'wont', 'wouldnt', 'shouldnt', 'couldnt', 'mustnt', 'hasnt', 'havent',
  'except', 'excluding', 'unless',
]);

const same = (names: string[]): Record<string, string[]> => Object.fromEntries(names.map((n) => [n, [n]]));

/**
 * Each class: canonical term → surface forms. Two prompts naming different members of a class differ, and so do
 * two prompts of which only one names a member (the other leaves it open). Forms with a capital are matched
 * case-sensitively ("Go", "C", "R"); forms with a space are phrases.
 */
export const CONTRAST_CLASSES: Record<string, Record<string, string[]>> = {
  'programming-language': {
    python: ['python', 'python3', 'py'], javascript: ['javascript', 'js', 'node', 'nodejs', 'node.js'],
    typescript: ['typescript', 'ts'], java: ['java'], kotlin: ['kotlin'], swift: ['swift'], rust: ['rust'],
    go: ['golang', 'Go'], c: ['C'], cpp: ['c++', 'cpp'], csharp: ['c#', 'csharp', '.net', 'dotnet'], ruby: ['ruby'],
    php: ['php'], scala: ['scala'], haskell: ['haskell'], perl: ['perl'], r: ['R'], lua: ['lua'], dart: ['dart'],
    elixir: ['elixir'], erlang: ['erlang'], clojure: ['clojure'], julia: ['julia'], zig: ['zig'], ocaml: ['ocaml'],
    bash: ['bash', 'sh', 'shell', 'zsh'], powershell: ['powershell', 'pwsh'], cmd: ['cmd', 'cmd.exe', 'batch'],
    sql: ['sql'], fortran: ['fortran'], cobol: ['cobol'], matlab: ['matlab'], objc: ['objective-c'], fsharp: ['f#'],
    groovy: ['groovy'],
  },
  'human-language': same(['english', 'french', 'spanish', 'german', 'italian', 'portuguese', 'dutch', 'russian',
    'chinese', 'mandarin', 'cantonese', 'japanese', 'korean', 'arabic', 'hindi', 'bengali', 'turkish', 'polish',
    'swedish', 'norwegian', 'danish', 'finnish', 'greek', 'hebrew', 'thai', 'vietnamese', 'indonesian', 'ukrainian',
    'czech', 'latin', 'persian', 'urdu', 'swahili', 'romanian', 'hungarian']),
  os: {
    windows: ['windows', 'win10', 'win11', 'wsl'], macos: ['macos', 'mac', 'osx', 'os x', 'macbook'],
    linux: ['linux'], ubuntu: ['ubuntu'], debian: ['debian'], fedora: ['fedora'], arch: ['arch linux', 'archlinux'],
    centos: ['centos', 'rhel'], alpine: ['alpine'], freebsd: ['freebsd'], android: ['android'], ios: ['ios', 'iphone'],
    chromeos: ['chromeos'],
  },
  database: {
    postgres: ['postgres', 'postgresql', 'psql'], mysql: ['mysql', 'mariadb'], sqlite: ['sqlite', 'sqlite3'],
    mongodb: ['mongodb', 'mongo'], redis: ['redis'], oracle: ['oracle'], mssql: ['sql server', 'mssql'],
    dynamodb: ['dynamodb'], cassandra: ['cassandra'], elasticsearch: ['elasticsearch'],
  },
  // Frameworks and libraries: "in Django" and "in Flask" are different questions.
  framework: {
    react: ['react', 'reactjs'], vue: ['vue', 'vuejs', 'nuxt'], angular: ['angular'], svelte: ['svelte', 'sveltekit'],
    nextjs: ['next.js', 'nextjs'], solid: ['solidjs'], jquery: ['jquery'], django: ['django'], flask: ['flask'],
    fastapi: ['fastapi'], rails: ['rails'], laravel: ['laravel'], spring: ['spring boot', 'springboot'],
    express: ['express', 'expressjs'], pandas: ['pandas'], polars: ['polars'], numpy: ['numpy'],
    pytorch: ['pytorch', 'torch'], tensorflow: ['tensorflow', 'keras'], tailwind: ['tailwind'], bootstrap: ['bootstrap'],
    jest: ['jest'], vitest: ['vitest'], mocha: ['mocha'], pytest: ['pytest'], unittest: ['unittest'],
  },
  tool: {
    npm: ['npm'], yarn: ['yarn'], pnpm: ['pnpm'], pip: ['pip', 'pip3'], conda: ['conda'], poetry: ['poetry'],
    brew: ['brew', 'homebrew'], apt: ['apt', 'apt-get'], yum: ['yum', 'dnf'], cargo: ['cargo'], maven: ['maven'],
    gradle: ['gradle'], docker: ['docker', 'dockerd'], podman: ['podman'], kubernetes: ['kubernetes', 'k8s', 'kubectl'],
    helm: ['helm'], terraform: ['terraform'], ansible: ['ansible'], vim: ['vim', 'vi', 'neovim', 'nvim'],
    emacs: ['emacs'], nano: ['nano'], vscode: ['vscode', 'vs code', 'visual studio code'], git: ['git'], svn: ['svn'],
    webpack: ['webpack'], vite: ['vite'], nginx: ['nginx'], apache: ['apache', 'httpd'], excel: ['excel'],
    sheets: ['google sheets'], chrome: ['chrome', 'chromium'], firefox: ['firefox'], safari: ['safari'],
    edge: ['microsoft edge'], finder: ['finder'], explorer: ['file explorer', 'explorer'], gpg: ['gpg', 'gnupg'],
    ssh: ['ssh'], scp: ['scp'], rsync: ['rsync'], curl: ['curl'], wget: ['wget'],
  },
  unit: {
    km: ['km', 'kilometer', 'kilometers', 'kilometre', 'kilometres'], mile: ['mile', 'miles', 'mi'],
    meter: ['meter', 'meters', 'metre', 'metres'], foot: ['foot', 'feet', 'ft'], inch: ['inch', 'inches'],
    cm: ['cm', 'centimeter', 'centimeters'], kg: ['kg', 'kilogram', 'kilograms', 'kilo', 'kilos'],
    lb: ['lb', 'lbs', 'pound', 'pounds'], bit: ['bit', 'bits'], byte: ['byte', 'bytes'],
    kb: ['kb', 'kilobyte', 'kilobytes'], mb: ['mb', 'megabyte', 'megabytes'], gb: ['gb', 'gigabyte', 'gigabytes'],
    tb: ['tb', 'terabyte', 'terabytes'], second: ['seconds', 'secs'], minute: ['minute', 'minutes', 'mins'],
    hour: ['hour', 'hours', 'hrs'], day: ['day', 'days'], week: ['week', 'weeks'], month: ['month', 'months'],
    year: ['year', 'years'], usd: ['usd', 'dollar', 'dollars'], eur: ['eur', 'euro', 'euros'],
    gbp: ['gbp', 'sterling'], jpy: ['jpy', 'yen'], ram: ['ram'], vram: ['vram'], cpu: ['cpu'], gpu: ['gpu'],
  },
};

/** Antonym pairs. Words are matched with common inflections (s, es, ed, d, ing, ly…). Only a swap counts. */
export const ANTONYMS: [string, string][] = [
  ['install', 'uninstall'], ['read', 'write'], ['add', 'remove'], ['enable', 'disable'], ['start', 'stop'],
  ['open', 'close'], ['encrypt', 'decrypt'], ['compress', 'decompress'], ['push', 'pull'], ['import', 'export'],
  ['upload', 'download'], ['increase', 'decrease'], ['minimum', 'maximum'], ['min', 'max'], ['before', 'after'],
  ['ascending', 'descending'], ['serialize', 'deserialize'], ['encode', 'decode'], ['lock', 'unlock'],
  ['show', 'hide'], ['insert', 'delete'], ['create', 'destroy'], ['mount', 'unmount'], ['zip', 'unzip'],
  ['connect', 'disconnect'], ['subscribe', 'unsubscribe'], ['allow', 'deny'], ['accept', 'reject'],
  ['left', 'right'], ['upper', 'lower'], ['uppercase', 'lowercase'], ['sync', 'async'], ['synchronous', 'asynchronous'],
  ['merge', 'split'], ['expand', 'collapse'], ['buy', 'sell'], ['send', 'receive'],
  ['freeze', 'unfreeze'], ['public', 'private'], ['inner', 'outer'], ['horizontal', 'vertical'],
  ['largest', 'smallest'], ['biggest', 'smallest'], ['longest', 'shortest'], ['highest', 'lowest'],
  ['fastest', 'slowest'], ['oldest', 'newest'], ['cheapest', 'most expensive'], ['above', 'below'],
  ['more', 'less'], ['better', 'worse'], ['true', 'false'], ['success', 'failure'], ['client', 'server'],
  ['frontend', 'backend'], ['sum', 'product'], ['mean', 'median'], ['stack', 'queue'], ['array', 'object'],
  ['list', 'tuple'], ['http', 'https'], ['tcp', 'udp'], ['get', 'post'], ['celsius', 'fahrenheit'],
  ['kilometers', 'miles'], ['north', 'south'], ['east', 'west'], ['hot', 'cold'], ['male', 'female'],
  ['running', 'stopped'], ['faster', 'slower'], ['create', 'delete'], ['local', 'remote'], ['key', 'value'],
  ['time', 'space'], ['boiling', 'freezing'], ['upgrade', 'downgrade'], ['deep', 'shallow'], ['best', 'worst'],
  ['inflation', 'deflation'], ['primary', 'foreign'], ['bigger', 'smaller'], ['larger', 'smaller'],
  ['higher', 'lower'], ['earlier', 'later'], ['earliest', 'latest'], ['include', 'exclude'], ['soft', 'hard'],
  ['create', 'remove'], ['add', 'delete'], ['add', 'drop'], ['create', 'drop'], ['keep', 'delete'],
  ['first', 'last'], ['next', 'previous'], ['width', 'height'], ['row', 'column'], ['rows', 'columns'],
  ['light', 'dark'], ['input', 'output'], ['start', 'end'], ['begin', 'end'], ['prefix', 'suffix'],
  ['parent', 'child'], ['success', 'error'], ['internal', 'external'], ['static', 'dynamic'],
  ['absolute', 'relative'], ['mutable', 'immutable'], ['online', 'offline'], ['sign', 'verify'],
  ['attach', 'detach'], ['follow', 'unfollow'], ['staging', 'production'], ['debug', 'release'],
  ['spring', 'autumn'], ['summer', 'winter'], ['sunrise', 'sunset'],
  // Across the min/max and case synonyms: a swap between any two forms counts.
  ['minimum', 'max'], ['min', 'maximum'], ['smallest', 'max'], ['smallest', 'maximum'], ['largest', 'min'],
  ['largest', 'minimum'], ['uppercase', 'lower'], ['upper', 'lowercase'], ['join', 'split'],
];

/** Words that may replace each other in a paraphrase without changing the question. First word is the head. */
export const SYNONYMS: string[][] = [
  ['delete', 'remove', 'erase', 'drop'], ['make', 'create', 'generate', 'build', 'write', 'compose'],
  ['install', 'setup', 'set'], ['show', 'display', 'print', 'see', 'view'], ['get', 'find', 'obtain', 'fetch', 'retrieve', 'access'],
  ['convert', 'turn', 'transform', 'change', 'parse', 'conversion'], ['fix', 'solve', 'resolve', 'repair'], ['run', 'execute', 'launch'],
  ['check', 'test', 'verify', 'determine', 'tell'], ['big', 'large', 'huge'], ['small', 'little', 'tiny'],
  ['quick', 'fast', 'quickest', 'fastest'], ['begin', 'start'], ['end', 'finish'], ['explain', 'describe', 'explanation'],
  ['combine', 'merge', 'join'], ['upgrade', 'update'], ['quit', 'exit', 'close'], ['error', 'exception'],
  ['dir', 'directory', 'folder'], ['file', 'document'], ['author', 'writer', 'wrote'], ['speed', 'fast'],
  ['function', 'method', 'func'], ['kill', 'terminate', 'end'], ['app', 'application', 'program'],
  ['variable', 'var'], ['undo', 'revert'], ['minimum', 'min', 'smallest', 'lowest'],
  ['maximum', 'max', 'largest', 'biggest', 'highest'], ['difference', 'vs', 'versus', 'compare', 'differ'],
  ['computer', 'machine', 'pc'], ['image', 'picture', 'photo'], ['string', 'str'], ['dictionary', 'dict'],
  ['integer', 'int'], ['summary', 'summarize', 'summarise'], ['recent', 'latest'], ['example', 'sample'],
  ['increase', 'raise'], ['every', 'each', 'all'], ['picture', 'image'], ['terminal', 'command-line', 'console', 'shell'],
  ['repo', 'repository'], ['config', 'configuration', 'configure'], ['env', 'environment'], ['arg', 'argument', 'param', 'parameter'],
  ['calculate', 'compute'], ['translate', 'say'], ['clear', 'flush', 'purge'], ['enable', 'activate'],
  ['disable', 'deactivate'], ['handle', 'deal'], ['read', 'load'], ['free', 'reclaim'], ['copy', 'clone'],
  ['wait', 'pause', 'sleep'], ['define', 'declare'], ['setup', 'configure'],
];

/** Two-word verbs and spellings folded into one word before the rules run ("turn on" is "enable"). */
export const PHRASES: [RegExp, string][] = [
  [/\b(turn|switch) on\b/gi, 'enable'], [/\b(turn|switch) off\b/gi, 'disable'], [/\bset up\b/gi, 'setup'],
  [/\bbig-?o\b/gi, 'time'], [/\bupper case\b/gi, 'uppercase'], [/\blower case\b/gi, 'lowercase'],
  [/\btime stamp\b/gi, 'timestamp'],
];

export const INFLECTIONS = ['', 's', 'es', 'ed', 'd', 'ing', 'ion', 'ions', 'ly', 'ally'];

/** Words a paraphrase adds, drops or swaps freely: they never carry the difference between two questions. */
export const FUNCTION_WORDS = new Set(
  ('a an the is are was were be been being am do does did i me my we our you your it its this that these those of ' +
    'to in on at for by with from as into onto about can could would should will shall may might must how what which ' +
    'who whom whose why when where there here and or but if so than then please way ways command commands using use ' +
    'syntax some any give tell me let us up out all need want like have has had get best good just also very ' +
    'really one able possible go step steps new correct right proper properly s t whats what\'s how\'s hows ' +
    'someone something thing things kind sort type help guide tutorial quick simple simply easy easiest ' +
    'explain describe show meaning mean means define definition happen happens work works done doing ' +
    'anyone there\'s im i\'m via per usually typically generally exactly actually etc calculate compute ' +
    'whether')
    .split(' '),
);
