// Shutdown and the work behind a response (beginWork/endWork): at the deadline the upstream calls of ended
// streams are stopped, and the close hooks (the request log) wait for their rows.
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { GatewayError } from '../../main/core/errors.js';
import { createShutdown } from '../../main/server/shutdown.js';

async function serve(graceMs: number, flushMs: number, upstreamMs: number) {
  const sd = createShutdown({ graceMs, flushMs });
  const rows: string[] = [];
  const events: string[] = [];
  let n = 0;
  const server = createServer((req, res) => {
    sd.track(req, res, () => {
      const key = `r${++n}`;
      // Stands in for a pipeline call: its row is written when its upstream call ends, on its own after
      // `upstreamMs` or at once when aborted.
      const timer = setTimeout(() => finish('completed'), upstreamMs);
      const finish = (how: string): void => {
        clearTimeout(timer);
        rows.push(`${key} ${how} stopped=${sd.endWork(key)}`);
      };
      sd.beginWork(key, { abort: (err: GatewayError) => finish(`aborted ${err.code}`) });
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: {}\n\n');
      sd.registerStream(res, (err) => res.end(`data: {"error":"${err.code}"}\n\n`));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  sd.addServer(server);
  sd.onClosed(() => void events.push(`log closed with ${rows.length} rows`));
  const port = (server.address() as AddressInfo).port;
  const open = (): Promise<string> =>
    new Promise((resolve, reject) => {
      request({ host: '127.0.0.1', port, path: '/' }, (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve(text));
      })
        .on('error', reject)
        .end();
    });
  const started = async (count: number): Promise<void> => {
    while (n < count) await sleep(5);
  };
  return { sd, rows, events, open, started };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('shutdown: work behind the responses', () => {
  it('at the deadline, stops the work of ended streams and closes the log only after their rows', async () => {
    const { sd, rows, events, open, started } = await serve(100, 1_000, 60_000);
    const bodies = [open(), open()];
    await started(2);
    const report = await sd.shutdown();
    expect(await Promise.all(bodies)).toEqual(Array(2).fill('data: {}\n\ndata: {"error":"shutting_down"}\n\n'));
    expect(rows.sort()).toEqual(['r1 aborted shutting_down stopped=true', 'r2 aborted shutting_down stopped=true']);
    expect(events).toEqual(['log closed with 2 rows']);
    expect(report).toMatchObject({ aborted: 2, unrecorded: 0 });
  });

  it('work still running at the deadline is aborted, and the close waits for it during the flush', async () => {
    const sd = createShutdown({ graceMs: 0, flushMs: 1_000 });
    const rows: string[] = [];
    sd.beginWork('late', { abort: () => {} }); // ignores the abort, ends 100 ms later
    setTimeout(() => rows.push(`late stopped=${sd.endWork('late')}`), 100);
    sd.onClosed(() => void rows.push('log closed'));
    const t0 = Date.now();
    const report = await sd.shutdown();
    expect(rows).toEqual(['late stopped=true', 'log closed']);
    expect(Date.now() - t0).toBeLessThan(900);
    expect(report.unrecorded).toBe(0);
  });

  it('work that never ends holds the close only for flushMs, and is reported as unrecorded', async () => {
    const sd = createShutdown({ graceMs: 0, flushMs: 150 });
    sd.beginWork('stuck', { abort: () => {} });
    const t0 = Date.now();
    const report = await sd.shutdown();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
    expect(report.unrecorded).toBe(1);
  });

  it('before a shutdown, endWork is false and nothing is held', () => {
    const sd = createShutdown({ graceMs: 0 });
    sd.beginWork('a', { abort: () => expect.unreachable() });
    expect(sd.endWork('a')).toBe(false);
    expect(sd.endWork('never-begun')).toBe(false);
  });
});
