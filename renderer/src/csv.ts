// The request log as CSV (pure: no DOM, unit-tested in test/e2e/ui-export.test.ts).
import type { RequestRecord } from './types.js';

const columns: (keyof RequestRecord)[] = [
  'id', 'time', 'clientFormat', 'requestedModel', 'alias', 'provider', 'model', 'locality', 'status', 'stream',
  'latencyMs', 'ttfbMs', 'inputTokens', 'outputTokens', 'cachedInputTokens', 'cache', 'fallbackFrom', 'tier',
  'error', 'userAgent', 'prompt',
];

function csvCell(v: unknown): string {
  if (v === undefined || v === null) return '';
  const s = Array.isArray(v) ? v.join('; ') : typeof v === 'number' && !Number.isFinite(v) ? '' : String(v);
  // Quote everything that could break a row; a leading =,+,-,@ is neutralised against spreadsheet formula injection.
  const safe = typeof v === 'string' && /^[=+\-@]/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) || safe !== s ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function toCsv(rows: RequestRecord[]): string {
  const lines = [columns.join(',')];
  for (const r of rows) lines.push(columns.map((c) => csvCell(c === 'time' ? new Date(r.time).toISOString() : r[c])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
