/**
 * A tiny HTTP server that serves one inbound format module with a scripted internal reply, so that the real
 * client SDKs can be pointed at a format's parse / render / stream encoder without a gateway around it.
 * `requests` holds what `parse` produced (the internal request) for each call.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GatewayError, toGatewayError } from '../../main/core/errors.js';
import type { ChatRequest, ChatResponse, StreamChunk } from '../../main/core/types.js';
import type { InboundFormat } from '../../main/server/format.js';

export interface ScriptedReply {
  response?: ChatResponse;
  chunks?: StreamChunk[];
  /** Thrown after the chunks (a mid-stream failure). */
  failAfter?: GatewayError;
}

export async function serveFormat(format: InboundFormat, reply: (req: ChatRequest) => ScriptedReply) {
  const requests: ChatRequest[] = [];
  const server: Server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      try {
        const parsed = format.parse(JSON.parse(Buffer.concat(parts).toString('utf8')));
        requests.push(parsed.request);
        const r = reply(parsed.request);
        if (!parsed.request.stream) {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify(format.renderResponse(r.response as ChatResponse, parsed.request.tools)));
          return;
        }
        const enc = format.createStreamEncoder({ includeUsage: true, requestedModel: parsed.request.model, tools: parsed.request.tools });
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        for (const c of r.chunks ?? []) res.write(enc.chunk(c));
        res.end(r.failAfter ? enc.error(r.failAfter) : enc.end());
      } catch (err) {
        const e = err instanceof GatewayError ? err : toGatewayError(err);
        const { status, body } = format.renderError(e);
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** The internal events of a typical streamed reply: optional reasoning, text, tool calls, usage, finish. */
export function scriptedChunks(o: { reasoning?: string; text?: string; tools?: Array<{ id: string; name: string; args: string }>; usage?: { inputTokens: number; outputTokens: number; cachedInputTokens?: number } }): StreamChunk[] {
  const chunks: StreamChunk[] = [{ events: [{ type: 'start', id: 'up-1', model: 'up-model', created: 1700000000 }] }];
  for (const piece of (o.reasoning ?? '').match(/\S+\s*/g) ?? []) chunks.push({ events: [{ type: 'reasoning', delta: piece }] });
  for (const piece of (o.text ?? '').match(/\S+\s*/g) ?? []) chunks.push({ events: [{ type: 'text', delta: piece }] });
  (o.tools ?? []).forEach((t, index) => {
    chunks.push({ events: [{ type: 'tool_call_start', index, id: t.id, name: t.name }] });
    const mid = Math.floor(t.args.length / 2);
    chunks.push({ events: [{ type: 'tool_call_delta', index, argumentsDelta: t.args.slice(0, mid) }] });
    chunks.push({ events: [{ type: 'tool_call_delta', index, argumentsDelta: t.args.slice(mid) }] });
  });
  if (o.usage) chunks.push({ events: [{ type: 'usage', usage: o.usage }] });
  chunks.push({ events: [{ type: 'finish', reason: o.tools?.length ? 'tool_calls' : 'stop' }] });
  return chunks;
}
