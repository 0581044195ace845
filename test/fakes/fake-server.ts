/**
 * Shared machinery for the fake upstream servers in test/fakes/ (openai.ts, ollama.ts; reusable by others).
 *
 * A FakeServer is a real node:http server on 127.0.0.1, port 0 (or a given port). It records every request
 * (method, path, headers, parsed JSON body, and whether the client closed the connection before the response
 * finished) and applies faults before or during the response:
 *
 *   { status, body?, headers? }  answer with that status (body: string or object → JSON), e.g. 429 + retry-after
 *   'hang-before-headers'        accept the request, never answer (until the client gives up or close())
 *   'hang-mid-stream'            send headers and `afterChunks` chunks (default 1), then go silent
 *   'cut-mid-stream'             send headers and `afterChunks` chunks (default 1), then destroy the socket
 *   'invalid-json'               200 with a body / stream frame that is not valid JSON
 *   'broken-sse'                 (SSE) one good frame, then a frame whose JSON is cut in the middle, then end
 *   'truncated-ndjson'           (NDJSON) one good line, then half a line, then end
 *   'html-error'                 200 with an HTML page (a proxy / captive portal / wrong base URL)
 *   'empty-200'                  200 application/json with an empty body
 *
 * `setFault(fault, { times, path, afterChunks })`: `times` limits the fault to the next N matching requests
 * (default: until `setFault(null)`); `path` limits it to paths ending with that string.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';

export type Fault =
  | { status: number; body?: string | Record<string, unknown>; headers?: Record<string, string> }
  | 'hang-before-headers'
  | 'hang-mid-stream'
  | 'cut-mid-stream'
  | 'invalid-json'
  | 'broken-sse'
  | 'truncated-ndjson'
  | 'html-error'
  | 'empty-200';

export interface FaultOptions {
  /** Only the next N matching requests get the fault. Default: every request until cleared. */
  times?: number;
  /** Only requests whose path ends with this (e.g. '/chat/completions'). */
  path?: string;
  /** For mid-stream faults: how many chunks go out first. Default 1. */
  afterChunks?: number;
}

export interface RecordedRequest {
  method: string;
  /** Path without the query string, e.g. '/v1/chat/completions'. */
  path: string;
  /** Path with the query string, as sent. */
  url: string;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body, or the raw text when it was not JSON, or undefined when empty. */
  body: unknown;
  /** True once the client closed the connection before the response finished (abort propagation). */
  aborted: boolean;
}

export interface ActiveFault {
  fault: Fault;
  afterChunks: number;
}

/** One request being answered by a fake's handler. */
export interface FakeCall {
  req: IncomingMessage;
  res: ServerResponse;
  path: string;
  body: unknown;
  record: RecordedRequest;
  /** A format-specific fault the handler must apply (mid-stream faults, invalid-json, broken-sse, ...). */
  fault?: ActiveFault;
}

export type FakeHandler = (call: FakeCall) => Promise<void> | void;

export interface FakeServerOptions {
  port?: number;
  /** Keep request records (default true). Turn off for benchmarks. */
  record?: boolean;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class FakeServer {
  readonly requests: RecordedRequest[] = [];
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private fault: (ActiveFault & { times?: number; path?: string }) | undefined;
  private abortWaiters: Array<() => void> = [];
  port = 0;
  /** TCP connections accepted so far (keep-alive reuse shows as a small number). */
  connections = 0;

  constructor(
    private readonly handler: FakeHandler,
    private readonly opts: FakeServerOptions = {},
  ) {}

