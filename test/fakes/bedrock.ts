/**
 * A fake Amazon Bedrock Runtime endpoint (Converse + ConverseStream), on 127.0.0.1 (port 0 unless given).
 * Point the bedrock provider's `baseUrl` (the SDK's endpoint override) at `fake.url`.
 *
 *   const fake = await startFakeBedrock();
 *   fake.reply({ text: 'hi', reasoning: 'hmm', toolCalls: [{ name: 'f', input: { a: 1 } }] })
 *   fake.setFault({ status: 429, body: { message: 'Too many requests' }, headers: { 'x-amzn-errortype': 'ThrottlingException' } })
 *   fake.streamException('modelStreamErrorException', 'boom', 2)   // exception event after 2 events, next stream only
 *   fake.requests[0].headers.authorization   // 'Bearer …' (API key) or 'AWS4-HMAC-SHA256 Credential=…' (SigV4)
 *
 * Routes:
 *   POST /model/{modelId}/converse         JSON: output.message.content (reasoningContent, text, toolUse), stopReason, usage
 *   POST /model/{modelId}/converse-stream  application/vnd.amazon.eventstream: binary AWS event-stream messages
 *        (encoded with @smithy/eventstream-codec): messageStart, contentBlockStart (toolUse), contentBlockDelta
 *        (reasoningContent / text / toolUse input pieces), contentBlockStop, messageStop, metadata (usage).
 * `fake.requests[i].path` keeps the model id decoded (`/model/anthropic.claude-3:0/converse`). Generic faults
 * (status, hang, cut-mid-stream after N events) come from fake-server.ts.
 */
import { EventStreamCodec } from '@smithy/eventstream-codec';
import { FakeServer, roughTokens, sendJson, splitText, type FakeCall, type Fault, type FaultOptions, type RecordedRequest } from './fake-server.js';

export type { Fault, FaultOptions, RecordedRequest } from './fake-server.js';

export interface BedrockScript {
  /** Default 'Hello from the fake Bedrock upstream.' ('' when toolCalls are given). */
  text?: string;
  reasoning?: string;
  toolCalls?: Array<{ name: string; input: Record<string, unknown>; id?: string }>;
  chunks?: number;
  delayMs?: number;
  /** Default 'tool_use' with toolCalls, else 'end_turn'. */
  stopReason?: string;
  usage?: { inputTokens?: number; outputTokens?: number; cacheReadInputTokens?: number };
}

export type BedrockScriptSource = BedrockScript | ((body: Record<string, unknown>, modelId: string) => BedrockScript);

