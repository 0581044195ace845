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

/** Keyword scans look at no more than this many characters of the last user turn (head + tail), to stay fast. */
const SCAN_HEAD = 4000;
const SCAN_TAIL = 2000;

const REASONING =
  /\b(prove|proof|proofs|disprove|derive|derivation|step[ -]by[ -]step|think (carefully|hard)|reason (through|about|carefully)|rigorous(ly)?|formal(ly)?|invariant|theorem|lemma|lower bound|omega\(|linearizab\w*|counterexample|expected (number|running time|value)|recurrence|induction|undecidab\w*|np-(hard|complete)|p = np|puzzle|probability|closed form|hindley|well-typed|safety propert\w*|show that|worst case)\b/g;
const ARCHITECTURE =
  /\b(refactor\w*|architecture|design (a|an|the)\b|redesign|restructure|migrat\w*|monolith|microservices?|multi-tenant|infrastructure|terraform|kubernetes|operator|plugin system|dependency injection|god-object|layered|zero-downtime|incrementally|across (the )?(codebase|repo|packages)|every place|all callers|the codebase|the repo|sdk|openapi|backwards?[- ]compatib\w*)\b/g;
const DEBUG =
  /\b(debug\w*|race condition|crash\w*|memory leak|out of memory|heap|intermittent\w*|fails only|root cause|figure out|failing tests?|security|optimi[sz]e|slow)\b/g;
const TRACE = /(\n\s+at .+[:(]\d+|traceback \(most recent|fatal error|panic:|exception in thread|error: [a-z]+: )/;
/** An imperative coding ask ("write a …", "show an example"): at least MEDIUM unless it is tiny. */
const CODE_TASK =
  /\b(write|implement|create|build|fix|convert|add|explain|generate|review|summari[sz]e|make|set up|show (me )?(an? )?example|why does|what's the idiomatic)\b/;
/** A proof/derivation asked for up front ("Prove that…", "Derive…"). */
const LEADING_REASONING = /^\s*(prove|disprove|derive|show that|determine whether|verify formally|think (carefully|hard))\b/;
const SCOPE =
  /\b(complete implementation|full tests|each file|end[- ]to[- ]end|production[- ]ready|all (the )?(files|endpoints|callers)|plan the|propose|the services|data model|api surface|step by step across|pull request|diff)\b/g;
const GREETING = /^\s*(hi|hello|hey|thanks|thank you|thx|good (morning|afternoon|evening)|ok(ay)?|cool|great)\b/;
const TITLE = /\b(title|summari[sz]e this conversation|name this (chat|conversation))\b/;

function textOf(m: Message): string {
  let s = '';
  for (const p of m.content) if (p.type === 'text') s += p.text;
  return s;
}

function scanText(text: string): string {
  if (text.length <= SCAN_HEAD + SCAN_TAIL) return text.toLowerCase();
  return (text.slice(0, SCAN_HEAD) + '\n' + text.slice(-SCAN_TAIL)).toLowerCase();
}

function countMatches(re: RegExp, text: string, cap: number): number {
  re.lastIndex = 0;
  let n = 0;
  while (n < cap && re.exec(text) !== null) n++;
  re.lastIndex = 0;
  return n;
}

function countFences(text: string): number {
  let n = 0;
  for (let i = text.indexOf('```'); i !== -1; i = text.indexOf('```', i + 3)) n++;
  return n;
}

function countLines(text: string): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
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
  const text = scanText(last);

  if (tokens < 12) add(-10, 'short-prompt');
  else if (tokens > 1500) add(25, 'very-long-prompt');
  else if (tokens > 400) add(18, 'long-prompt');
  else if (tokens > 120) add(8, 'medium-prompt');

  const blocks = Math.floor(countFences(last) / 2);
  if (blocks >= 2) add(16, 'code-blocks');
  else if (blocks === 1) add(10, 'code-block');
  if (blocks > 0 && countLines(last) > 15) add(6, 'much-code');
  if (TRACE.test(text)) add(10, 'error-trace');

  const tools = req.tools?.length ?? 0;
  if (tools > 4) add(22, 'many-tools');
  else if (tools > 0) add(14, 'tools');
  if (turns >= 16) add(16, 'deep-conversation');
  else if (turns >= 6) add(8, 'conversation');

  const reasoning = countMatches(REASONING, text, 4);
  if (reasoning >= 2) add(34, 'reasoning-keywords');
  else if (reasoning === 1) add(22, 'reasoning-keyword');
  const arch = countMatches(ARCHITECTURE, text, 4);
  if (arch >= 2) add(28, 'architecture');
  else if (arch === 1) add(18, 'refactor');
  const debug = countMatches(DEBUG, text, 3);
  if (debug > 0) add(8 + 4 * debug, 'debug');
  const scope = countMatches(SCOPE, text, 3);
  if (scope > 0) add(8 * scope, 'broad-scope');
  if (tokens >= 10 && CODE_TASK.test(text)) add(14, 'code-task');
  if (LEADING_REASONING.test(text)) add(10, 'asks-for-proof');

  if (GREETING.test(text) && tokens < 20) add(-20, 'greeting');
  if (TITLE.test(text) && tokens < 60) add(-15, 'title');
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
