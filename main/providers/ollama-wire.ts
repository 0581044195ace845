// The Ollama wire shapes: the internal request → an /api/chat body, and an /api/chat answer → the internal response.
import { randomUUID } from 'node:crypto';
import type { ChatRequest as OllamaChatRequest, ChatResponse as OllamaChatResponse, Message as OllamaMessage } from 'ollama';
import { invalidRequest } from '../core/errors.js';
import { mergeOptions, optionsIn } from '../core/provider-options.js';
import type { ChatResponse, FinishReason, Message, ToolCall } from '../core/types.js';
import { protocolError, type UpstreamIdentity } from './http.js';
import { ollamaThink, toolsToSend, type OllamaFittedRequest } from './ollama-fit.js';

// Internal → Ollama

function imagesOf(m: Message, who: UpstreamIdentity): string[] {
  const out: string[] = [];
  for (const p of m.content) {
    if (p.type === 'image') {
      if (p.data) out.push(p.data);
      else if (p.url?.startsWith('data:')) out.push(p.url.slice(p.url.indexOf(',') + 1));
      else throw invalidRequest(`${who.provider} (Ollama) takes images only inline (base64 or data: URLs), not remote URLs`, 'messages');
    } else if (p.type === 'document') {
      throw invalidRequest(`${who.provider} (Ollama) cannot read documents; send the text instead`, 'messages');
    }
  }
  return out;
}

const textOf = (m: Message): string => m.content.map((p) => (p.type === 'text' ? p.text : '')).join('');

function parseArgs(args: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(args || '{}');
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/**
 * The request without `stream`: each call sets it (first, see chat()). Mid-conversation system messages go
 * through in place (Ollama's chat templates take `system` anywhere); a tool result's images go in that tool
 * message's `images` (base64, no data: prefix: docs/api.md "Chat request (with images)").
 */
export function toOllamaChatRequest(req: OllamaFittedRequest, who: UpstreamIdentity, keepAlive?: string): Omit<OllamaChatRequest, 'stream'> {
  const toolNames = new Map<string, string>();
  const messages: OllamaMessage[] = [];
  if (req.system) messages.push({ role: 'system', content: req.system });
  for (const m of req.messages) {
    const out: OllamaMessage = { role: m.role, content: textOf(m) };
    const images = imagesOf(m, who);
    if (images.length) out.images = images;
    if (m.toolCalls?.length) {
      out.tool_calls = m.toolCalls.map((c) => {
        toolNames.set(c.id, c.name);
        return { function: { name: c.name, arguments: parseArgs(c.arguments) } };
      });
    }
    if (m.role === 'tool' && m.toolCallId) {
      const name = toolNames.get(m.toolCallId);
      if (name) out.tool_name = name;
    }
    messages.push(out);
  }
  const body: Omit<OllamaChatRequest, 'stream'> = { model: req.upstreamModel, messages };
  const tools = toolsToSend(req);
  if (tools.length) {
    body.tools = tools.map((t) => ({
      type: 'function',
      function: { name: t.name, description: t.description, parameters: t.parameters as NonNullable<OllamaChatRequest['tools']>[number]['function']['parameters'] },
    }));
  }
  const rf = req.responseFormat;
  if (rf?.type === 'json_object') body.format = 'json';
  else if (rf?.type === 'json_schema') body.format = rf.schema;
  body.options = ollamaOptions(req);
  if (keepAlive !== undefined) body.keep_alive = keepAlive;
  const think = ollamaThink(req);
  if (think !== undefined) body.think = think;
  // The `ollama` options (`options: { min_p, repeat_penalty… }`, `keep_alive`…): what the request models wins.
  mergeOptions(body as Record<string, unknown>, optionsIn(req, 'ollama'));
  return body;
}

/** Sampling and size options, under the names of docs/api.md "Generate request (With options)"; undefined when none. */
function ollamaOptions(req: OllamaFittedRequest): Record<string, unknown> | undefined {
  const options: Record<string, unknown> = {};
  if (req.temperature !== undefined) options.temperature = req.temperature;
  if (req.topP !== undefined) options.top_p = req.topP;
  if (req.topK !== undefined) options.top_k = req.topK;
  if (req.frequencyPenalty !== undefined) options.frequency_penalty = req.frequencyPenalty;
  if (req.presencePenalty !== undefined) options.presence_penalty = req.presencePenalty;
  if (req.stop?.length) options.stop = req.stop;
  if (req.seed !== undefined) options.seed = req.seed;
  if (req.maxTokens !== undefined) options.num_predict = req.maxTokens;
  if (req.ollamaNumCtx !== undefined) options.num_ctx = req.ollamaNumCtx;
  return Object.keys(options).length ? options : undefined;
}

// Ollama → internal

export const newId = (prefix: string): string => `${prefix}${randomUUID().replace(/-/g, '').slice(0, 24)}`;

export function finishOf(doneReason: string | undefined, hasTools: boolean): FinishReason {
  if (hasTools) return 'tool_calls';
  return doneReason === 'length' ? 'length' : 'stop';
}

export function createdOf(r: { created_at?: unknown }): number {
  const t = Date.parse(String(r.created_at ?? ''));
  return Math.floor((Number.isNaN(t) ? Date.now() : t) / 1000);
}

function toolCallsOf(r: OllamaChatResponse): ToolCall[] {
  return (r.message?.tool_calls ?? []).map((c) => ({
    id: newId('call_'),
    name: c.function.name,
    arguments: JSON.stringify(c.function.arguments ?? {}),
  }));
}

export function fromOllamaChatResponse(r: OllamaChatResponse, who: UpstreamIdentity): ChatResponse {
  if (!r || typeof r !== 'object' || !r.message) throw protocolError(who, 'returned a chat response without `message`');
  const toolCalls = toolCallsOf(r);
  return {
    id: newId('chatcmpl-'),
    model: r.model,
    created: createdOf(r),
    text: r.message.content ?? '',
    ...(r.message.thinking ? { reasoning: r.message.thinking } : {}),
    toolCalls,
    // `done: false` in a non-streamed answer means Ollama stopped before the end (docs/api.md): a cut answer, which
    // the client is told and the cache never keeps.
    finishReason: r.done === false ? 'length' : finishOf(r.done_reason, toolCalls.length > 0),
    usage: { inputTokens: r.prompt_eval_count ?? 0, outputTokens: r.eval_count ?? 0 },
  };
}
