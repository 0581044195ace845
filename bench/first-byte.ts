// Time to the first body byte of a streaming request, read to the end on a kept-alive connection.
import { request } from 'undici';

export interface FirstByte {
  status: number;
  eventStream: boolean;
  /** ms from sending the request to the first body chunk. */
  ms: number;
}

export async function firstByte(url: string, headers: Record<string, string>, body: string): Promise<FirstByte> {
  const started = performance.now();
  const res = await request(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  let ms = Number.NaN;
  // Read the whole stream: breaking out of the iterator would destroy the body, i.e. disconnect, and the next
  // sample would then pay a new connection (for a gateway, two: it aborts its upstream call too).
  for await (const _chunk of res.body) if (Number.isNaN(ms)) ms = performance.now() - started;
  return { status: res.statusCode, eventStream: String(res.headers['content-type']).includes('text/event-stream'), ms };
}
