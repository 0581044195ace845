// A tiny fake of Ollama's management API (/api/version, /api/tags, /api/pull) on 127.0.0.1, for detection,
// start and pull tests. The shared chat-capable fake lives in test/fakes/ollama.ts; this one only adds
// control over pull pacing and records whether a pull was cancelled mid-stream.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeModel {
  name: string;
  size?: number;
  details?: { family?: string; families?: string[] };
}

export interface FakeOllamaApi {
  url: string;
  port: number;
  hits: string[];
  /** Resolves when a pull's connection closed before the server finished sending. */
  pullCancelled: Promise<void>;
  pullBodies: unknown[];
  models: FakeModel[];
  close(): Promise<void>;
}

export interface FakeOllamaOptions {
  version?: string;
  models?: FakeModel[];
  /** Progress lines sent before "success". */
  pullSteps?: number;
  /** Delay between progress lines. */
  pullDelayMs?: number;
  /** Send `{"error": …}` instead of finishing. */
  pullError?: string;
  tagsStatus?: number;
  /** Sent as /api/tags instead of the model list. */
  tagsBody?: string;
  /** Answer the pull with this status and body instead of progress; `endless` repeats the body until the client hangs up. */
  pullRefusal?: { status: number; contentType: string; body: string; endless?: boolean };
  /** After the first progress line, send one line that never ends (64 KiB chunks until the client hangs up). */
  pullEndlessLine?: boolean;
  /** End the progress stream without "success". */
  pullNoSuccess?: boolean;
  port?: number;
}

export async function startFakeOllamaApi(opts: FakeOllamaOptions = {}): Promise<FakeOllamaApi> {
  const hits: string[] = [];
  const pullBodies: unknown[] = [];
  const models = [...(opts.models ?? [])];
  let markCancelled!: () => void;
  const pullCancelled = new Promise<void>((r) => (markCancelled = r));

  const server = http.createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    if (req.method === 'GET' && req.url === '/api/version') {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ version: opts.version ?? '0.12.3' }));
    } else if (req.method === 'GET' && req.url === '/api/tags') {
      res.statusCode = opts.tagsStatus ?? 200;
      res.setHeader('content-type', 'application/json');
      res.end(opts.tagsBody ?? JSON.stringify({ models: models.map((m) => ({ ...m, model: m.name })) }));
    } else if (req.method === 'POST' && req.url === '/api/pull') {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c.toString()));
      req.on('end', () => {
        // Ollama takes the model from `model` or, as the ollama package sends it, `name` (server/routes.go).
        const body = JSON.parse(raw) as { model?: string; name?: string };
        pullBodies.push(body);
        const model = body.model ?? body.name ?? '';
        if (opts.pullRefusal) {
          const { status, contentType, body: text, endless } = opts.pullRefusal;
          res.writeHead(status, { 'content-type': contentType });
          if (!endless) return void res.end(text);
          res.on('close', markCancelled);
          const more = (): void => {
            if (res.destroyed) return;
            if (res.write(text)) setImmediate(more);
            else res.once('drain', more);
          };
          more();
          return;
        }
        res.setHeader('content-type', 'application/x-ndjson');
        const steps = opts.pullSteps ?? 3;
        const total = 1000;
        let i = 0;
        let finished = false;
        res.on('close', () => {
          if (!finished) markCancelled();
        });
        const tick = (): void => {
          if (res.destroyed) return;
          if (i === 0) res.write(JSON.stringify({ status: 'pulling manifest' }) + '\n');
          else if (opts.pullEndlessLine) {
            res.write('{"status":"' + 'x'.repeat(64 * 1024));
            setTimeout(tick, 1);
            return;
          }
          else if (i <= steps) res.write(JSON.stringify({ status: 'pulling abc123', digest: 'sha256:abc', total, completed: Math.round((total * i) / steps) }) + '\n');
          else {
            finished = true;
            if (opts.pullError) res.end(JSON.stringify({ error: opts.pullError }) + '\n');
            else if (opts.pullNoSuccess) res.end(JSON.stringify({ status: 'verifying sha256 digest' }) + '\n');
            else {
              models.push({ name: model });
              res.write(JSON.stringify({ status: 'verifying sha256 digest' }) + '\n');
              res.end(JSON.stringify({ status: 'success' }) + '\n');
            }
            return;
          }
          i++;
          setTimeout(tick, opts.pullDelayMs ?? 5);
        };
        tick();
      });
    } else {
      res.statusCode = 404;
      res.end('404 page not found');
    }
  });
  await new Promise<void>((r) => server.listen(opts.port ?? 0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    hits,
    pullCancelled,
    pullBodies,
    models,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** A loopback URL where nothing listens (connection refused). */
export async function refusedUrl(): Promise<string> {
  const s = http.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return `http://127.0.0.1:${port}`;
}
