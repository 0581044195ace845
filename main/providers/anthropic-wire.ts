// The Anthropic Messages wire, upstream side: internal request → request body, response body → internal
// response, stream event → internal events. Pure functions; the adapter (anthropic.ts) does the I/O.
import { GatewayError, invalidRequest } from '../core/errors.js';
import { mergeOptions, optionsIn } from '../core/provider-options.js';
import { PartSequencer } from '../core/stream-parts.js';
import type { ChatResponse, ContentPart, FinishReason, Message, ProviderRequest, StreamPart, Usage } from '../core/types.js';

/** Anthropic requires max_tokens; used when the client gave none (e.g. an OpenAI client). */
export const DEFAULT_MAX_TOKENS = 4096;

type Block = Record<string, unknown>;
interface WireMessage {
  role: 'user' | 'assistant';
  content: Block[];
}

export function toAnthropicBody(req: ProviderRequest, provider: string): Record<string, unknown> {
  if (req.native?.format === 'anthropic-messages') {
    // Same format: the client's body as sent (cache_control, server tools, betas' fields…), model replaced.
    return { ...req.native.body, model: req.upstreamModel, stream: req.stream };
  }
  if (req.responseFormat?.type === 'json_object') {
    throw new GatewayError({
      kind: 'invalid_request',
      status: 400,
      param: 'response_format',
      provider,
      message: `${provider} (anthropic) cannot enforce response_format json_object without a schema; send a json_schema or ask for JSON in the prompt`,
    });
  }
  // System messages anywhere in the conversation are folded into the top-level `system`, in order. Anthropic takes
  // `role: "system"` inside `messages` only on the models that have mid-conversation system messages (Claude Opus 4.8,
  // not Bedrock or Vertex: platform.claude.com/docs/en/build-with-claude/mid-conversation-system-messages); every
  // other model answers 400 "Unexpected role \"system\"". Folded, the instruction keeps its system authority on
  // every model; only its position (which matters for prompt caching) is lost. An Anthropic client's own body, with
  // its `anthropic-beta`, goes through as sent (above).
  const systems = [req.system, ...req.messages.filter((m) => m.role === 'system').map(textOf)].filter((s): s is string => !!s);
  const body: Record<string, unknown> = {
    model: req.upstreamModel,
    max_tokens: req.maxTokens ?? Math.max(DEFAULT_MAX_TOKENS, (req.thinkingBudget ?? 0) + 1024),
    messages: toWireMessages(req.messages),
  };
  if (systems.length) body.system = systems.join('\n\n');
  if (req.tools?.length) body.tools = req.tools.map((t) => ({ name: t.name, ...(t.description ? { description: t.description } : {}), input_schema: t.parameters }));
  if (req.toolChoice) {
    const c = req.toolChoice;
    body.tool_choice = typeof c === 'object' ? { type: 'tool', name: c.name } : { type: c === 'required' ? 'any' : c };
  }
  if (req.stop?.length) body.stop_sequences = req.stop;
  if (req.temperature !== undefined) body.temperature = Math.min(1, req.temperature); // Anthropic's range is 0–1
  if (req.topP !== undefined) body.top_p = req.topP;
  if (req.topK !== undefined) body.top_k = req.topK;
  // Structured outputs (`OutputConfig.format` in @anthropic-ai/sdk: `{ type: 'json_schema', schema }`).
  if (req.responseFormat?.type === 'json_schema') body.output_config = { format: { type: 'json_schema', schema: req.responseFormat.schema } };
  if (req.user) body.metadata = { user_id: req.user };
  if (req.thinkingBudget) body.thinking = { type: 'enabled', budget_tokens: req.thinkingBudget };
  if (req.stream) body.stream = true;
  // The `anthropic` options (output_config.effort, container, service_tier…): what the request models wins.
  return mergeOptions(body, optionsIn(req, 'anthropic'));
}