export interface FakeBedrock {
  url: string;
  port: number;
  requests: RecordedRequest[];
  count(path?: string): number;
  setFault(fault: Fault | null, opts?: FaultOptions): void;
  reply(script: BedrockScriptSource): void;
  /** The next stream sends this exception event after `after` events. */
  streamException(type: string, message: string, after: number): void;
  waitForAbort(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

const DEFAULT_TEXT = 'Hello from the fake Bedrock upstream.';
const enc = new TextEncoder();
const dec = new TextDecoder();
const codec = new EventStreamCodec((b) => dec.decode(b), (s) => enc.encode(s));

const str = (value: string) => ({ type: 'string' as const, value });

/** One AWS event-stream message carrying a JSON event. */
export function eventFrame(eventType: string, payload: unknown): Buffer {
  const bytes = codec.encode({
    headers: { ':event-type': str(eventType), ':message-type': str('event'), ':content-type': str('application/json') },
    body: enc.encode(JSON.stringify(payload)),
  });
  return Buffer.from(bytes);
}

export function exceptionFrame(exceptionType: string, message: string): Buffer {
  const bytes = codec.encode({
    headers: { ':exception-type': str(exceptionType), ':message-type': str('exception'), ':content-type': str('application/json') },
    body: enc.encode(JSON.stringify({ message })),
  });
  return Buffer.from(bytes);
}

export async function startFakeBedrock(opts: { port?: number; record?: boolean; script?: BedrockScriptSource } = {}): Promise<FakeBedrock> {
  let script: BedrockScriptSource = opts.script ?? {};
  let pendingException: { type: string; message: string; after: number } | undefined;
  let seq = 0;

  const handler = async (call: FakeCall): Promise<void> => {
    const m = /^\/model\/([^/]+)\/(converse|converse-stream)$/.exec(call.path);
    if (!m || call.req.method !== 'POST') {
      return sendJson(call.res, 404, { message: `no route ${call.path}` }, { 'x-amzn-errortype': 'UnknownOperationException' });
    }
    const modelId = decodeURIComponent(m[1]);
    call.record.path = `/model/${modelId}/${m[2]}`;
    const body = (typeof call.body === 'object' && call.body !== null ? call.body : {}) as Record<string, unknown>;
    if (!Array.isArray(body.messages)) {
      return sendJson(call.res, 400, { message: 'messages is required' }, { 'x-amzn-errortype': 'ValidationException' });
    }
    const s = typeof script === 'function' ? script(body, modelId) : script;
    seq += 1;
    const tools = (s.toolCalls ?? []).map((t, i) => ({ toolUseId: t.id ?? `tooluse_fake_${seq}_${i}`, name: t.name, input: t.input }));
    const text = s.text ?? (tools.length ? '' : DEFAULT_TEXT);
    const inputTokens = s.usage?.inputTokens ?? roughTokens(body.messages);
    const outputTokens = s.usage?.outputTokens ?? roughTokens(text + JSON.stringify(tools));
    const usage: Record<string, number> = { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens };
    if (s.usage?.cacheReadInputTokens !== undefined) usage.cacheReadInputTokens = s.usage.cacheReadInputTokens;
    const stopReason = s.stopReason ?? (tools.length ? 'tool_use' : 'end_turn');

    if (m[2] === 'converse') {
      const content: unknown[] = [];
      if (s.reasoning) content.push({ reasoningContent: { reasoningText: { text: s.reasoning, signature: 'sig' } } });
      if (text) content.push({ text });
      for (const t of tools) content.push({ toolUse: t });
      return sendJson(call.res, 200, { output: { message: { role: 'assistant', content } }, stopReason, usage, metrics: { latencyMs: 1 } });
    }

    const frames: Buffer[] = [eventFrame('messageStart', { role: 'assistant' })];
    let index = 0;
    if (s.reasoning) {
      for (const r of splitText(s.reasoning, s.chunks)) frames.push(eventFrame('contentBlockDelta', { contentBlockIndex: index, delta: { reasoningContent: { text: r } } }));
      frames.push(eventFrame('contentBlockStop', { contentBlockIndex: index++ }));
    }
    if (text) {
      for (const t of splitText(text, s.chunks)) frames.push(eventFrame('contentBlockDelta', { contentBlockIndex: index, delta: { text: t } }));
      frames.push(eventFrame('contentBlockStop', { contentBlockIndex: index++ }));
    }
    for (const t of tools) {
      frames.push(eventFrame('contentBlockStart', { contentBlockIndex: index, start: { toolUse: { toolUseId: t.toolUseId, name: t.name } } }));
      for (const piece of splitText(JSON.stringify(t.input), s.chunks ?? 3)) {
        frames.push(eventFrame('contentBlockDelta', { contentBlockIndex: index, delta: { toolUse: { input: piece } } }));
      }
      frames.push(eventFrame('contentBlockStop', { contentBlockIndex: index++ }));
    }
    frames.push(eventFrame('messageStop', { stopReason }));
    frames.push(eventFrame('metadata', { usage, metrics: { latencyMs: 1 } }));
    if (pendingException) {
      frames.splice(pendingException.after, frames.length, exceptionFrame(pendingException.type, pendingException.message));
      pendingException = undefined;
    }
    call.res.writeHead(200, { 'content-type': 'application/vnd.amazon.eventstream', 'x-amzn-requestid': `req-${seq}` });
    if (await writeBinaryFrames(call, frames, s.delayMs)) call.res.end();
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
    streamException: (type, message, after) => {
      pendingException = { type, message, after };
    },
    waitForAbort: (t) => server.waitForAbort(t),
    close: () => server.close(),
  };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** writeFrames of fake-server.ts for binary frames: honours hang/cut-mid-stream after `afterChunks` events. */
async function writeBinaryFrames(call: FakeCall, frames: Buffer[], delayMs = 0): Promise<boolean> {
  const { res, fault } = call;
  const mid = fault?.fault === 'hang-mid-stream' || fault?.fault === 'cut-mid-stream' ? fault : undefined;
  for (let i = 0; i < frames.length; i++) {
    if (mid && i >= mid.afterChunks) {
      if (mid.fault === 'cut-mid-stream') {
        await sleep(5);
        res.destroy();
      }
      return false;
    }
    if (res.destroyed) return false;
    if (delayMs > 0 && i > 0) await sleep(delayMs);
    res.write(frames[i]);
  }
  return true;
}
