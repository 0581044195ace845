/**
 * A recording pass-through between a CLI and the gateway, so a failed scenario shows what the real client sent
 * and what the gateway answered (status, and the body of every non-2xx answer). Bytes pass through untouched, and
 * streams are piped chunk by chunk, so the CLI sees exactly what the gateway sent.
 */
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Exchange {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  /** The request body as sent (text). */
  body: string;
  status?: number;
  /** Response headers from the gateway. */
  responseHeaders?: IncomingHttpHeaders;
  /** The response body when the status is not 2xx (error envelopes are small). */
  errorBody?: string;
}

export interface Tap {
  /** http://127.0.0.1:PORT (no /v1): give this to the CLI instead of the gateway's URL. */
  baseUrl: string;
  exchanges: Exchange[];
  close(): Promise<void>;
}

export async function startTap(targetPort: number): Promise<Tap> {
  const exchanges: Exchange[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const ex: Exchange = { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body: body.toString('utf8') };
      exchanges.push(ex);
      const upstream = request(
        { host: '127.0.0.1', port: targetPort, method: req.method, path: req.url, headers: { ...req.headers, host: `127.0.0.1:${targetPort}` } },
        (up) => {
          ex.status = up.statusCode;
          ex.responseHeaders = up.headers;
          res.writeHead(up.statusCode ?? 502, up.headers);
          const failed = (up.statusCode ?? 0) >= 300;
          let errorBody = '';
          up.on('data', (c: Buffer) => {
            if (failed) errorBody += c.toString('utf8');
            res.write(c);
          });
          up.on('end', () => {
            if (failed) ex.errorBody = errorBody;
            res.end();
          });
          up.on('error', () => res.destroy());
        },
      );
      upstream.on('error', (err) => {
        ex.status = 599;
        ex.errorBody = `tap: gateway unreachable: ${err.message}`;
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(ex.errorBody);
      });
      res.on('close', () => {
        if (!res.writableFinished) upstream.destroy();
      });
      upstream.end(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    exchanges,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

const clip = (s: string, n: number): string => (s.length > n ? `${s.slice(0, n)}…(${s.length} chars)` : s);

/** One line per exchange, plus the request's message roles and the answer's body when it failed. */
export function describeExchanges(exchanges: Exchange[]): string {
  return exchanges
    .map((ex, i) => {
      const lines = [`#${i} ${ex.method} ${ex.url} → ${ex.status ?? '(no answer)'}`];
      const dropped = ex.responseHeaders?.['x-lynkr-dropped'];
      if (dropped) lines.push(`   x-lynkr-dropped: ${String(dropped)}`);
      const summary = summarizeClientBody(ex.body);
      if (summary) lines.push(`   sent: ${summary}`);
      if (ex.errorBody !== undefined) lines.push(`   answer: ${clip(ex.errorBody, 1500)}`);
      return lines.join('\n');
    })
    .join('\n');
}

/** model, roles in order, tool names, and the other top-level fields of an Anthropic / Responses body. */
function summarizeClientBody(text: string): string {
  if (!text) return '';
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return clip(text, 300);
  }
  const items = (Array.isArray(body.messages) ? body.messages : Array.isArray(body.input) ? body.input : []) as Array<Record<string, unknown>>;
  const roles = items.map((m) => String(m.role ?? m.type ?? '?'));
  const tools = (Array.isArray(body.tools) ? body.tools : []) as Array<Record<string, unknown>>;
  const toolNames = tools.map((t) => `${t.type && t.type !== 'function' ? `${String(t.type)}:` : ''}${String(t.name ?? (t.function as { name?: string } | undefined)?.name ?? '?')}`);
  const rest = Object.keys(body).filter((k) => !['messages', 'input', 'tools', 'system', 'instructions'].includes(k));
  const scalars = rest.map((k) => `${k}=${clip(JSON.stringify(body[k]) ?? '', 120)}`);
  return [`model=${String(body.model)}`, `items=[${roles.join(',')}]`, `tools=[${toolNames.join(',')}]`, ...scalars].join(' ');
}