const textOf = (m: Message): string => m.content.map((p) => (p.type === 'text' ? p.text : '')).join('');

/** Tool results travel inside user turns; consecutive same-role turns are merged (Anthropic alternates roles). */
function toWireMessages(messages: Message[]): WireMessage[] {
  const out: WireMessage[] = [];
  for (const m of messages) {
    if (m.role === 'system') continue;
    let role: WireMessage['role'];
    let blocks: Block[];
    if (m.role === 'tool') {
      role = 'user';
      const content = m.content.flatMap(toBlock);
      blocks = [{ type: 'tool_result', tool_use_id: m.toolCallId ?? '', content, ...(m.isError ? { is_error: true } : {}) }];
    } else if (m.role === 'assistant') {
      role = 'assistant';
      // Reasoning is not sent back: Anthropic only accepts thinking blocks with its own signature.
      blocks = m.content.flatMap(toBlock);
      for (const c of m.toolCalls ?? []) blocks.push({ type: 'tool_use', id: c.id, name: c.name, input: parseArgs(c.arguments) });
    } else {
      role = 'user';
      blocks = m.content.flatMap(toBlock);
    }
    if (!blocks.length) continue;
    const last = out.at(-1);
    if (last?.role === role) last.content.push(...blocks);
    else out.push({ role, content: blocks });
  }
  return out;
}

function parseArgs(args: string): unknown {
  try {
    return args.trim() ? JSON.parse(args) : {};
  } catch {
    throw invalidRequest(`tool call arguments are not valid JSON: ${args.slice(0, 80)}`, 'messages');
  }
}

function toBlock(p: ContentPart): Block[] {
  switch (p.type) {
    case 'text':
      return p.text ? [{ type: 'text', text: p.text }] : []; // Anthropic rejects empty text blocks
    case 'image': {
      if (p.data) return [{ type: 'image', source: { type: 'base64', media_type: p.mediaType ?? 'image/png', data: p.data } }];
      const m = /^data:([^;,]+);base64,(.*)$/s.exec(p.url ?? '');
      if (m) return [{ type: 'image', source: { type: 'base64', media_type: m[1], data: m[2] } }];
      return [{ type: 'image', source: { type: 'url', url: p.url } }];
    }
    case 'document': {
      const title = p.title ? { title: p.title } : {};
      if (p.mediaType === 'text/plain') {
        return [{ type: 'document', source: { type: 'text', media_type: 'text/plain', data: Buffer.from(p.data, 'base64').toString('utf8') }, ...title }];
      }
      return [{ type: 'document', source: { type: 'base64', media_type: p.mediaType, data: p.data }, ...title }];
    }
  }
}

export function finishReason(stop: unknown): FinishReason {
  switch (stop) {
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return 'tool_calls';
    case 'refusal':
      return 'content_filter';
    default:
      return 'stop'; // end_turn, stop_sequence, pause_turn
  }
}

interface WireUsage {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
}

/** Internal inputTokens is the whole prompt; Anthropic reports cached and cache-written tokens apart. */
export function toUsage(u: WireUsage | undefined, prev?: Usage): Usage {
  const cached = u?.cache_read_input_tokens ?? undefined;
  const input = u?.input_tokens != null ? u.input_tokens + (cached ?? 0) + (u.cache_creation_input_tokens ?? 0) : prev?.inputTokens ?? 0;
  const usage: Usage = { inputTokens: input, outputTokens: u?.output_tokens ?? prev?.outputTokens ?? 0 };
  const c = cached ?? prev?.cachedInputTokens;
  if (c !== undefined) usage.cachedInputTokens = c;
  return usage;
}

interface WireMessageResponse {
  id?: string;
  model?: string;
  content?: Array<{ type: string; text?: string; thinking?: string; id?: string; name?: string; input?: unknown }>;
  stop_reason?: string | null;
  stop_sequence?: string | null;
  usage?: WireUsage;
}

