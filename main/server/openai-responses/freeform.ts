import type { ToolDef } from '../../core/types.js';
import type { ResponsesTool } from './schema.js';

// Free-form (`custom`) tools, such as Codex's apply_patch, reach upstreams as a function with one string argument,
// `input` (freeformToolDef). Their calls come back as JSON arguments, `{"input": "..."}`, and go to the client as
// the free-form text alone, in a `custom_tool_call` item.

const FREEFORM_PARAMETERS = {
  type: 'object',
  properties: { input: { type: 'string', description: 'The raw text input of the tool, verbatim.' } },
  required: ['input'],
};

/**
 * A sentence written for OpenAI's free-form calling, which the function upstreams see would contradict: Codex's
 * apply_patch says "This is a FREEFORM tool, so do not wrap the patch in JSON." (captured from codex 0.171).
 */
const contradictsInputArgument = (sentence: string): boolean =>
  /\bfree-?form tool\b/i.test(sentence) || (/\bjson\b/i.test(sentence) && /\b(?:not|never|no|without)\b|n't\b/i.test(sentence));

/**
 * The function an upstream sees for a free-form tool: its description without the wording that forbids JSON, told
 * to put the raw text in `input`, and with the grammar the input must follow (OpenAI constrains the model with it;
 * other upstreams can only read it).
 */
export function freeformToolDef(t: ResponsesTool & { name: string }): ToolDef {
  const kept = (t.description ?? '').replace(/[^.!?\n]+[.!?]*/g, (s) => (contradictsInputArgument(s) ? '' : s));
  const parts = [kept.replace(/[ \t]+\n/g, '\n').replace(/ {2,}/g, ' ').trim()];
  parts.push('Call this tool with one argument, `input`: a string holding the raw text the tool takes, exactly as it should be used (the text itself is not JSON-encoded data).');
  const f = t.format;
  if (f?.type === 'grammar' && f.definition) {
    parts.push(f.syntax === 'regex' ? `The text must match this regular expression:\n${f.definition}` : `The text must follow this ${f.syntax ?? 'lark'} grammar:\n${f.definition}`);
  }
  return { name: t.name, description: parts.filter(Boolean).join('\n\n'), parameters: FREEFORM_PARAMETERS, freeform: true };
}

/**
 * The free-form input carried by a call's JSON arguments: `input`, or the one string argument of a model that named
 * it otherwise (`{"patch": "..."}`); the raw text when the model sent anything else.
 */
export function freeformInput(args: string): string {
  try {
    const v = JSON.parse(args) as unknown;
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      if (typeof (v as { input?: unknown }).input === 'string') return (v as { input: string }).input;
      const values = Object.values(v);
      if (values.length === 1 && typeof values[0] === 'string') return values[0];
    }
  } catch {
    // Not JSON: the model wrote the input itself.
  }
  return args;
}

const PREFIX = /^\s*\{\s*"input"\s*:\s*"/;
/** What a prefix of the arguments may look like before PREFIX has fully arrived. */
const PARTIAL_PREFIX = /^\s*(\{\s*("(i(n(p(u(t("\s*(:\s*)?)?)?)?)?)?)?)?)?$/;
const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

/**
 * Decodes the `input` string out of streamed JSON argument deltas as they arrive, so the client sees the input
 * grow instead of waiting for the whole call. Arguments of any other shape are held and decoded at the end.
 */
export class FreeformInputStream {
  private raw = '';
  private state: 'prefix' | 'string' | 'closed' | 'other' = 'prefix';
  /** Undecoded tail: an escape sequence split across deltas. */
  private pending = '';
  private emitted = '';

  /** Adds an arguments delta; returns the newly decoded input text ('' when nothing is due yet). */
  push(delta: string): string {
    this.raw += delta;
    if (this.state === 'prefix') {
      const m = PREFIX.exec(this.raw);
      if (m) {
        this.state = 'string';
        return this.decode(this.raw.slice(m[0].length));
      }
      if (!PARTIAL_PREFIX.test(this.raw)) this.state = 'other';
      return '';
    }
    return this.state === 'string' ? this.decode(delta) : '';
  }

  /** The whole input, and what of it was not yet returned by push(). A string cut short keeps what arrived. */
  finish(): { input: string; rest: string } {
    const input = this.state === 'closed' || this.state === 'string' ? this.emitted : freeformInput(this.raw);
    return { input, rest: input.startsWith(this.emitted) ? input.slice(this.emitted.length) : '' };
  }

  private decode(text: string): string {
    const s = this.pending + text;
    this.pending = '';
    let out = '';
    let i = 0;
    while (i < s.length) {
      const c = s[i];
      if (c === '"') {
        this.state = 'closed';
        break;
      }
      if (c !== '\\') {
        out += c;
        i++;
        continue;
      }
      if (i + 1 >= s.length) break;
      const e = s[i + 1];
      if (e === 'u') {
        if (i + 6 > s.length) break;
        const hex = s.slice(i + 2, i + 6);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) return this.giveUp(out);
        out += String.fromCharCode(parseInt(hex, 16));
        i += 6;
      } else if (ESCAPES[e] !== undefined) {
        out += ESCAPES[e];
        i += 2;
      } else {
        return this.giveUp(out);
      }
    }
    if (this.state === 'string') this.pending = s.slice(i);
    this.emitted += out;
    return out;
  }

  /** Not valid JSON string text: stop decoding; finish() falls back to the raw arguments. */
  private giveUp(out: string): string {
    this.state = 'other';
    this.emitted += out;
    return out;
  }
}
