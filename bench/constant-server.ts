// Calibration, not a product: a bare node:http server that answers every request with the same small chat
// completion and does nothing else. No Node server can serve a cache hit faster; the cache-hit row is read
// against it. Usage: node --import tsx bench/constant-server.ts   → prints "READY <port>"
import { createServer } from 'node:http';

const body = JSON.stringify({
  id: 'chatcmpl-constant',
  object: 'chat.completion',
  created: 0,
  model: 'gpt-4o-mini',
  choices: [{ index: 0, message: { role: 'assistant', content: 'The quick brown fox jumps over the lazy dog.' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 9, completion_tokens: 9, total_tokens: 18 },
});
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body));
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`READY ${(server.address() as { port: number }).port}\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
