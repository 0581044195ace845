// The Bedrock Converse shapes: internal request → ConverseCommandInput, Converse output / ConverseStream events
// → internal response / events. Pure functions over the SDK's types; bedrock.ts does the calls.
import type {
  ContentBlock,
  ConverseCommandInput,
  ConverseCommandOutput,
  ConverseStreamOutput,
  DocumentFormat,
  ImageFormat,
  Message as WireMessage,
  TokenUsage,
} from '@aws-sdk/client-bedrock-runtime';
import { GatewayError } from '../core/errors.js';
import type { ChatResponse, ContentPart, FinishReason, Message, ProviderRequest, StreamPart, Usage } from '../core/types.js';
import { PartSequencer } from '../core/stream-parts.js';
import { finishReason as anthropicFinishReason } from './anthropic-wire.js';

const unsupported = (provider: string, what: string, param?: string): GatewayError =>
  new GatewayError({ kind: 'invalid_request', status: 400, provider, param, message: `${provider} (bedrock) cannot take ${what}` });

const IMAGE_FORMATS: Record<string, ImageFormat> = { 'image/png': 'png', 'image/jpeg': 'jpeg', 'image/jpg': 'jpeg', 'image/gif': 'gif', 'image/webp': 'webp' };
const DOC_FORMATS: Record<string, DocumentFormat> = {
  'application/pdf': 'pdf',
  'text/plain': 'txt',
  'text/markdown': 'md',
  'text/html': 'html',
  'text/csv': 'csv',
  'application/msword': 'doc',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.ms-excel': 'xls',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
};

export function toConverseInput(req: ProviderRequest, provider: string): ConverseCommandInput {
  if (req.responseFormat && req.responseFormat.type !== 'text') throw unsupported(provider, `response_format ${req.responseFormat.type}`, 'response_format');
  const systems = [req.system, ...req.messages.filter((m) => m.role === 'system').map((m) => m.content.map((p) => (p.type === 'text' ? p.text : '')).join(''))].filter((s): s is string => !!s);
  const input: ConverseCommandInput = { modelId: req.upstreamModel, messages: toWireMessages(req.messages, provider) };
  if (systems.length) input.system = systems.map((text) => ({ text }));
  const inference: NonNullable<ConverseCommandInput['inferenceConfig']> = {};
  if (req.maxTokens !== undefined) inference.maxTokens = req.maxTokens;
  if (req.temperature !== undefined) inference.temperature = req.temperature;
  if (req.topP !== undefined) inference.topP = req.topP;
  if (req.stop?.length) inference.stopSequences = req.stop;
  if (Object.keys(inference).length) input.inferenceConfig = inference;
  const hasToolHistory = req.messages.some((m) => m.role === 'tool' || m.toolCalls?.length);
  // Converse has no "none" tool choice; tools are left out instead, unless the history needs their definitions.
  if (req.tools?.length && (req.toolChoice !== 'none' || hasToolHistory)) {
    input.toolConfig = { tools: req.tools.map((t) => ({ toolSpec: { name: t.name, description: t.description || t.name, inputSchema: { json: t.parameters as never } } })) };
    const c = req.toolChoice;
    if (c === 'required') input.toolConfig.toolChoice = { any: {} };
    else if (typeof c === 'object') input.toolConfig.toolChoice = { tool: { name: c.name } };
  }
  if (req.thinkingBudget && /claude/i.test(req.upstreamModel)) {
    // Claude on Bedrock takes Anthropic's thinking config as an additional model field; other model families
    // have no such field, so the budget (a hint) is not sent to them.
    input.additionalModelRequestFields = { thinking: { type: 'enabled', budget_tokens: req.thinkingBudget } } as never;
  }
  return input;
}

function toWireMessages(messages: Message[], provider: string): WireMessage[] {
  const out: WireMessage[] = [];
  for (const m of messages) {
    if (m.role === 'system') continue;
    let role: 'user' | 'assistant' = m.role === 'assistant' ? 'assistant' : 'user';
    let blocks: ContentBlock[];
    if (m.role === 'tool') {
      role = 'user';
      const content = m.content.flatMap((p) => toBlock(p, provider)).map((b) => ('text' in b && b.text !== undefined ? { text: b.text } : ('image' in b ? { image: b.image } : { text: '' })));
      blocks = [{ toolResult: { toolUseId: m.toolCallId ?? '', content: content.length ? content : [{ text: '' }], status: m.isError ? 'error' : 'success' } } as ContentBlock];
    } else {
      blocks = m.content.flatMap((p) => toBlock(p, provider));
      for (const c of m.toolCalls ?? []) blocks.push({ toolUse: { toolUseId: c.id, name: c.name, input: parseArgs(c.arguments, provider) } } as ContentBlock);
    }
    if (!blocks.length) continue;
    const last = out.at(-1);
    if (last?.role === role) last.content?.push(...blocks);
    else out.push({ role, content: blocks });
  }
  return out;
}

function parseArgs(args: string, provider: string): never {
  try {
    return (args.trim() ? JSON.parse(args) : {}) as never;
  } catch {
    throw unsupported(provider, `tool call arguments that are not valid JSON: ${args.slice(0, 80)}`, 'messages');
  }
}

