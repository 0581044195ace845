// When the semantic cache must not answer, and which responses may be stored at all.
import type { ChatRequest, ChatResponse } from '../core/types.js';

// Words and shapes that make an answer go stale: today's date, "latest version", prices, weather, explicit dates.
const TIME_SENSITIVE = new RegExp(
  [
    '\\b(today|tonight|tomorrow|yesterday|currently|current|latest|newest|recent|recently|nowadays|upcoming)\\b',
    '\\b(right now|as of now|this (morning|afternoon|evening|week|weekend|month|quarter|year))\\b',
    '\\b(what time|what day|what date|news|headlines|weather|forecast|stock price|exchange rate|score of)\\b',
    '\\b(19|20)\\d\\d-\\d\\d-\\d\\d\\b',
    '\\b(jan(uary)?|feb(ruary)?|mar(ch)?|apr(il)?|may|june?|july?|aug(ust)?|sep(tember)?|oct(ober)?|nov(ember)?|dec(ember)?)\\.? \\d{1,2}(st|nd|rd|th)?\\b',
  ].join('|'),
  'i',
);

export function isTimeSensitive(text: string): boolean {
  return TIME_SENSITIVE.test(text);
}

/** A reason the semantic cache must be skipped for this request, or null. Checked before embedding. */
export function semanticSkipReason(req: ChatRequest, lastUserText: string | undefined, maxTemperature: number): string | null {
  if (req.messages.some((m) => m.role === 'tool' || (m.toolCalls?.length ?? 0) > 0)) return 'tool-results';
  if (req.temperature !== undefined && req.temperature > maxTemperature) return 'temperature';
  if (lastUserText === undefined) return 'no-text-prompt';
  if (lastUserText.trim() === '') return 'empty-prompt';
  if (isTimeSensitive(lastUserText)) return 'time-sensitive';
  return null;
}

export type ExactCachePolicy = 'deterministic' | 'always' | 'off';

/**
 * A reason the exact cache must not answer this request, or null. Under `deterministic` (the default) only requests
 * that ask for the same answer every time are answered: temperature 0 or a seed. A request that carries tool
 * results is an agent's turn: replaying an old answer there would replay old tool calls with their old ids (Codex
 * reruns), so it always goes upstream. LibreChat's Regenerate resends the same conversation at its usual
 * temperature, and so reaches the upstream too.
 */
export function exactSkipReason(req: ChatRequest, policy: ExactCachePolicy): string | null {
  if (policy === 'off') return 'policy-off';
  if (policy === 'always') return null;
  if (req.messages.some((m) => m.role === 'tool')) return 'tool-results';
  if (req.temperature !== 0 && req.seed === undefined) return 'nondeterministic';
  return null;
}

/**
 * The pipeline passes only complete responses; this refuses what still must not be replayed: errors, filtered
 * output, tool calls cut short by the token limit or with unparseable arguments, and empty answers.
 */
export function unstorableReason(res: ChatResponse): string | null {
  if (res.finishReason === 'error') return 'error';
  if (res.finishReason === 'content_filter') return 'content-filter';
  if (res.toolCalls.length > 0 && res.finishReason === 'length') return 'truncated-tool-call';
  // An answer cut at the token limit (or an Ollama answer that ended with `done: false`) is not a whole answer.
  if (res.finishReason === 'length') return 'truncated';
  for (const call of res.toolCalls) {
    try {
      JSON.parse(call.arguments || '{}');
    } catch {
      return 'truncated-tool-call';
    }
  }
  if (res.text === '' && res.toolCalls.length === 0) return 'empty';
  return null;
}
