// Small local models often write a tool call as text instead of a structured call. When the request offered
// tools and the WHOLE reply is a well-formed call to offered tools, it becomes a real tool call. Shapes:
//   Qwen / Hermes:  <tool_call>{"name": "f", "arguments": {...}}</tool_call>   (one or more blocks)
//   Llama 3.x:      {"name": "f", "parameters": {...}}, optionally after <|python_tag|>, ending <|eom_id|>/<|eot_id|>
//                   <function=f>{...}</function>
//   Fenced JSON:    ```json {...} ```   and lists of calls: [{...}, {...}]
//   OpenAI-like:    {"type": "function", "function": {"name": "f", "arguments": "{...}"}}
import { randomUUID } from 'node:crypto';
import { PartSequencer } from '../core/stream-parts.js';
import type { ChatResponse, StreamPart, ToolCall, ToolDef } from '../core/types.js';

interface Candidate {
  name: string;
  args: unknown;
}

function asCandidate(v: unknown): Candidate | undefined {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return undefined;
  const o = v as Record<string, unknown>;
  if (o.function && typeof o.function === 'object') return asCandidate(o.function);
  const name = o.name ?? o.tool ?? o.tool_name;
  if (typeof name !== 'string') return undefined;
  const args = o.arguments ?? o.parameters ?? o.args ?? o.input ?? o.tool_input ?? {};
  const keys = Object.keys(o).filter((k) => !['name', 'tool', 'tool_name', 'arguments', 'parameters', 'args', 'input', 'tool_input', 'type', 'id'].includes(k));
  if (keys.length) return undefined; // extra keys: it is data that happens to have a `name`, not a call
  return { name, args };
}

function argsJson(args: unknown): string | undefined {
  let a = args;
  if (typeof a === 'string') {
    try {
      a = JSON.parse(a);
    } catch {
      return undefined;
    }
  }
  return a && typeof a === 'object' && !Array.isArray(a) ? JSON.stringify(a) : undefined;
}

function parseJsonCalls(text: string): Candidate[] | undefined {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return undefined;
  }
  const list = Array.isArray(v) ? v : [v];
  if (list.length === 0) return undefined;
  const out: Candidate[] = [];
  for (const item of list) {
    const c = asCandidate(item);
    if (!c) return undefined;
    out.push(c);
  }
  return out;
}

/** Every piece matched by `re` must cover the whole text (whitespace aside); returns the captured groups. */
function wholeMatches(text: string, re: RegExp): RegExpExecArray[] | undefined {
  const found: RegExpExecArray[] = [];
  let rest = text;
  for (const m of text.matchAll(re)) {
    found.push(m as RegExpExecArray);
    rest = rest.replace(m[0], '');
  }
  return found.length && rest.trim() === '' ? found : undefined;
}