function toBlock(p: ContentPart, provider: string): ContentBlock[] {
  switch (p.type) {
    case 'text':
      return p.text ? [{ text: p.text }] : [];
    case 'image': {
      let mediaType = p.mediaType;
      let data = p.data;
      const m = /^data:([^;,]+);base64,(.*)$/s.exec(p.url ?? '');
      if (!data && m) [mediaType, data] = [m[1], m[2]];
      if (!data) throw unsupported(provider, 'images by URL (send them inline as base64)', 'messages');
      const format = IMAGE_FORMATS[mediaType ?? 'image/png'];
      if (!format) throw unsupported(provider, `images of type ${mediaType}`, 'messages');
      return [{ image: { format, source: { bytes: Buffer.from(data, 'base64') } } }];
    }
    case 'document': {
      const format = DOC_FORMATS[p.mediaType];
      if (!format) throw unsupported(provider, `documents of type ${p.mediaType}`, 'messages');
      // Bedrock restricts document names to letters, digits, spaces, hyphens, parentheses and brackets.
      const name = (p.title ?? 'document').replace(/[^A-Za-z0-9 \-()[\]]/g, ' ').trim().slice(0, 200) || 'document';
      return [{ document: { format, name, source: { bytes: Buffer.from(p.data, 'base64') } } }];
    }
  }
}

/** Converse's stop reasons are Anthropic's, plus the guardrail ones. */
export function finishReason(stop: string | undefined): FinishReason {
  return stop === 'guardrail_intervened' || stop === 'content_filtered' ? 'content_filter' : anthropicFinishReason(stop);
}

export function toUsage(u: TokenUsage | undefined): Usage | undefined {
  if (!u) return undefined;
  const cached = u.cacheReadInputTokens ?? undefined;
  const usage: Usage = { inputTokens: (u.inputTokens ?? 0) + (cached ?? 0) + (u.cacheWriteInputTokens ?? 0), outputTokens: u.outputTokens ?? 0 };
  if (cached !== undefined) usage.cachedInputTokens = cached;
  return usage;
}

export function fromConverseOutput(out: ConverseCommandOutput, model: string, id: string): ChatResponse {
  const res: ChatResponse = { id, model, text: '', toolCalls: [], finishReason: finishReason(out.stopReason), created: Math.floor(Date.now() / 1000) };
  for (const b of out.output?.message?.content ?? []) {
    if (b.text !== undefined) res.text += b.text;
    else if (b.toolUse) res.toolCalls.push({ id: b.toolUse.toolUseId ?? '', name: b.toolUse.name ?? '', arguments: JSON.stringify(b.toolUse.input ?? {}) });
    else if (b.reasoningContent?.reasoningText?.text) res.reasoning = (res.reasoning ?? '') + b.reasoningContent.reasoningText.text;
  }
  const usage = toUsage(out.usage);
  if (usage) res.usage = usage;
  return res;
}

/** Per-stream state: which content block is which tool call, and the stop reason held until the metadata event. */
export class ConverseStreamState {
  private readonly seq = new PartSequencer();
  private toolIdByBlock = new Map<number, string>();
  private stop: FinishReason | undefined;
  /** messageStop seen: the stream ended properly. */
  stopped = false;

  constructor(
    private readonly id: string,
    private readonly model: string,
  ) {}

  parts(ev: ConverseStreamOutput): StreamPart[] {
    if (ev.messageStart) return [{ type: 'response-start', id: this.id, model: this.model, created: Math.floor(Date.now() / 1000) }];
    if (ev.contentBlockStart?.start?.toolUse) {
      const t = ev.contentBlockStart.start.toolUse;
      const block = ev.contentBlockStart.contentBlockIndex ?? 0;
      const id = t.toolUseId ?? `tooluse_${block}`;
      this.toolIdByBlock.set(block, id);
      return this.seq.toolCallStart(id, t.name ?? '');
    }
    if (ev.contentBlockDelta?.delta) {
      const d = ev.contentBlockDelta.delta;
      if (d.text) return this.seq.text(d.text);
      if (d.reasoningContent?.text) return this.seq.reasoning(d.reasoningContent.text);
      const id = this.toolIdByBlock.get(ev.contentBlockDelta.contentBlockIndex ?? 0);
      return d.toolUse?.input && id !== undefined ? this.seq.toolCallDelta(id, d.toolUse.input) : [];
    }
    if (ev.contentBlockStop) {
      const id = this.toolIdByBlock.get(ev.contentBlockStop.contentBlockIndex ?? 0);
      return id === undefined ? this.seq.endBlock() : this.seq.toolCallEnd(id);
    }
    if (ev.messageStop) {
      // Usage arrives in the metadata event after messageStop; finish is emitted there, after usage.
      this.stop = finishReason(ev.messageStop.stopReason);
      this.stopped = true;
      return [];
    }
    if (ev.metadata) {
      const usage = toUsage(ev.metadata.usage);
      return [...(usage ? this.seq.usage(usage) : []), ...this.finish()];
    }
    return [];
  }

  /** The finish part, once (at metadata, or at the end of a stream that had no metadata). */
  finish(): StreamPart[] {
    if (!this.stop) return [];
    const reason = this.stop;
    this.stop = undefined;
    return this.seq.finish(reason);
  }

}
