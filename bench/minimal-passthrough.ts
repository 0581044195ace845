// Calibration, not a product: the least a Node gateway can do (express 5 + an undici pool, parse and forward one
// JSON body). Its overhead over a direct call is the floor any Node gateway sits on, on this machine, this run.
// Usage: node --import tsx bench/minimal-passthrough.ts <upstream port>   → prints "READY <port>"
import express from 'express';
import { Pool } from 'undici';

const upstream = new Pool(`http://127.0.0.1:${process.argv[2]}`);
const app = express();
app.post('/v1/chat/completions', async (req, res) => {
  const parts: Buffer[] = [];
  for await (const c of req) parts.push(c as Buffer);
  const body = JSON.parse(Buffer.concat(parts).toString('utf8')) as Record<string, unknown>;
  body.model = 'gpt-4o-mini';
  const r = await upstream.request({ path: '/v1/chat/completions', method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = JSON.stringify(await r.body.json());
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
});
const server = app.listen(0, '127.0.0.1', () => process.stdout.write(`READY ${(server.address() as { port: number }).port}\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
