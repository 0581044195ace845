/**
 * A fake Anthropic Messages upstream speaking the real wire, on 127.0.0.1 (port 0 unless given).
 *
 *   const fake = await startFakeAnthropic();
 *   fake.url                      // 'http://127.0.0.1:PORT' — use as the anthropic provider's baseUrl
 *   fake.reply({ text: 'hi', thinking: 'hmm', toolCalls: [{ name: 'f', input: { a: 1 } }] })
 *   fake.reply((body) => ({ text: `echo ${body.model}` }))
 *   fake.setFault({ status: 529, body: anthropicError('overloaded_error', 'Overloaded') }, { times: 1 })
 *   fake.setFault('cut-mid-stream', { afterChunks: 3 })    // every fault of fake-server.ts
 *   fake.requests[0].headers['x-api-key'], fake.requests[0].body
 *
 * Routes (also without the /v1 prefix):
 *   POST /v1/messages   JSON, or when `stream: true` the SSE sequence Anthropic sends: message_start (usage with
 *                       input and cache-read tokens), ping, per block content_block_start / _delta / _stop
 *                       (thinking_delta + signature_delta, text_delta, input_json_delta in pieces), message_delta
 *                       (stop_reason + usage.output_tokens), message_stop.
 *   POST /v1/messages/count_tokens  { input_tokens }
 *   GET  /v1/models     Anthropic's list shape.
 * A request without `x-api-key` or `anthropic-version` gets Anthropic's 401 / 400 error envelope, and a body the
 * real API refuses gets its 400 with the real wording (see `refuse` below for the rules and where they come from).
 */
import {
  FakeServer,
  roughTokens,
  sendBody,
  sendJson,
  splitText,
  writeFrames,
  type FakeCall,
  type Fault,
  type FaultOptions,
  type RecordedRequest,
} from './fake-server.js';

export type { Fault, FaultOptions, RecordedRequest } from './fake-server.js';

export interface AnthropicScript {
  /** Default 'Hello from the fake Anthropic upstream.' ('' when toolCalls are given). */
  text?: string;
  /** A thinking block before the text. */
  thinking?: string;
  toolCalls?: Array<{ name: string; input: Record<string, unknown>; id?: string }>;
  /** Text pieces per delta (default: one per word); tool input JSON is sent in 3 pieces unless given. */
  chunks?: number;
  delayMs?: number;
  /** Default 'tool_use' with toolCalls, else 'end_turn'; 'stop_sequence' when stopSequence is given. */
  stopReason?: string;
  /** The stop sequence that "ended" the answer (sent as stop_sequence with stop_reason 'stop_sequence'). */
  stopSequence?: string;
  usage?: { input_tokens?: number; output_tokens?: number; cache_read_input_tokens?: number };
  model?: string;
}

export type AnthropicScriptSource = AnthropicScript | ((body: Record<string, unknown>) => AnthropicScript);

