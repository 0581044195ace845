// A tiny stand-in for a running gateway's admin API: records every request, answers with canned JSON.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';

export interface Received {
  method: string;
  path: string;
  query: Record<string, unknown>;
  authorization?: string;
  body: unknown;
}

export interface FakeAdmin {
  port: number;
  received: Received[];
  /** Push one request record to every open /admin/logs/stream. */
  emitLog(row: unknown): void;
  streams(): number;
  close(): Promise<void>;
}

/** `answers['PUT /admin/mode'] = {__status: 400, body}` answers with an error status. */
export async function startFakeAdmin(token: string, answers: Record<string, unknown>): Promise<FakeAdmin> {
  const app = express();
  app.use(express.json());
  const received: Received[] = [];
  const open = new Set<express.Response>();
  app.use((req, res, next) => {
    received.push({ method: req.method, path: req.path, query: { ...req.query }, authorization: req.headers.authorization, body: req.body });
    if (req.headers.authorization !== `Bearer ${token}`) {
      res.status(401).json({ error: { message: 'missing or wrong admin token', type: 'auth' } });
      return;
    }
    next();
  });
  app.get('/admin/logs/stream', (req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write(': connected\n\n');
    open.add(res);
    req.on('close', () => open.delete(res));
  });
  app.use((req, res) => {
    const key = `${req.method} ${req.path}`;
    const answer = answers[key] as { __status?: number; body?: unknown } | undefined;
    if (answer?.__status) res.status(answer.__status).json(answer.body);
    else if (key in answers) res.json(answer);
    else res.status(404).json({ error: { message: `no admin route ${key}`, type: 'not_found' } });
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return {
    port: (server.address() as AddressInfo).port,
    received,
    emitLog: (row) => {
      for (const res of open) res.write(`data: ${JSON.stringify(row)}\n\n`);
    },
    streams: () => open.size,
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of open) res.end();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