export function fromAnthropicResponse(body: WireMessageResponse, fallbackModel: string): ChatResponse {
  const res: ChatResponse = {
    id: body.id ?? '',
    model: body.model ?? fallbackModel,
    text: '',
    toolCalls: [],
    finishReason: finishReason(body.stop_reason),
    ...(body.stop_sequence ? { stopSequence: body.stop_sequence } : {}),
    created: Math.floor(Date.now() / 1000),
  };
  for (const b of body.content ?? []) {
    if (b.type === 'text') res.text += b.text ?? '';
    else if (b.type === 'thinking') res.reasoning = (res.reasoning ?? '') + (b.thinking ?? '');
    else if (b.type === 'tool_use') res.toolCalls.push({ id: b.id ?? '', name: b.name ?? '', arguments: JSON.stringify(b.input ?? {}) });
  }
  if (body.usage) res.usage = toUsage(body.usage);
  return res;
}

/** Anthropic error types → HTTP status, for errors that arrive inside a 200 stream. */
const STATUS_BY_TYPE: Record<string, number> = {
  invalid_request_error: 400,
  authentication_error: 401,
  billing_error: 402,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
};

/** Per-stream state: which content block is which tool call, and the usage so far. */
export class AnthropicStreamState {
  private readonly seq = new PartSequencer();
  private toolIdByBlock = new Map<number, string>();
  private usage: Usage | undefined;

  constructor(private readonly provider: string) {}

  parts(ev: Record<string, unknown>): StreamPart[] {
    switch (ev.type) {
      case 'message_start': {
        const m = (ev.message ?? {}) as { id?: string; model?: string; usage?: WireUsage };
        this.usage = toUsage(m.usage);
        return [{ type: 'response-start', id: m.id ?? '', model: m.model ?? '', created: Math.floor(Date.now() / 1000) }];
      }
      case 'content_block_start': {
        const b = (ev.content_block ?? {}) as { type?: string; id?: string; name?: string; text?: string };
        if (b.type === 'tool_use') {
          const id = b.id ?? `toolu_${Number(ev.index)}`;
          this.toolIdByBlock.set(Number(ev.index), id);
          return this.seq.toolCallStart(id, b.name ?? '');
        }
        return b.type === 'text' && b.text ? this.seq.text(b.text) : [];
      }
      case 'content_block_delta': {
        const d = (ev.delta ?? {}) as { type?: string; text?: string; thinking?: string; partial_json?: string };
        if (d.type === 'text_delta' && d.text) return this.seq.text(d.text);
        if (d.type === 'thinking_delta' && d.thinking) return this.seq.reasoning(d.thinking);
        const id = this.toolIdByBlock.get(Number(ev.index));
        return d.type === 'input_json_delta' && d.partial_json && id !== undefined ? this.seq.toolCallDelta(id, d.partial_json) : [];
      }
      case 'content_block_stop': {
        const id = this.toolIdByBlock.get(Number(ev.index));
        return id === undefined ? this.seq.endBlock() : this.seq.toolCallEnd(id);
      }
      case 'message_delta': {
        const d = (ev.delta ?? {}) as { stop_reason?: string | null; stop_sequence?: string | null };
        this.usage = toUsage(ev.usage as WireUsage | undefined, this.usage);
        return [...this.seq.usage(this.usage), ...this.seq.finish(finishReason(d.stop_reason), d.stop_sequence ?? undefined)];
      }
      case 'error': {
        const e = (ev.error ?? {}) as { type?: string; message?: string };
        const status = STATUS_BY_TYPE[e.type ?? ''] ?? 502;
        throw new GatewayError({
          kind: status === 429 ? 'rate_limited' : 'upstream_http',
          status,
          upstreamStatus: status,
          provider: this.provider,
          code: e.type,
          message: `${this.provider} failed mid-stream: ${e.type ?? 'error'}: ${e.message ?? ''}`,
        });
      }
      default:
        return []; // ping, message_stop
    }
  }
}