export interface FakeAnthropic {
  url: string;
  port: number;
  requests: RecordedRequest[];
  count(path?: string): number;
  setFault(fault: Fault | null, opts?: FaultOptions): void;
  reply(script: AnthropicScriptSource): void;
  waitForAbort(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

const DEFAULT_TEXT = 'Hello from the fake Anthropic upstream.';

export const anthropicError = (type: string, message: string): Record<string, unknown> => ({ type: 'error', error: { type, message } });

export async function startFakeAnthropic(opts: { port?: number; record?: boolean; script?: AnthropicScriptSource } = {}): Promise<FakeAnthropic> {
  let script: AnthropicScriptSource = opts.script ?? {};
  let seq = 0;
  const handler = (call: FakeCall): Promise<void> | void => {
    const { path, res, req } = call;
    const body = (typeof call.body === 'object' && call.body !== null ? call.body : {}) as Record<string, unknown>;
    if (!req.headers['x-api-key']) return sendJson(res, 401, anthropicError('authentication_error', 'x-api-key header is required'));
    if (!req.headers['anthropic-version']) return sendJson(res, 400, anthropicError('invalid_request_error', 'anthropic-version header is required'));
    if (req.method === 'GET' && path.endsWith('/models')) {
      return sendJson(res, 200, { data: [{ type: 'model', id: 'claude-fake-1', display_name: 'Claude Fake', created_at: '2025-01-01T00:00:00Z' }], has_more: false, first_id: 'claude-fake-1', last_id: 'claude-fake-1' });
    }
    if (req.method === 'POST' && path.endsWith('/messages/count_tokens')) return sendJson(res, 200, { input_tokens: roughTokens(body.messages) });
    if (req.method === 'POST' && path.endsWith('/messages')) {
      const refusal = refuse(body, req.headers['anthropic-beta']);
      if (refusal) return sendJson(res, 400, anthropicError('invalid_request_error', refusal));
      const s = typeof script === 'function' ? script(body) : script;
      seq += 1;
      return body.stream === true ? streamMessage(call, body, s, seq) : jsonMessage(call, body, s, seq);
    }
    return sendJson(res, 404, anthropicError('not_found_error', `no route ${path}`));
  };
  const server = new FakeServer(handler, { port: opts.port, record: opts.record });
  await server.listen();
  return {
    url: `http://127.0.0.1:${server.port}`,
    port: server.port,
    requests: server.requests,
    count: (p) => server.count(p),
    setFault: (f, o) => server.setFault(f, o),
    reply: (s) => {
      script = s;
    },
    waitForAbort: (t) => server.waitForAbort(t),
    close: () => server.close(),
  };
}

function plan(s: AnthropicScript, body: Record<string, unknown>, seq: number) {
  const tools = (s.toolCalls ?? []).map((t, i) => ({ id: t.id ?? `toolu_fake_${seq}_${i}`, name: t.name, input: t.input }));
  const text = s.text ?? (tools.length ? '' : DEFAULT_TEXT);
  const usage = {
    input_tokens: s.usage?.input_tokens ?? roughTokens(body.messages),
    output_tokens: s.usage?.output_tokens ?? roughTokens(text + JSON.stringify(tools)),
    cache_read_input_tokens: s.usage?.cache_read_input_tokens ?? 0,
    cache_creation_input_tokens: 0,
  };
  const stop = s.stopReason ?? (s.stopSequence ? 'stop_sequence' : tools.length ? 'tool_use' : 'end_turn');
  return { tools, text, usage, stop, stopSequence: s.stopSequence ?? null, model: s.model ?? String(body.model) };
}

function jsonMessage(call: FakeCall, body: Record<string, unknown>, s: AnthropicScript, seq: number): Promise<void> {
  const p = plan(s, body, seq);
  const content: Record<string, unknown>[] = [];
  if (s.thinking) content.push({ type: 'thinking', thinking: s.thinking, signature: 'sig-fake' });
  if (p.text) content.push({ type: 'text', text: p.text });
  for (const t of p.tools) content.push({ type: 'tool_use', ...t });
  const payload = { id: `msg_fake_${seq}`, type: 'message', role: 'assistant', model: p.model, content, stop_reason: p.stop, stop_sequence: p.stopSequence, usage: p.usage };
  const text = JSON.stringify(payload);
  return sendBody(call, 'application/json', call.fault?.fault === 'invalid-json' ? text.slice(0, 40) : text);
}

async function streamMessage(call: FakeCall, body: Record<string, unknown>, s: AnthropicScript, seq: number): Promise<void> {
  const p = plan(s, body, seq);
  const ev = (type: string, data: Record<string, unknown>): string => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
  const frames = [
    ev('message_start', {
      message: { id: `msg_fake_${seq}`, type: 'message', role: 'assistant', model: p.model, content: [], stop_reason: null, stop_sequence: null, usage: { ...p.usage, output_tokens: 1 } },
    }),
    ev('ping', {}),
  ];
  let index = 0;
  if (s.thinking) {
    frames.push(ev('content_block_start', { index, content_block: { type: 'thinking', thinking: '', signature: '' } }));
    for (const t of splitText(s.thinking, s.chunks)) frames.push(ev('content_block_delta', { index, delta: { type: 'thinking_delta', thinking: t } }));
    frames.push(ev('content_block_delta', { index, delta: { type: 'signature_delta', signature: 'sig-fake' } }));
    frames.push(ev('content_block_stop', { index: index++ }));
  }
  if (p.text) {
    frames.push(ev('content_block_start', { index, content_block: { type: 'text', text: '' } }));
    for (const t of splitText(p.text, s.chunks)) frames.push(ev('content_block_delta', { index, delta: { type: 'text_delta', text: t } }));
    frames.push(ev('content_block_stop', { index: index++ }));
  }
  for (const t of p.tools) {
    frames.push(ev('content_block_start', { index, content_block: { type: 'tool_use', id: t.id, name: t.name, input: {} } }));
    for (const piece of splitText(JSON.stringify(t.input), s.chunks ?? 3)) {
      frames.push(ev('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: piece } }));
    }
    frames.push(ev('content_block_stop', { index: index++ }));
  }
  frames.push(ev('message_delta', { delta: { stop_reason: p.stop, stop_sequence: p.stopSequence }, usage: { output_tokens: p.usage.output_tokens } }));
  frames.push(ev('message_stop', {}));
  if (call.fault?.fault === 'invalid-json') frames.splice(1, frames.length - 1, 'event: ping\ndata: {not json\n\n');
  if (call.fault?.fault === 'broken-sse') frames.splice(1, frames.length - 1, 'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"del\n\n');
  call.res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'request-id': `req_fake_${seq}` });
  if (await writeFrames(call, frames, s.delayMs)) call.res.end();
}

// ---- What the real Messages API refuses, with its own words. Sources: the SDK's types (`ThinkingConfigEnabled`:
// budget "Must be ≥1024 and less than max_tokens"), Anthropic's docs on extended thinking (temperature) and on
// mid-conversation system messages, and the API's answers as quoted in public issue trackers (cited per rule).

/** Output-token limits per model family (docs "Models overview"; the 400s quoted in anthropics/claude-code#24451,
 * chathub-dev/chathub#1222, coolcline/CoolCline#23). First matching prefix wins; other models get 64,000. */
const OUTPUT_LIMITS: Array<[string, number]> = [
  ['claude-3-haiku', 4096],
  ['claude-3-opus', 4096],
  ['claude-3-5-', 8192],
  ['claude-3-7-sonnet', 64000],
  ['claude-opus-4-0', 32000],
  ['claude-opus-4-1', 32000],
  ['claude-opus-4-2025', 32000],
  ['claude-opus-4-5', 64000],
  ['claude-opus-4-', 128000],
];
export const outputLimit = (model: string): number => OUTPUT_LIMITS.find(([p]) => model.startsWith(p))?.[1] ?? 64000;

/** The `output_config.effort` levels each model takes, by name prefix; first match wins, other models take all five.
 * Kept apart from the gateway's own rule (providers/anthropic-fit.ts) so that a mistake there meets a 400 here.
 * Sources: platform.claude.com/docs/en/build-with-claude/effort; live probes in SkillfulAgents/SuperAgent#1142
 * (Opus/Sonnet 4.6: 400 on xhigh, max taken; Opus 4.7+, Sonnet 5: all five); Opus 4.5 "high, low, medium"
 * (askalf/dario#491); Haiku 4.5, Sonnet 4.5 and earlier refuse the field (claude-code#30760, opencode-claude-auth#125). */
const NO_EFFORT: readonly string[] = [];
const EFFORT_BY_MODEL: Array<[string, readonly string[]]> = [
  ['claude-3', NO_EFFORT],
  ['claude-2', NO_EFFORT],
  ['claude-instant', NO_EFFORT],
  ['claude-haiku-4', NO_EFFORT],
  ['claude-sonnet-4-6', ['low', 'medium', 'high', 'max']],
  ['claude-sonnet-4', NO_EFFORT],
  ['claude-opus-4-6', ['low', 'medium', 'high', 'max']],
  ['claude-opus-4-5', ['low', 'medium', 'high']],
  ['claude-opus-4-0', NO_EFFORT],
  ['claude-opus-4-1', NO_EFFORT],
  ['claude-opus-4-2025', NO_EFFORT],
];
export const effortLevels = (model: string): readonly string[] =>
  EFFORT_BY_MODEL.find(([p]) => model.startsWith(p))?.[1] ?? ['low', 'medium', 'high', 'xhigh', 'max'];

/** The API's 400 for an effort the model does not take (anthropics/claude-code#30010 quotes the whole envelope:
 * invalid_request_error, "This model does not support the effort parameter."; a level the model lacks is worded
 * "This model does not support effort level 'xhigh'. Supported levels: high, low, max, medium." — askalf/dario#413,
 * #491 — the levels sorted by name). */
function refuseEffort(model: string, effort: unknown): string | undefined {
  if (effort === undefined) return undefined;
  const levels = effortLevels(model);
  if (levels.length === 0) return 'This model does not support the effort parameter.';
  if (typeof effort === 'string' && !levels.includes(effort)) return `This model does not support effort level '${effort}'. Supported levels: ${[...levels].sort().join(', ')}.`;
  return undefined;
}

type Msg = { role?: unknown; content?: unknown };
type Blk = { type?: unknown; id?: unknown; tool_use_id?: unknown; text?: unknown };
const blocksOf = (m: Msg | undefined): Blk[] => (Array.isArray(m?.content) ? (m.content as Blk[]) : []);

/** The 400 message the real API would answer this body with, or undefined when it would take it. */
export function refuse(body: Record<string, unknown>, beta: string | string[] | undefined): string | undefined {
  const model = String(body.model ?? '');
  const maxTokens = body.max_tokens;
  if (typeof maxTokens !== 'number') return 'max_tokens: Field required';
  const messages = (Array.isArray(body.messages) ? body.messages : []) as Msg[];
  // Mid-conversation system messages: with the beta Claude Code names, or on Opus 4.8 where no header is needed
  // (platform.claude.com/docs/en/build-with-claude/mid-conversation-system-messages).
  const systemOk = String(beta ?? '').includes('mid-conversation-system-') || model.includes('opus-4-8');
  for (const m of messages) {
    if (m.role === 'system' && !systemOk) {
      // ianarawjo/ChainForge#271, Maol-1997/cursor-claude-connector#3
      return 'messages: Unexpected role "system". The Messages API accepts a top-level `system` parameter, not "system" as an input message role.';
    }
    if (m.role !== 'user' && m.role !== 'assistant' && m.role !== 'system') {
      // mark3labs/mcphost#36
      const tip = m.role === 'tool' ? ' For instructions on how to use tools, see https://docs.anthropic.com/en/docs/tool-use.' : '';
      return `messages: Unexpected role ${JSON.stringify(m.role)}. Allowed roles are "user" or "assistant".${tip}`;
    }
  }
  const limit = outputLimit(model);
  if (maxTokens > limit) return `max_tokens: ${maxTokens} > ${limit}, which is the maximum allowed number of output tokens for ${model}`;
  const thinking = body.thinking as { type?: string; budget_tokens?: number } | undefined;
  if (thinking?.type === 'enabled') {
    // danny-avila/LibreChat#8346; liuw1535/antigravity2api-nodejs#149
    if (typeof thinking.budget_tokens !== 'number') return 'thinking.enabled.budget_tokens: Field required';
    if (thinking.budget_tokens < 1024) return 'thinking.enabled.budget_tokens: Input should be greater than or equal to 1024';
    if (thinking.budget_tokens >= maxTokens) {
      return '`max_tokens` must be greater than `thinking.budget_tokens`. Please consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking#max-tokens-and-context-window-size';
    }
  }
  if ((thinking?.type === 'enabled' || thinking?.type === 'adaptive') && body.temperature !== undefined && body.temperature !== 1) {
    // MartialBE/one-hub#529
    return '`temperature` may only be set to 1 when thinking is enabled. Please consult our documentation at https://docs.anthropic.com/en/docs/build-with-claude/extended-thinking#important-considerations-when-using-extended-thinking';
  }
  const effort = refuseEffort(model, (body.output_config as { effort?: unknown } | undefined)?.effort);
  return effort ?? refuseTurns(messages);
}

/** Content and tool-pairing rules. A system message sits after a user turn (docs), never between a call and its result. */
function refuseTurns(turns: Msg[]): string | undefined {
  for (let i = 0; i < turns.length; i++) {
    const m = turns[i];
    const blocks = blocksOf(m);
    const empty = typeof m.content === 'string' ? m.content === '' : blocks.length === 0;
    // LibreChat#3372, writingmate/chatlabs#35
    if (empty && !(i === turns.length - 1 && m.role === 'assistant')) return `messages.${i}: all messages must have non-empty content except for the optional final assistant message`;
    // anthropics/claude-code#53436
    if (blocks.some((b) => b.type === 'text' && b.text === '')) return 'messages: text content blocks must be non-empty';
    // Unexpected tool_results are looked for first (our choice: the API's order when both apply is not documented).
    const asked = new Set(m.role === 'user' ? blocksOf(turns[i - 1]).filter((b) => b.type === 'tool_use').map((b) => b.id) : []);
    for (let j = 0; j < blocks.length; j++) {
      const b = blocks[j];
      if (b.type === 'tool_result' && (turns[i - 1]?.role !== 'assistant' || !asked.has(b.tool_use_id))) {
        // anthropics/claude-code#13460, router-for-me/CLIProxyAPI#497
        return `messages.${i}.content.${j}: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${String(b.tool_use_id)}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`;
      }
    }
  }
  for (let i = 0; i < turns.length - 1; i++) {
    if (turns[i].role === 'assistant') {
      const answered = new Set(blocksOf(turns[i + 1]).filter((b) => b.type === 'tool_result').map((b) => b.tool_use_id));
      const missing = blocksOf(turns[i]).filter((b) => b.type === 'tool_use' && !answered.has(b.id)).map((b) => String(b.id));
      // anthropics/claude-code#5060
      if (missing.length) return `messages.${i}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${missing.join(', ')}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`;
    }
  }
  return undefined;
}
