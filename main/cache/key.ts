// Cache keys. Only fields that change the answer go in; object keys are sorted so that the same request in a
// different field order (or from a different client format) gets the same key.
import { createHash } from 'node:crypto';
import type { CacheContext } from '../core/ports.js';
import type { ChatRequest, Message } from '../core/types.js';

/** JSON with object keys sorted at every depth and `undefined` members dropped. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortDeep(value));
}

function sortDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortDeep);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[k];
      if (v !== undefined) out[k] = sortDeep(v);
    }
    return out;
  }
  return value;
}

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

/** The alias when the request resolved to one, else the first target: two aliases never share answers. */
export function resolvedTarget(ctx: CacheContext): string {
  return ctx.plan.alias ?? ctx.plan.targets[0]?.label ?? '';
}

/** Request fields that never change an answer: how it is delivered, and who asked (the user counts through the scope). */
const NOT_IN_KEY = new Set(['model', 'stream', 'includeUsage', 'user']);
/** The same for the client's own body (OpenAI `stream_options`, Anthropic `metadata.user_id`, Responses `store`…). */
const NATIVE_NOT_IN_KEY = new Set(['model', 'stream', 'stream_options', 'user', 'metadata', 'store', 'prompt_cache_key', 'safety_identifier']);

function without(obj: object, leaveOut: Set<string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) if (!leaveOut.has(k)) out[k] = v;
  return out;
}

/**
 * Exact key: every field that can change the answer, so that two requests share an entry only when the answer
 * would be the same. That is every internal field but the ones above (a field added later is in the key by
 * default; `providerOptions`, the namespaced options the parsers file, is in it whole), and every target of the plan
 * in order with the alias: a mode switch or an alias edit that sends the request elsewhere never serves the other
 * route's answer.
 *
 * The client's own body stays in the key too. A same-format upstream is sent that body (pass-through), not the
 * internal request, and the body carries what no parser models: message-level fields (OpenAI `name`, Anthropic
 * server tools and URL documents, Responses hosted-tool items) and vendor fields (`n`, OpenRouter's `provider`,
 * llama.cpp's `mirostat`). Without it, two requests differing only there would share an answer; the cost is that the
 * same conversation sent in two client formats is stored twice.
 */
export function exactKey(req: ChatRequest, ctx: CacheContext): string {
  return sha256(
    canonicalJson({
      targets: ctx.plan.targets.map((t) => t.label),
      alias: ctx.plan.alias,
      scope: ctx.scope,
      request: without(req, NOT_IN_KEY),
      native: ctx.native && { format: ctx.native.format, body: without(ctx.native.body, NATIVE_NOT_IN_KEY) },
    }),
  );
}

/** Index of the last user message, or -1. */
export function lastUserIndex(messages: Message[]): number {
  for (let i = messages.length - 1; i >= 0; i--) if (messages[i].role === 'user') return i;
  return -1;
}

/** The plain text of a message, or undefined when it carries anything but text. */
export function messageText(m: Message): string | undefined {
  let text = '';
  for (const part of m.content) {
    if (part.type !== 'text') return undefined;
    text += (text ? '\n' : '') + part.text;
  }
  return text;
}

/**
 * Semantic context: everything except the last user turn. A question asked in another conversation, with another
 * system prompt, tool set or output format, or for another target, never shares an answer.
 */
export function contextHash(req: ChatRequest, ctx: CacheContext): string {
  const last = lastUserIndex(req.messages);
  return sha256(
    canonicalJson({
      target: resolvedTarget(ctx),
      scope: ctx.scope,
      system: req.system,
      tools: req.tools,
      toolChoice: req.toolChoice,
      responseFormat: req.responseFormat,
      before: req.messages.slice(0, Math.max(last, 0)),
      after: req.messages.slice(last + 1),
    }),
  ).slice(0, 32);
}
