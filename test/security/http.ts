// Test plumbing: serve an express app on 127.0.0.1:0 and send requests with full control over headers
// (fetch forbids setting Host / Origin freely, node:http does not).
import { request as httpRequest, type IncomingHttpHeaders, type Server, createServer, type ServerOptions } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RequestListener } from 'node:http';

export interface Served {
  server: Server;
  port: number;
  close(): Promise<void>;
}

export async function serve(handler: RequestListener, options: ServerOptions = {}): Promise<Served> {
  const server = createServer(options, handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    server,
    port,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  json(): unknown;
}

export function send(
  port: number,
  opts: { method?: string; path?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, method: opts.method ?? 'GET', path: opts.path ?? '/', headers: { host: `localhost:${port}`, ...opts.headers }, agent: false },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) as unknown }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** Test-only peer injection: the `x-test-peer` header stands in for `req.socket.remoteAddress`. */
export const testPeer = (req: { headers: IncomingHttpHeaders; socket: { remoteAddress?: string } }): string | undefined => {
  const h = req.headers['x-test-peer'];
  return typeof h === 'string' ? h : req.socket.remoteAddress;
};