  async listen(port = this.opts.port ?? 0): Promise<void> {
    const server = createServer((req, res) => void this.onRequest(req, res));
    server.keepAliveTimeout = 5_000;
    server.on('connection', (s) => {
      this.connections += 1;
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
  }

  /** Closes the listener and every open connection (hanging ones included). */
  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  setFault(fault: Fault | null, opts: FaultOptions = {}): void {
    this.fault = fault === null ? undefined : { fault, afterChunks: opts.afterChunks ?? 1, times: opts.times, path: opts.path };
  }

  count(path?: string): number {
    return path === undefined ? this.requests.length : this.requests.filter((r) => r.path.endsWith(path)).length;
  }

  /** Resolves when some recorded request has been aborted by the client (or rejects after timeoutMs). */
  waitForAbort(timeoutMs = 2_000): Promise<void> {
    if (this.requests.some((r) => r.aborted)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('fake upstream: no aborted request seen')), timeoutMs);
      this.abortWaiters.push(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }

  private takeFault(path: string): ActiveFault | undefined {
    const f = this.fault;
    if (!f || (f.path !== undefined && !path.endsWith(f.path))) return undefined;
    if (f.times !== undefined) {
      f.times -= 1;
      if (f.times <= 0) this.fault = undefined;
    }
    return { fault: f.fault, afterChunks: f.afterChunks };
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: unknown = undefined;
    if (raw !== '') {
      try {
        body = JSON.parse(raw);
      } catch {
        body = raw;
      }
    }
    const path = (req.url ?? '/').split('?')[0];
    const record: RecordedRequest = { method: req.method ?? 'GET', path, url: req.url ?? '/', headers: req.headers, body, aborted: false };
    if (this.opts.record !== false) this.requests.push(record);
    res.on('close', () => {
      if (!res.writableFinished) {
        record.aborted = true;
        const waiters = this.abortWaiters;
        this.abortWaiters = [];
        for (const w of waiters) w();
      }
    });

    const fault = this.takeFault(path);
    if (fault && applyGenericFault(fault.fault, res)) return;
    try {
      await this.handler({ req, res, path, body, record, fault });
    } catch (err) {
      if (!res.headersSent) sendJson(res, 500, { error: { message: `fake handler failed: ${String(err)}` } });
      else res.destroy();
    }
  }
}

/** Faults that look the same whatever the wire format. Returns true when the response has been dealt with. */
function applyGenericFault(fault: Fault, res: ServerResponse): boolean {
  if (typeof fault === 'object') {
    const isString = typeof fault.body === 'string';
    const text = fault.body === undefined ? '' : isString ? (fault.body as string) : JSON.stringify(fault.body);
    res.writeHead(fault.status, {
      'content-type': isString ? 'text/plain' : 'application/json',
      ...fault.headers,
    });
    res.end(text);
    return true;
  }
  switch (fault) {
    case 'hang-before-headers':
      return true; // never answer; close() or the client's abort ends it
    case 'html-error':
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<!DOCTYPE html><html><head><title>Welcome</title></head><body><h1>It works!</h1></body></html>');
      return true;
    case 'empty-200':
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '0' });
      res.end();
      return true;
    default:
      return false;
  }
}

export function sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}

/**
 * Sends a complete (non-streaming) body, honouring mid-stream faults by sending half of it first.
 * `invalid-json` is left to the caller (it knows what "invalid" looks like for its format).
 */
export async function sendBody(call: FakeCall, contentType: string, text: string): Promise<void> {
  const { res, fault } = call;
  if (fault?.fault === 'hang-mid-stream' || fault?.fault === 'cut-mid-stream') {
    res.writeHead(200, { 'content-type': contentType });
    res.write(text.slice(0, Math.floor(text.length / 2)));
    if (fault.fault === 'cut-mid-stream') {
      await sleep(5);
      res.destroy();
    }
    return;
  }
  res.writeHead(200, { 'content-type': contentType, 'content-length': String(Buffer.byteLength(text)) });
  res.end(text);
}

/**
 * Writes stream frames one by one with an optional delay, honouring mid-stream faults. Returns false when the
 * stream was cut or hung (the caller must not write more), true when every frame went out (caller ends it).
 */
export async function writeFrames(call: FakeCall, frames: string[], delayMs = 0): Promise<boolean> {
  const { res, fault } = call;
  const midFault = fault?.fault === 'hang-mid-stream' || fault?.fault === 'cut-mid-stream' ? fault : undefined;
  for (let i = 0; i < frames.length; i++) {
    if (midFault && i >= midFault.afterChunks) {
      if (midFault.fault === 'cut-mid-stream') {
        await sleep(5); // let the first frames reach the client as their own reads
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

/** Deterministic unit vector for a string (same text → same vector), for fake embeddings. */
export function fakeVector(text: string, dim: number): number[] {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619) >>> 0;
  const v: number[] = [];
  for (let i = 0; i < dim; i++) {
    h = Math.imul(h ^ (h >>> 15), 2246822519) >>> 0;
    h = Math.imul(h ^ (h >>> 13), 3266489917) >>> 0;
    v.push(((h >>> 0) / 4294967295) * 2 - 1);
  }
  const norm = Math.hypot(...v) || 1;
  return v.map((x) => x / norm);
}

/** Splits text into `n` pieces (n ≥ 1) of near-equal length, or into words-with-spaces when n is undefined. */
export function splitText(text: string, n?: number): string[] {
  if (text === '') return [];
  if (n === undefined) return text.match(/\s*\S+\s*/g) ?? [text];
  const size = Math.ceil(text.length / Math.max(1, n));
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

/** Rough token count used by the fakes' usage numbers: words in the JSON text. */
export function roughTokens(value: unknown): number {
  const text = typeof value === 'string' ? value : JSON.stringify(value ?? '');
  return (text.match(/[A-Za-z0-9]+/g) ?? []).length;
}

/** A loopback port on which nothing listens (bound, then released): connecting is refused at once. */
export async function closedPort(): Promise<number> {
  const srv = createNetServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}
