// How much context an Ollama request needs, and which `num_ctx` to send for it.
//
// Ollama silently drops the front of a prompt longer than `num_ctx` (server/prompt.go chatPrompt, then the
// runner's "truncating input prompt"), and its default `num_ctx` is 4096 below 24 GiB of VRAM (docs/context-length).
// A prompt plus output that would overflow also loses its front to context shifting while the answer is written.
// So every request gets a `num_ctx` that holds its prompt and its output budget, and `num_predict` no larger than
// the room left. A change of `num_ctx` reloads the model (seconds), so it is rounded up to a few fixed sizes and,
// per model, never goes down again (see OllamaProvider.fit).
import type { ContentPart, Message, ProviderRequest, ToolDef } from '../core/types.js';

/**
 * Characters per token. Tokenizers of the Llama and Qwen families give about 4 for English prose and nearer 3 for
 * code and JSON (tool schemas, arguments); an estimate that comes out low means silent truncation, so this errs high.
 */
const CHARS_PER_TOKEN = 3.5;
/** Chat-template framing per message (role markers, separators). */
const MESSAGE_OVERHEAD = 8;
/** Per tool, plus the template's tool-use instructions once (Qwen's and Llama's run to ~150 tokens). */
const TOOL_OVERHEAD = 16;
const TOOLS_PREAMBLE = 200;
/** Ollama counts an image as 768 tokens when it truncates (server/prompt.go: "Clip images are represented as 768 tokens"). */
const IMAGE_TOKENS = 768;

/** `num_ctx` values the gateway sends: Ollama's default first, then doublings. */
export const NUM_CTX_SIZES = [4096, 8192, 16384, 32768, 65536, 131072, 262144] as const;
/** The output budget of a request that names none (plus whatever room its `num_ctx` leaves). */
export const DEFAULT_OUTPUT_TOKENS = 2048;
/** Less room than this for the answer (or than max_tokens, if smaller) and the request is refused, not squeezed. */
export const MIN_OUTPUT_TOKENS = 1024;

const textTokens = (text: string): number => Math.ceil(text.length / CHARS_PER_TOKEN);

function partTokens(p: ContentPart): number {
  if (p.type === 'text') return textTokens(p.text);
  if (p.type === 'image') return IMAGE_TOKENS;
  return textTokens(p.data); // documents are refused by the adapter; count them anyway
}

function messageTokens(m: Message): number {
  let n = MESSAGE_OVERHEAD;
  for (const p of m.content) n += partTokens(p);
  for (const c of m.toolCalls ?? []) n += TOOL_OVERHEAD + textTokens(c.name) + textTokens(c.arguments);
  return n;
}

/** The prompt's size in tokens as Ollama will render it (system, messages, the tools actually sent), erring high. */
export function estimatePromptTokens(req: ProviderRequest, tools: readonly ToolDef[]): number {
  let n = req.system ? MESSAGE_OVERHEAD + textTokens(req.system) : 0;
  for (const m of req.messages) n += messageTokens(m);
  if (tools.length) n += TOOLS_PREAMBLE;
  for (const t of tools) n += TOOL_OVERHEAD + textTokens(t.name + (t.description ?? '') + JSON.stringify(t.parameters));
  return n;
}

export interface ContextNeeds {
  promptTokens: number;
  /** The client's max_tokens, if any. */
  maxTokens?: number;
  /** The model's trained context; undefined when unknown. */
  contextLength?: number;
  /** A num_ctx already in use for this model (or set by its Modelfile): going lower would reload it. */
  floor?: number;
}

export type ContextPlan =
  | { fits: true; numCtx: number; numPredict: number; /** Set when max_tokens had to shrink to this. */ clampedTo?: number }
  | { fits: false; needed: number; limit: number };

/** The smallest fixed size that holds `tokens` (past the largest: the next multiple of the largest). */
function roundUp(tokens: number): number {
  const size = NUM_CTX_SIZES.find((s) => s >= tokens);
  if (size !== undefined) return size;
  const top = NUM_CTX_SIZES[NUM_CTX_SIZES.length - 1];
  return Math.ceil(tokens / top) * top;
}

export function planContext(n: ContextNeeds): ContextPlan {
  const limit = n.contextLength ?? Infinity;
  const want = n.maxTokens ?? DEFAULT_OUTPUT_TOKENS;
  const minOut = Math.min(want, MIN_OUTPUT_TOKENS);
  if (n.promptTokens + minOut > limit) return { fits: false, needed: n.promptTokens + minOut, limit };
  const budget = Math.min(want, limit - n.promptTokens);
  const numCtx = Math.min(limit, Math.max(roundUp(n.promptTokens + budget), n.floor ?? 0));
  // With no max_tokens, the answer may use all the room left: past it, Ollama would shift the prompt out.
  const numPredict = n.maxTokens === undefined ? numCtx - n.promptTokens : budget;
  return { fits: true, numCtx, numPredict, clampedTo: n.maxTokens !== undefined && budget < n.maxTokens ? budget : undefined };
}
