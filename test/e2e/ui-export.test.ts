// The window's log export (renderer/src/csv.ts) is pure: checked here without a browser.
import { describe, expect, it } from 'vitest';
import type { RequestRecord } from '../../main/core/ports.js';
import { toCsv } from '../../renderer/src/csv.js';

const row = (over: Partial<RequestRecord>): RequestRecord => ({
  id: 'r1',
  time: Date.UTC(2026, 0, 2, 3, 4, 5),
  clientFormat: 'openai-chat',
  requestedModel: 'chat-fast',
  status: 200,
  stream: false,
  latencyMs: 12,
  cache: 'miss',
  fallbackFrom: [],
  ...over,
});

/** A small RFC 4180 reader, enough to check what a spreadsheet would see. */
function readCsv(text: string): string[][] {
  const rows: string[][] = [];
  let cell = '';
  let cells: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') cells.push(cell), (cell = '');
    else if (c === '\r' && text[i + 1] === '\n') cells.push(cell), rows.push(cells), (cells = []), (cell = ''), i++;
    else cell += c;
  }
  return rows;
}

describe('log export as CSV', () => {
  it('has a header and one line per row, with ISO times and fallbacks joined', () => {
    const csv = readCsv(
      toCsv([row({ provider: 'openai', model: 'gpt-4o-mini', fallbackFrom: ['ollama/x: timeout', 'b/y: 503'], inputTokens: 5 })]),
    );
    expect(csv).toHaveLength(2);
    const [head, line] = csv;
    const get = (k: string) => line[head.indexOf(k)];
    expect(get('time')).toBe('2026-01-02T03:04:05.000Z');
    expect(get('provider')).toBe('openai');
    expect(get('fallbackFrom')).toBe('ollama/x: timeout; b/y: 503');
    expect(get('inputTokens')).toBe('5');
    expect(get('outputTokens')).toBe('');
  });

  it('quotes commas, quotes and newlines, and neutralises spreadsheet formulas in text', () => {
    const [head, line] = readCsv(toCsv([row({ prompt: 'a, "b"\nc', error: '=HYPERLINK("http://x")' })]));
    expect(line[head.indexOf('prompt')]).toBe('a, "b"\nc');
    expect(line[head.indexOf('error')]).toBe(`'=HYPERLINK("http://x")`);
    expect(head).toHaveLength(line.length);
  });
});

