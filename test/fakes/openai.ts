/**
 * A fake OpenAI-compatible upstream speaking the real wire, on 127.0.0.1 (port 0 unless given).
 *
 *   const fake = await startFakeOpenAI();
 *   fake.url                      // 'http://127.0.0.1:PORT/v1' — use as a provider baseUrl
 *   fake.reply({ text: 'hi', chunks: 2, delayMs: 5 })          // script every following reply
 *   fake.reply((body) => ({ text: `echo ${body.model}` }))     // or compute it from the request body
 *   fake.setFault({ status: 429, headers: { 'retry-after': '2' } }, { times: 1 })
 *   fake.setFault('cut-mid-stream', { afterChunks: 2 })        // see fake-server.ts for every fault
 *   fake.requests[0].body, fake.requests[0].headers, fake.count('/chat/completions'), fake.connections(), await fake.waitForAbort()
 *   await fake.close()
 *
 * Routes (also without the /v1 prefix):
 *   POST /v1/chat/completions  JSON, or SSE when `stream: true`: a role chunk, reasoning_content deltas, content
 *                              deltas, tool-call deltas (id+name first, then arguments in pieces), a finish chunk,
 *                              a usage chunk (choices: []) when `stream_options.include_usage`, then `data: [DONE]`.
 *                              Non-streaming replies always carry usage.
 *   GET  /v1/models            the `models` option in OpenAI's list shape.
 *   POST /v1/embeddings        deterministic unit vectors (same input → same vector), float or base64 encoding.
 * Requests for a model not in `models` get a 404 model_not_found when `strictModels` is on (off by default).
 * Chat requests the real API refuses get its 400 (openai-rules.ts): unknown roles, images or files outside user
 * messages, parallel_tool_calls without tools, and per model (FAKE_OPENAI_MODELS, plus `modelRules`) an output
 * budget above its limit, max_tokens on reasoning models, reasoning_effort on the others.
 * With `dialect: 'mistral'` it is Mistral's API instead (mistral-rules.ts): a 422 for any field Mistral does not
 * define, and usage on every stream's finish chunk, unasked. With `dialect: 'groq'`, Groq's (groq-rules.ts): a 400 for
 * logprobs, logit_bias, top_logprobs and a message's `name`.
 */
