/**
 * A fake Ollama server speaking the real wire (NDJSON streams), on 127.0.0.1 (port 0 unless given).
 *
 *   const fake = await startFakeOllama();
 *   fake.url                                  // 'http://127.0.0.1:PORT' (no /v1) — an Ollama base URL
 *   fake.reply({ text: 'hi', chunks: 2 })     // script every following /api/chat reply (or a function of the body)
 *   fake.reply({ toolCalls: [{ name: 'get_weather', arguments: { city: 'Paris' } }] })
 *   fake.setFault('truncated-ndjson')         // see fake-server.ts for every fault
 *   await fake.stop(); await fake.restart()   // Ollama goes down (connection refused) and comes back, same port
 *   fake.requests, fake.count('/api/chat'), await fake.waitForAbort(), await fake.close()
 *
 * Routes:
 *   GET  /                 'Ollama is running'
 *   POST /api/chat         NDJSON when `stream` is not false (Ollama's default), else one JSON object. Content
 *                          chunks, `thinking` chunks, tool calls as whole calls in one chunk, then a `done: true`
 *                          line with done_reason, prompt_eval_count and eval_count.
 *   POST /api/generate     same, with `response` instead of `message`.
 *   GET  /api/tags         the `models` option (names; 'llama3.2' matches 'llama3.2:latest').
 *   POST /api/show         details, model_info (`<arch>.context_length`) and capabilities of the model.
 *   GET  /api/ps, /api/version
 *   POST /api/embed        deterministic unit vectors (`embeddingDim`, default 8).
 *   POST /api/pull         streamed progress lines (manifest, download with completed/total, verify, success);
 *                          the model is then listed by /api/tags.
 * With `strictModels` (off by default) an unknown model gets Ollama's 404 `model "x" not found, try pulling it first`
 * (server/routes.go handleScheduleError); otherwise every name is a model, and /api/show answers for it too.
 *
 * Like the real server (rules and sources in ollama-models.ts), each model has capabilities and a trained context
 * length: by default from its name (qwen3* thinking + tools, qwen2.5-coder* tools, llava* vision, *embed*
 * embedding-only, others completion + tools), or as given in `modelSpecs` / `fake.setModel(name, spec)`.
 * /api/chat and /api/generate answer 400 with Ollama's wording for `think` to a model without thinking, tools to a
 * model without tools, and chat with an embedding-only model. A prompt over `options.num_ctx` (default 4096) is
 * "truncated" silently, as Ollama does, and recorded in `fake.truncations` so tests can assert it never happens.
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
import {
  capabilityError,
  DEFAULT_NUM_CTX,
  showBody,
  specFor,
  tagsEntry,
  truncate,
  withTag,
  type FakeModelSpec,
  type OllamaTruncation,
} from './ollama-models.js';

export type { Fault, FaultOptions, RecordedRequest } from './fake-server.js';
export type { FakeModelSpec, OllamaCapability, OllamaTruncation } from './ollama-models.js';

export interface OllamaScript {
  /** Reply text. Default 'Hello from the fake Ollama.' ('' when toolCalls are given). */
  text?: string;
  /** Streamed as `message.thinking` before the text. */
  thinking?: string;
  toolCalls?: Array<{ name: string; arguments: Record<string, unknown> }>;
  /** Split the text into this many chunks (default: one per word). */
  chunks?: number;
  delayMs?: number;
  headersDelayMs?: number;
  /** Default 'stop'. */
  doneReason?: string;
  promptEvalCount?: number;
  evalCount?: number;
  model?: string;
}

export type OllamaScriptSource = OllamaScript | ((body: Record<string, unknown>) => OllamaScript);

export interface FakeOllamaOptions {
  port?: number;
  models?: string[];
  strictModels?: boolean;
  embeddingDim?: number;
  version?: string;
  /** Progress steps of the download phase of /api/pull, and the delay between lines. */
  pullSteps?: number;
  pullDelayMs?: number;
  record?: boolean;
  script?: OllamaScriptSource;
  /** Capabilities / context length per model (`name` or `name:latest`), over the defaults by name. */
  modelSpecs?: Record<string, FakeModelSpec>;
  /** The server's default context when a request sets no `options.num_ctx` (OLLAMA_CONTEXT_LENGTH). Default 4096. */
  defaultNumCtx?: number;
}