function candidatesOf(raw: string): Candidate[] | undefined {
  const text = raw
    .trim()
    .replace(/^<\|python_tag\|>/, '')
    .replace(/(<\|eom_id\|>|<\|eot_id\|>)\s*$/, '')
    .trim();
  const qwen = wholeMatches(text, /<tool_call>\s*([\s\S]*?)\s*<\/tool_call>/g);
  if (qwen) return collect(qwen.map((m) => parseJsonCalls(m[1])));
  const fenced = wholeMatches(text, /```(?:json|tool_call|tool_code)?\s*\n?([\s\S]*?)```/g);
  if (fenced) return collect(fenced.map((m) => parseJsonCalls(m[1].trim())));
  const fn = wholeMatches(text, /<function=([A-Za-z0-9_.-]+)>\s*([\s\S]*?)\s*<\/function>/g);
  if (fn) return collect(fn.map((m) => (argsJson(m[2]) === undefined ? undefined : [{ name: m[1], args: m[2] }])));
  if (text.startsWith('{') || text.startsWith('[')) {
    // Llama sometimes separates several calls with ';' or newlines.
    const whole = parseJsonCalls(text);
    if (whole) return whole;
    const parts = text.split(/\s*;\s*|\n+(?=\{)/).filter((p) => p.trim() !== '');
    return parts.length > 1 ? collect(parts.map((p) => parseJsonCalls(p))) : undefined;
  }
  return undefined;
}

function collect(groups: Array<Candidate[] | undefined>): Candidate[] | undefined {
  const out: Candidate[] = [];
  for (const g of groups) {
    if (!g) return undefined;
    out.push(...g);
  }
  return out;
}

/** The tool calls the text consists of, or undefined when it is not wholly calls to offered tools. */
export function parseTextToolCalls(text: string, tools: readonly ToolDef[]): ToolCall[] | undefined {
  if (!tools.length) return undefined;
  const candidates = candidatesOf(text);
  if (!candidates?.length) return undefined;
  const names = new Set(tools.map((t) => t.name));
  const calls: ToolCall[] = [];
  for (const c of candidates) {
    const args = argsJson(c.args);
    if (!names.has(c.name) || args === undefined) return undefined;
    calls.push({ id: `call_${randomUUID().replace(/-/g, '').slice(0, 24)}`, name: c.name, arguments: args });
  }
  return calls;
}

/** Non-streaming: a reply that is wholly a text tool call becomes a real one. */
export function applyTextToolCalls(res: ChatResponse, tools: readonly ToolDef[]): ChatResponse {
  if (res.toolCalls.length || !res.text) return res;
  const calls = parseTextToolCalls(res.text, tools);
  return calls ? { ...res, text: '', toolCalls: calls, finishReason: 'tool_calls' } : res;
}

const MARKERS = ['<tool_call>', '```', '<|python_tag|>', '<function='];
/** Held text this long that names no offered tool is not a call (e.g. a long JSON answer): stream it. */
const HOLD_LIMIT = 2048;

/** Could text beginning like this still turn out to be a tool call? */
export function mayBeToolCall(text: string): boolean {
  const t = text.trimStart();
  if (t === '') return true;
  if (t[0] === '{' || t[0] === '[') return true;
  return MARKERS.some((m) => m.startsWith(t) || t.startsWith(m));
}

/**
 * Streaming: text that starts like a tool call is held back until the stream finishes, then either becomes
 * tool-call parts or is released as text. Prose is released at its first non-space character and streams on part
 * by part; so is held text that grows past HOLD_LIMIT without naming an offered tool. The output is sequenced
 * anew (its text may be rewritten), so upstream frames are dropped: this stream is never a pass-through.
 */
export async function* holdBackTextToolCalls(source: AsyncIterable<StreamPart>, tools: readonly ToolDef[]): AsyncGenerator<StreamPart> {
  const seq = new PartSequencer();
  let held = '';
  let deciding = true;
  const names = tools.map((t) => `"${t.name}"`).concat(tools.map((t) => `=${t.name}>`));
  const release = (): StreamPart[] => {
    deciding = false;
    const text = held;
    held = '';
    return seq.text(text);
  };
  for await (const part of source) {
    switch (part.type) {
      case 'text-delta':
        if (!deciding) yield* seq.text(part.delta);
        else {
          held += part.delta;
          if (!mayBeToolCall(held) || (held.length > HOLD_LIMIT && !names.some((n) => held.includes(n)))) yield* release();
        }
        break;
      case 'reasoning-delta':
        yield* seq.reasoning(part.delta);
        break;
      case 'tool-call-start':
        // The model made real calls: nothing to rewrite.
        yield* release();
        yield* seq.toolCallStart(part.id, part.name);
        break;
      case 'tool-call-delta':
        yield* seq.toolCallDelta(part.id, part.argumentsDelta);
        break;
      case 'tool-call-end':
        yield* seq.toolCallEnd(part.id);
        break;
      case 'finish': {
        const calls = deciding && held ? parseTextToolCalls(held, tools) : undefined;
        if (!calls) {
          yield* release();
          yield* seq.finish(part.reason, part.stopSequence);
          break;
        }
        deciding = false;
        held = '';
        for (const c of calls) yield* [...seq.toolCallStart(c.id, c.name), ...seq.toolCallDelta(c.id, c.arguments)];
        yield* seq.finish('tool_calls');
        break;
      }
      case 'response-start':
      case 'usage':
      case 'error':
        yield part;
        break;
      default:
        // Block starts and ends come from `seq`; upstream frames are dropped (see above).
        break;
    }
  }
  if (held) yield* seq.text(held);
}