import {
  closedPort,
  FakeServer,
  fakeVector,
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
import { groqRefusal } from './groq-rules.js';
import { mistralRefusal } from './mistral-rules.js';
import { chatRefusal, FAKE_OPENAI_MODELS, type FakeModelRules } from './openai-rules.js';

export type { Fault, FaultOptions, RecordedRequest } from './fake-server.js';

export interface FakeToolCall {
  name: string;
  /** Object (serialised) or exact JSON text. */
  arguments: Record<string, unknown> | string;
  id?: string;
}

export interface OpenAIScript {
  /** Reply text. Default 'Hello from the fake OpenAI upstream.' ('' when toolCalls are given). */
  text?: string;
  /** Streamed as `reasoning_content` deltas before the text. */
  reasoning?: string;
  toolCalls?: FakeToolCall[];
  /** Split the text into this many content chunks (default: one chunk per word). Also splits tool arguments. */
  chunks?: number;
  /** Delay between stream chunks, ms. */
  delayMs?: number;
  /** Delay before the response headers, ms. */
  headersDelayMs?: number;
  /** Default 'tool_calls' when toolCalls are given, else 'stop'. */
  finishReason?: string;
  usage?: { prompt_tokens?: number; completion_tokens?: number; cached_tokens?: number };
  /** The model reported back. Default: the requested model. */
  model?: string;
  /**
   * Stream the tool calls' argument pieces interleaved (call 0's first piece, call 1's first piece, call 0's
   * second…), each keyed by its `index`, as real providers may; call 1 starts before call 0's arguments end.
   */
  interleaveToolCalls?: boolean;
}

export type ScriptSource = OpenAIScript | ((body: Record<string, unknown>) => OpenAIScript);

export interface FakeOpenAIOptions {
  port?: number;
  models?: string[];
  strictModels?: boolean;
  /** Default vector size for /embeddings when the request gives no `dimensions`. */
  embeddingDim?: number;
  /** Keep request records (default true); turn off for benchmarks. */
  record?: boolean;
  script?: ScriptSource;
  /** Extra or overriding per-model rules (output limit, reasoning), e.g. a model the gateway doesn't know. */
  modelRules?: Record<string, FakeModelRules>;
  /** Whose chat API's rules it enforces. Default 'openai'. */
  dialect?: 'openai' | 'mistral' | 'groq';
}

export interface FakeOpenAI {
  url: string;
  port: number;
  requests: RecordedRequest[];
  count(path?: string): number;
  /** TCP connections accepted so far (to check keep-alive reuse). */
  connections(): number;
  setFault(fault: Fault | null, opts?: FaultOptions): void;
  reply(script: ScriptSource): void;
  waitForAbort(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

const DEFAULT_TEXT = 'Hello from the fake OpenAI upstream.';
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function startFakeOpenAI(opts: FakeOpenAIOptions = {}): Promise<FakeOpenAI> {
  const models = opts.models ?? ['gpt-4o-mini', 'gpt-4o', 'fake-model'];
  let script: ScriptSource = opts.script ?? {};
  let seq = 0;
  const modelRules = { ...FAKE_OPENAI_MODELS, ...opts.modelRules };

  const handler = async (call: FakeCall): Promise<void> => {
    const { path, res } = call;
    const body = (typeof call.body === 'object' && call.body !== null ? call.body : {}) as Record<string, unknown>;
    if (path.endsWith('/models') && call.req.method === 'GET') {
      return sendJson(res, 200, { object: 'list', data: models.map((id) => ({ id, object: 'model', created: 1700000000, owned_by: 'fake' })) });
    }
    if (call.req.method !== 'POST') return sendJson(res, 404, { error: { message: `no route ${path}`, type: 'invalid_request_error' } });
    if (opts.strictModels && typeof body.model === 'string' && !models.includes(body.model)) {
      return sendJson(res, 404, {
        error: { message: `The model \`${body.model}\` does not exist`, type: 'invalid_request_error', param: null, code: 'model_not_found' },
      });
    }
    if (path.endsWith('/embeddings')) return embeddings(call, body, opts.embeddingDim ?? 8);
    if (path.endsWith('/chat/completions')) {
      const mistral = opts.dialect === 'mistral';
      const refusal = mistral ? mistralRefusal(body) : ((opts.dialect === 'groq' && groqRefusal(body)) || chatRefusal(body, modelRules));
      if (refusal) return sendJson(res, refusal.status, 'error' in refusal ? { error: refusal.error } : refusal.body);
      const s = typeof script === 'function' ? script(body) : script;
      if (s.headersDelayMs) await sleep(s.headersDelayMs);
      seq += 1;
      return body.stream === true ? streamChat(call, body, s, seq, mistral ? 'on-finish' : 'when-asked') : jsonChat(call, body, s, seq);
    }
    return sendJson(res, 404, { error: { message: `no route ${path}`, type: 'invalid_request_error' } });
  };

  const server = new FakeServer(handler, { port: opts.port, record: opts.record });
  await server.listen();
  return {
    url: `http://127.0.0.1:${server.port}/v1`,
    port: server.port,
    requests: server.requests,
    count: (p) => server.count(p),
    connections: () => server.connections,
    setFault: (f, o) => server.setFault(f, o),
    reply: (s) => {
      script = s;
    },
    waitForAbort: (t) => server.waitForAbort(t),
    close: () => server.close(),
  };
}

function toolCallsOf(s: OpenAIScript, seq: number): Array<{ id: string; name: string; args: string }> {
  return (s.toolCalls ?? []).map((t, i) => ({
    id: t.id ?? `call_fake_${seq}_${i}`,
    name: t.name,
    args: typeof t.arguments === 'string' ? t.arguments : JSON.stringify(t.arguments),
  }));
}

function usageOf(s: OpenAIScript, body: Record<string, unknown>, completion: string): Record<string, unknown> {
  const prompt = s.usage?.prompt_tokens ?? roughTokens(body.messages);
  const out = s.usage?.completion_tokens ?? roughTokens(completion);
  return {
    prompt_tokens: prompt,
    completion_tokens: out,
    total_tokens: prompt + out,
    prompt_tokens_details: { cached_tokens: s.usage?.cached_tokens ?? 0 },
  };
}

function jsonChat(call: FakeCall, body: Record<string, unknown>, s: OpenAIScript, seq: number): Promise<void> {
  const calls = toolCallsOf(s, seq);
  const text = s.text ?? (calls.length ? '' : DEFAULT_TEXT);
  const message: Record<string, unknown> = { role: 'assistant', content: calls.length && text === '' ? null : text, refusal: null };
  if (s.reasoning) message.reasoning_content = s.reasoning;
  if (calls.length) message.tool_calls = calls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.args } }));
  const payload = {
    id: `chatcmpl-fake-${seq}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: s.model ?? body.model ?? 'fake-model',
    choices: [{ index: 0, message, logprobs: null, finish_reason: s.finishReason ?? (calls.length ? 'tool_calls' : 'stop') }],
    usage: usageOf(s, body, text + calls.map((c) => c.args).join('')),
    system_fingerprint: 'fp_fake',
  };
  if (call.fault?.fault === 'invalid-json') return sendBody(call, 'application/json', JSON.stringify(payload).slice(0, 40));
  return sendBody(call, 'application/json', JSON.stringify(payload));
}

/** OpenAI sends usage in a chunk of its own when `stream_options.include_usage` asks; Mistral on the finish chunk, always. */
type StreamUsage = 'when-asked' | 'on-finish';

async function streamChat(call: FakeCall, body: Record<string, unknown>, s: OpenAIScript, seq: number, usageMode: StreamUsage): Promise<void> {
  const { res } = call;
  const calls = toolCallsOf(s, seq);
  const text = s.text ?? (calls.length ? '' : DEFAULT_TEXT);
  const includeUsage = usageMode === 'when-asked' && (body.stream_options as { include_usage?: boolean } | undefined)?.include_usage === true;
  const usage = (): Record<string, unknown> => usageOf(s, body, text + calls.map((c) => c.args).join(''));
  const base = {
    id: `chatcmpl-fake-${seq}`,
    object: 'chat.completion.chunk',
    created: Math.floor(Date.now() / 1000),
    model: s.model ?? body.model ?? 'fake-model',
    system_fingerprint: 'fp_fake',
  };
  const chunk = (delta: Record<string, unknown>, finish: string | null = null): string =>
    `data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }], ...(includeUsage ? { usage: null } : {}), ...(finish && usageMode === 'on-finish' ? { usage: usage() } : {}) })}\n\n`;

  const frames: string[] = [chunk({ role: 'assistant', content: '' })];
  for (const r of splitText(s.reasoning ?? '', s.chunks)) frames.push(chunk({ reasoning_content: r }));
  for (const t of splitText(text, s.chunks)) frames.push(chunk({ content: t }));
  frames.push(...toolCallFrames(calls, s, chunk));
  frames.push(chunk({}, s.finishReason ?? (calls.length ? 'tool_calls' : 'stop')));
  if (includeUsage) {
    frames.push(`data: ${JSON.stringify({ ...base, choices: [], usage: usage() })}\n\n`);
  }
  frames.push('data: [DONE]\n\n');

  if (call.fault?.fault === 'invalid-json') frames.splice(0, frames.length, 'data: this is not json\n\n', 'data: [DONE]\n\n');
  if (call.fault?.fault === 'broken-sse') {
    const good = frames[0];
    frames.splice(0, frames.length, good, `data: {"id":"chatcmpl-fake","choices":[{"index":0,"delta":{"con\n\n`);
  }
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' });
  if (await writeFrames(call, frames, s.delayMs)) res.end();
}

/** Tool-call deltas: id and name first, then the arguments in pieces; call by call, or interleaved across calls. */
function toolCallFrames(
  calls: Array<{ id: string; name: string; args: string }>,
  s: OpenAIScript,
  chunk: (delta: Record<string, unknown>) => string,
): string[] {
  const pieces = calls.map((c) => splitText(c.args, s.chunks ?? 3));
  const head = (index: number): string =>
    chunk({ tool_calls: [{ index, id: calls[index].id, type: 'function', function: { name: calls[index].name, arguments: '' } }] });
  const piece = (index: number, a: string): string => chunk({ tool_calls: [{ index, function: { arguments: a } }] });
  const frames: string[] = [];
  if (!s.interleaveToolCalls) {
    calls.forEach((_, index) => frames.push(head(index), ...pieces[index].map((a) => piece(index, a))));
    return frames;
  }
  const rounds = Math.max(0, ...pieces.map((p) => p.length));
  for (let r = 0; r < Math.max(1, rounds); r++) {
    calls.forEach((_, index) => {
      if (r === 0) frames.push(head(index));
      if (r < pieces[index].length) frames.push(piece(index, pieces[index][r]));
    });
  }
  return frames;
}

function embeddings(call: FakeCall, body: Record<string, unknown>, defaultDim: number): void | Promise<void> {
  const input = body.input;
  const inputs = Array.isArray(input) ? input.map(String) : [String(input ?? '')];
  const dim = typeof body.dimensions === 'number' ? body.dimensions : defaultDim;
  const base64 = body.encoding_format === 'base64';
  const data = inputs.map((text, index) => {
    const v = fakeVector(text, dim);
    return { object: 'embedding', index, embedding: base64 ? Buffer.from(new Float32Array(v).buffer).toString('base64') : v };
  });
  const payload = { object: 'list', data, model: body.model ?? 'fake-embed', usage: { prompt_tokens: roughTokens(inputs), total_tokens: roughTokens(inputs) } };
  if (call.fault?.fault === 'invalid-json') return sendBody(call, 'application/json', '{"object":"list","data":[');
  return sendBody(call, 'application/json', JSON.stringify(payload));
}

/** A loopback URL (with /v1) on which nothing listens: connecting is refused at once. */
export async function closedPortUrl(): Promise<string> {
  return `http://127.0.0.1:${await closedPort()}/v1`;
}
