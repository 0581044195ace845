// Picks a tier for a request from cheap text signals: no model call, no I/O, deterministic, explainable.
// Each signal adds (or removes) points and names itself in `reasons`, so `x-lynkr-route` shows why.
import type { Tier } from '../core/ports.js';
import type { ChatRequest, Message } from '../core/types.js';

export interface TierScore {
  tier: Tier;
  /** 0–100. */
  score: number;
  reasons: string[];
}

/**
 * Keyword scans read the prose of the last user turn (text outside ``` fences: a `// refactor later` comment in
 * pasted code is not a request), at most this many characters of its head and tail. The ask is nearly always at
 * one end, and the scan cost (~25 ns/char for the keyword regex) must stay far below 0.2 ms.
 */
const SCAN_HEAD = 1000;
const SCAN_TAIL = 500;
/** Stack traces are looked for in this much of the head and tail of the raw text (they usually sit in fences). */
const TRACE_HEAD = 2000;
const TRACE_TAIL = 1000;

// Keyword families, matched in ONE pass over the scanned text (one regex with a capture group per family is
// several times faster than a regex per family). Earlier families win where two match at the same place.
const FAMILIES = {
  reasoning:
    'prove|proof|proofs|disprove|derive|derivation|step[ -]by[ -]step|think (?:carefully|hard)|reason (?:through|about|carefully)|rigorous(?:ly)?|formal(?:ly)?|invariant|theorem|lemma|lower bound|omega\\(|linearizab\\w*|counterexample|expected (?:number|running time|value)|recurrence|induction|undecidab\\w*|np-(?:hard|complete)|p = np|puzzle|probability|closed form|hindley|well-typed|safety propert\\w*|show that|worst case',
  architecture:
    'refactor\\w*|architecture|design (?:a|an|the)|redesign|restructure|migrat\\w*|monolith|microservices?|multi-tenant|infrastructure|terraform|kubernetes|operator|plugin system|dependency injection|god-object|layered|zero-downtime|incrementally|across (?:the )?(?:codebase|repo|packages)|every place|all callers|the codebase|the repo|sdk|openapi|backwards?[- ]compatib\\w*',
  debug:
    'debug\\w*|race condition|crash\\w*|memory leak|out of memory|heap|intermittent\\w*|fails only|root cause|figure out|failing tests?|security|optimi[sz]e|slow',
  scope:
    'complete implementation|full tests|each file|end[- ]to[- ]end|production[- ]ready|all (?:the )?(?:files|endpoints|callers)|plan the|propose|the services|data model|api surface|pull request|diff',
  title: 'title|summari[sz]e this conversation|name this (?:chat|conversation)',
  /** An imperative coding ask ("write a …", "show an example"): at least MEDIUM unless it is tiny. */
  codeTask:
    "write|implement|create|build|fix|convert|add|explain|generate|review|summari[sz]e|make|set up|show (?:me )?(?:an? )?example|why does|what's the idiomatic",
} as const;
type Family = keyof typeof FAMILIES;
const FAMILY_NAMES = Object.keys(FAMILIES) as Family[];
const KEYWORDS = new RegExp(`\\b(?:${FAMILY_NAMES.map((f) => `(${FAMILIES[f]})`).join('|')})\\b`, 'g');
/** Stack traces and crash logs, as the runtimes print them (JS/Java frames, Python, V8, Go, Java, Node errors). */
const TRACE = /\n[ \t]+at [^\n]*[:(]\d|Traceback \(most recent|FATAL ERROR|panic: |Exception in thread|Error: [A-Za-z]+: /;
const MAX_MATCHES = 64;

/** A proof/derivation asked for up front ("Prove that…", "Derive…"). */
const LEADING_REASONING = /^\s*(prove|disprove|derive|show that|determine whether|verify formally|think (carefully|hard))\b/;
const GREETING = /^\s*(hi|hello|hey|thanks|thank you|thx|good (morning|afternoon|evening)|ok(ay)?|cool|great)\b/;

type Counts = Record<Family, number>;

function countKeywords(text: string): Counts {
  const counts: Counts = { reasoning: 0, architecture: 0, debug: 0, scope: 0, title: 0, codeTask: 0 };
  KEYWORDS.lastIndex = 0;
  let m: RegExpExecArray | null;
  for (let n = 0; n < MAX_MATCHES && (m = KEYWORDS.exec(text)) !== null; n++) {
    const g = m.findIndex((v, i) => i > 0 && v !== undefined);
    counts[FAMILY_NAMES[g - 1]]++;
  }
  KEYWORDS.lastIndex = 0;
  return counts;
}

function textOf(m: Message): string {
  let s = '';
  for (const p of m.content) if (p.type === 'text') s += p.text;
  return s;
}

/** Lower-cased prose (outside ``` fences) of `text`: its head and tail within the scan budget. */
function proseOf(text: string): string {
  let prose = '';
  let inside = false;
  for (let i = 0; i < text.length; ) {
    const j = text.indexOf('```', i);
    const end = j === -1 ? text.length : j;
    if (!inside) prose += (prose ? '\n' : '') + text.slice(i, end);
    if (j === -1) break;
    inside = !inside;
    i = j + 3;
  }
  if (prose.length > SCAN_HEAD + SCAN_TAIL) prose = prose.slice(0, SCAN_HEAD) + '\n' + prose.slice(-SCAN_TAIL);
  return prose.toLowerCase();
}

function countFences(text: string): number {
  let n = 0;
  for (let i = text.indexOf('```'); i !== -1; i = text.indexOf('```', i + 3)) n++;
  return n;
}

function hasMoreLinesThan(text: string, max: number): boolean {
  let n = 1;
  for (let i = text.indexOf('\n'); i !== -1 && n <= max; i = text.indexOf('\n', i + 1)) n++;
  return n > max;
}

export function scoreRequest(req: ChatRequest): TierScore {
  const reasons: string[] = [];
  let score = 20;
  const add = (points: number, reason: string): void => {
    score += points;
    reasons.push(reason);
  };

  // The last user turn is what is being asked now; earlier turns and the system prompt only add depth.
  let last = '';
  let turns = 0;
  for (let i = req.messages.length - 1; i >= 0; i--) {
    const m = req.messages[i];
    if (m.role === 'user' || m.role === 'assistant') turns++;
    if (m.role === 'user' && last === '') last = textOf(m);
  }
  const tokens = Math.ceil(last.length / 4);
  const text = proseOf(last);

  if (tokens < 12) add(-10, 'short-prompt');
  else if (tokens > 1500) add(25, 'very-long-prompt');
  else if (tokens > 400) add(18, 'long-prompt');
  else if (tokens > 120) add(8, 'medium-prompt');

  const blocks = Math.floor(countFences(last) / 2);
  if (blocks >= 2) add(16, 'code-blocks');
  else if (blocks === 1) add(10, 'code-block');
  if (blocks > 0 && hasMoreLinesThan(last, 15)) add(6, 'much-code');
  const traceText = last.length > TRACE_HEAD + TRACE_TAIL ? last.slice(0, TRACE_HEAD) + '\n' + last.slice(-TRACE_TAIL) : last;
  if (TRACE.test(traceText)) add(10, 'error-trace');
  const k = countKeywords(text);

  const tools = req.tools?.length ?? 0;
  if (tools > 4) add(22, 'many-tools');
  else if (tools > 0) add(14, 'tools');
  if (turns >= 16) add(16, 'deep-conversation');
  else if (turns >= 6) add(8, 'conversation');

  const reasoning = Math.min(k.reasoning, 4);
  if (reasoning >= 2) add(34, 'reasoning-keywords');
  else if (reasoning === 1) add(22, 'reasoning-keyword');
  const arch = Math.min(k.architecture, 4);
  if (arch >= 2) add(28, 'architecture');
  else if (arch === 1) add(18, 'refactor');
  const debug = Math.min(k.debug, 3);
  if (debug > 0) add(8 + 4 * debug, 'debug');
  const scope = Math.min(k.scope, 3);
  if (scope > 0) add(8 * scope, 'broad-scope');
  if (tokens >= 10 && k.codeTask > 0) add(14, 'code-task');
  if (LEADING_REASONING.test(text)) add(10, 'asks-for-proof');

  if (GREETING.test(text) && tokens < 20) add(-20, 'greeting');
  if (k.title > 0 && tokens < 60) add(-15, 'title');
  if (req.thinkingBudget !== undefined && req.thinkingBudget > 0) add(30, 'thinking-requested');

  score = Math.max(0, Math.min(100, Math.round(score)));
  const thinking = req.thinkingBudget !== undefined && req.thinkingBudget > 0;
  // Reasoning needs its own evidence: a long refactor is COMPLEX, not REASONING, however high it scores.
  let tier: Tier;
  if (thinking || (reasoning > 0 && reasoning >= arch && score >= 45)) tier = 'REASONING';
  else if (score >= 46) tier = 'COMPLEX';
  else if (score >= 28) tier = 'MEDIUM';
  else tier = 'SIMPLE';
  return { tier, score, reasons };
}
