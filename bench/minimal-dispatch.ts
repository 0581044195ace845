// Calibration, not a product: the least a Node HTTP gateway on this stack can do. node:http in, undici's
// dispatch API out (undici's lowest layer; the gateway uses its request() API), no validation, routing, cache, logging or metrics. A JSON answer is
// parsed and re-serialised; a stream is piped through byte for byte.
// Usage: node --import tsx bench/minimal-dispatch.ts <upstream port>   → prints "READY <port>"
import { createServer } from 'node:http';
import { Pool } from 'undici';

const origin = `http://127.0.0.1:${process.argv[2]}`;
const upstream = new Pool(origin);

const server = createServer((req, res) => {
  const parts: Buffer[] = [];
  req.on('data', (c: Buffer) => parts.push(c));
  req.on('end', () => {
    const body = JSON.parse(Buffer.concat(parts).toString('utf8')) as Record<string, unknown>;
    body.model = 'gpt-4o-mini';
    const stream = body.stream === true;
    const chunks: Buffer[] = [];
    upstream.dispatch(
      { origin, path: '/v1/chat/completions', method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
      {
        onRequestStart() {},
        onResponseStart(_c, status, headers) {
          if (stream) res.writeHead(status, { 'content-type': String(headers['content-type'] ?? 'text/event-stream') });
        },
        onResponseData(_c, chunk) {
          if (stream) res.write(chunk);
          else chunks.push(chunk);
        },
        onResponseEnd() {
          if (stream) return void res.end();
          const text = JSON.stringify(JSON.parse(Buffer.concat(chunks).toString('utf8')));
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
        },
        onResponseError() {
          res.destroy();
        },
      },
    );
  });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`READY ${(server.address() as { port: number }).port}\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