export interface FakeOllama {
  url: string;
  port: number;
  requests: RecordedRequest[];
  /** Currently listed by /api/tags (pulls add to it). */
  models: string[];
  count(path?: string): number;
  /** TCP connections accepted so far (to check keep-alive reuse). */
  connections(): number;
  setFault(fault: Fault | null, opts?: FaultOptions): void;
  reply(script: OllamaScriptSource): void;
  /** Sets what a model can do (merged over its defaults by name). */
  setModel(name: string, spec: FakeModelSpec): void;
  /** Every prompt that was silently cut to fit num_ctx. */
  truncations: OllamaTruncation[];
  waitForAbort(timeoutMs?: number): Promise<void>;
  /** Stop listening (connections refused) without forgetting the port. */
  stop(): Promise<void>;
  /** Listen again on the same port. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

const DEFAULT_TEXT = 'Hello from the fake Ollama.';
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function startFakeOllama(opts: FakeOllamaOptions = {}): Promise<FakeOllama> {
  const models = (opts.models ?? ['qwen2.5-coder:7b', 'llama3.2:latest', 'nomic-embed-text:latest']).map(withTag);
  let script: OllamaScriptSource = opts.script ?? {};
  const specs = new Map(Object.entries(opts.modelSpecs ?? {}).map(([k, v]) => [withTag(k), v]));
  const spec = (m: unknown) => specFor(String(m ?? ''), specs);
  const truncations: OllamaTruncation[] = [];
  const defaultNumCtx = opts.defaultNumCtx ?? DEFAULT_NUM_CTX;

  const known = (m: unknown): boolean => typeof m === 'string' && models.includes(withTag(m));
  const notFound = (call: FakeCall, m: unknown): void =>
    sendJson(call.res, 404, { error: `model "${String(m)}" not found, try pulling it first` });

  const handler = async (call: FakeCall): Promise<void> => {
    const { path, res } = call;
    const body = (typeof call.body === 'object' && call.body !== null ? call.body : {}) as Record<string, unknown>;
    const method = call.req.method;
    if (path === '/' && (method === 'GET' || method === 'HEAD')) {
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
      return void res.end('Ollama is running');
    }
    if (path === '/api/version') return sendJson(res, 200, { version: opts.version ?? '0.12.6' });
    if (path === '/api/tags') return sendJson(res, 200, { models: models.map((m) => tagsEntry(m, spec(m))) });
    if (path === '/api/ps') return sendJson(res, 200, { models: [] });
    if (method !== 'POST') return sendJson(res, 404, { error: 'not found' });
    if (path === '/api/show') {
      const name = body.model ?? body.name;
      if (opts.strictModels && !known(name)) return notFound(call, name);
      return sendJson(res, 200, showBody(withTag(String(name ?? '')), spec(name)));
    }
    if (path === '/api/pull') return pull(call, body, models, opts);
    if (opts.strictModels && !known(body.model)) return notFound(call, body.model);
    if (path === '/api/embed') return embed(call, body, opts.embeddingDim ?? 8);
    if (path === '/api/chat' || path === '/api/generate') {
      const generate = path === '/api/generate';
      const refusal = capabilityError(body, spec(body.model), generate);
      if (refusal) return sendJson(res, 400, { error: refusal });
      const cut = truncate(path, body, spec(body.model), defaultNumCtx);
      if (cut) truncations.push(cut);
      const s = typeof script === 'function' ? script(body) : script;
      if (s.headersDelayMs) await sleep(s.headersDelayMs);
      return chat(call, body, s, generate);
    }
    return sendJson(res, 404, { error: 'not found' });
  };

  const server = new FakeServer(handler, { port: opts.port, record: opts.record });
  await server.listen();
  const port = server.port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests: server.requests,
    models,
    count: (p) => server.count(p),
    connections: () => server.connections,
    setFault: (f, o) => server.setFault(f, o),
    reply: (s) => {
      script = s;
    },
    setModel: (name, modelSpec) => {
      specs.set(withTag(name), { ...specs.get(withTag(name)), ...modelSpec });
    },
    truncations,
    waitForAbort: (t) => server.waitForAbort(t),
    stop: () => server.close(),
    restart: () => server.listen(port),
    close: () => server.close(),
  };
}

async function chat(call: FakeCall, body: Record<string, unknown>, s: OllamaScript, generate: boolean): Promise<void> {
  const { res } = call;
  const model = s.model ?? String(body.model ?? 'llama3.2');
  const created_at = new Date().toISOString();
  const tools = s.toolCalls ?? [];
  const text = s.text ?? (tools.length ? '' : DEFAULT_TEXT);
  const piece = (fields: { content?: string; thinking?: string; tool_calls?: unknown }): Record<string, unknown> =>
    generate
      ? { model, created_at, response: fields.content ?? '', ...(fields.thinking ? { thinking: fields.thinking } : {}), done: false }
      : { model, created_at, message: { role: 'assistant', content: fields.content ?? '', ...fields }, done: false };
  const final = {
    ...piece({ content: '' }),
    done: true,
    done_reason: s.doneReason ?? 'stop',
    total_duration: 123_456_789,
    load_duration: 1_234_567,
    prompt_eval_count: s.promptEvalCount ?? roughTokens(body.messages ?? body.prompt),
    prompt_eval_duration: 12_345_678,
    eval_count: s.evalCount ?? roughTokens(text) + tools.length,
    eval_duration: 98_765_432,
  };
  const toolCalls = tools.map((t) => ({ function: { name: t.name, arguments: t.arguments } }));

  if (body.stream === false) {
    const whole = generate
      ? { ...final, response: text, ...(s.thinking ? { thinking: s.thinking } : {}) }
      : { ...final, message: { role: 'assistant', content: text, ...(s.thinking ? { thinking: s.thinking } : {}), ...(tools.length ? { tool_calls: toolCalls } : {}) } };
    if (call.fault?.fault === 'invalid-json') return sendBody(call, 'application/json; charset=utf-8', JSON.stringify(whole).slice(0, 30));
    return sendBody(call, 'application/json; charset=utf-8', JSON.stringify(whole));
  }

  const lines: string[] = [];
  for (const t of splitText(s.thinking ?? '', s.chunks)) lines.push(JSON.stringify(piece({ thinking: t })) + '\n');
  for (const t of splitText(text, s.chunks)) lines.push(JSON.stringify(piece({ content: t })) + '\n');
  if (tools.length) lines.push(JSON.stringify(piece({ tool_calls: toolCalls })) + '\n');
  lines.push(JSON.stringify(final) + '\n');

  if (call.fault?.fault === 'invalid-json') lines.splice(0, lines.length, 'this is not json\n');
  if (call.fault?.fault === 'truncated-ndjson') {
    const good = lines[0] ?? JSON.stringify(piece({ content: 'x' })) + '\n';
    lines.splice(0, lines.length, good, good.slice(0, Math.floor(good.length / 2)));
  }
  res.writeHead(200, { 'content-type': 'application/x-ndjson' });
  if (await writeFrames(call, lines, s.delayMs)) res.end();
}

function embed(call: FakeCall, body: Record<string, unknown>, defaultDim: number): Promise<void> {
  const inputs = Array.isArray(body.input) ? body.input.map(String) : [String(body.input ?? '')];
  const dim = typeof body.dimensions === 'number' ? body.dimensions : defaultDim;
  const payload = {
    model: body.model,
    embeddings: inputs.map((t) => fakeVector(t, dim)),
    total_duration: 1_000_000,
    load_duration: 100_000,
    prompt_eval_count: roughTokens(inputs),
  };
  if (call.fault?.fault === 'invalid-json') return sendBody(call, 'application/json', '{"embeddings":[[0.1,');
  return sendBody(call, 'application/json; charset=utf-8', JSON.stringify(payload));
}

async function pull(call: FakeCall, body: Record<string, unknown>, models: string[], opts: FakeOllamaOptions): Promise<void> {
  const name = withTag(String(body.model ?? body.name ?? ''));
  const total = 1_000_000;
  const steps = opts.pullSteps ?? 4;
  const digest = 'sha256:' + 'a'.repeat(64);
  const lines = [{ status: 'pulling manifest' }];
  for (let i = 0; i <= steps; i++) lines.push({ status: `pulling ${digest.slice(7, 19)}`, digest, total, completed: Math.round((total * i) / steps) } as never);
  lines.push({ status: 'verifying sha256 digest' }, { status: 'writing manifest' }, { status: 'success' });
  if (body.stream === false) {
    if (!models.includes(name)) models.push(name);
    return sendJson(call.res, 200, { status: 'success' });
  }
  call.res.writeHead(200, { 'content-type': 'application/x-ndjson' });
  const ok = await writeFrames(call, lines.map((l) => JSON.stringify(l) + '\n'), opts.pullDelayMs ?? 0);
  if (ok) {
    if (!models.includes(name)) models.push(name);
    call.res.end();
  }
}

/** A loopback Ollama URL on which nothing listens: connecting is refused at once. */
export async function closedPortUrl(): Promise<string> {
  return `http://127.0.0.1:${await closedPort()}`;
}
