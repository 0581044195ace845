// Exact-cache hits served again without parsing, routing, keying or rendering the same request once more: the
// request text (plus the headers that reach the answer) maps to the rendered body, kept as a template with the
// request id and `created` left open. Whether the hit still stands is Pipeline.replay's call; this file only
// remembers and fills templates.
import { randomInt } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { ChatRequest, ChatResponse } from '../core/types.js';
import type { HitReplay } from '../pipeline/pipeline.js';
import type { InboundFormat } from './format.js';

/** Longer bodies take the full path: long conversations rarely repeat byte for byte. */
const MAX_BODY_CHARS = 32 * 1024;
/** Keys and templates together, in UTF-16 code units (about 8 MB at most). */
const MAX_TOTAL_CHARS = 4 * 1024 * 1024;

const ID = 0;
const CREATED = 1;
export type TemplatePart = string | typeof ID | typeof CREATED;

export interface ReplayEntry {
  replay: HitReplay;
  request: ChatRequest;
  parts: TemplatePart[];
  chars: number;
}

// A `created` that no real answer carries, so that the template can find where the renderer put it.
const CREATED_MARK = 4_000_000_000_000_000 + randomInt(2 ** 47);

/**
 * Splits a rendered body at every occurrence of the request id and the `created` mark. Undefined when the id is
 * not in it: a replay must never repeat an earlier response's id.
 */
export function toTemplate(text: string, requestId: string, created: string): TemplatePart[] | undefined {
  const pieces = text.split(requestId);
  if (pieces.length < 2) return undefined;
  const parts: TemplatePart[] = [];
  pieces.forEach((piece, i) => {
    if (i > 0) parts.push(ID);
    piece.split(created).forEach((s, j) => {
      if (j > 0) parts.push(CREATED);
      if (s) parts.push(s);
    });
  });
  return parts;
}

export function fillTemplate(parts: readonly TemplatePart[], requestId: string, created: number): string {
  let out = '';
  for (const p of parts) out += p === ID ? requestId : p === CREATED ? String(created) : p;
  return out;
}

export class HitReplayMemo {
  private readonly entries = new Map<string, ReplayEntry>();
  private chars = 0;

  constructor(private readonly format: InboundFormat) {}

  /** The memo key of a request, or undefined when it must take the full path. */
  key(req: IncomingMessage, text: string): string | undefined {
    // Cache-Control changes what the cache may do (no-cache, no-store): those requests always take the full path.
    if (!this.format.replayable || text.length > MAX_BODY_CHARS || req.headers['cache-control'] !== undefined) return undefined;
    let key = text;
    for (const name of this.format.passHeaders ?? []) key += `\0${String(req.headers[name] ?? '')}`;
    return key;
  }

  get(key: string): ReplayEntry | undefined {
    const entry = this.entries.get(key);
    if (entry) {
      // Least recently used goes first.
      this.entries.delete(key);
      this.entries.set(key, entry);
    }
    return entry;
  }

  forget(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.chars -= key.length + entry.chars;
  }

  /** `response` is the hit as served to `requestId`. */
  remember(key: string, replay: HitReplay, request: ChatRequest, response: ChatResponse, requestId: string): void {
    const text = JSON.stringify(this.format.renderResponse({ ...response, created: CREATED_MARK }, request.tools));
    const parts = toTemplate(text, requestId, String(CREATED_MARK));
    if (!parts) return;
    this.forget(key);
    const entry = { replay, request, parts, chars: text.length };
    this.entries.set(key, entry);
    this.chars += key.length + entry.chars;
    for (const [oldest] of this.entries) {
      if (this.chars <= MAX_TOTAL_CHARS) break;
      this.forget(oldest);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}
