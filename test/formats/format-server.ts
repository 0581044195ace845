/**
 * A tiny HTTP server that serves one inbound format module with a scripted internal reply, so that the real
 * client SDKs can be pointed at a format's parse / render / stream encoder without a gateway around it.
 * `requests` holds what `parse` produced (the internal request) for each call.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GatewayError, toGatewayError } from '../../main/core/errors.js';
import type { ChatRequest, ChatResponse, StreamPart } from '../../main/core/types.js';
import type { InboundFormat } from '../../main/server/format.js';

export interface ScriptedReply {
  response?: ChatResponse;
  /** The stream, as the pipeline hands it over: a failure after the start is a final `error` part. */
  parts?: StreamPart[];
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
        const enc = format.createStreamEncoder({ includeUsage: true, requestedModel: parsed.request.model, tools: parsed.request.tools, passThrough: false });
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        // As the chat handler writes a stream: an `error` part ends it with the format's error event.
        for (const part of r.parts ?? []) {
          if (part.type === 'error') return void res.end(enc.error(part.error));
          res.write(enc.part(part));
        }
        res.end(enc.end());
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

/**
 * The stream parts of a typical reply: start, an optional reasoning block, a text block (a delta per word), tool
 * calls (arguments in two deltas), usage, finish. Each block is opened and closed, as a provider's decoder does.
 */
export function scriptedParts(o: { reasoning?: string; text?: string; tools?: Array<{ id: string; name: string; args: string }>; usage?: { inputTokens: number; outputTokens: number; cachedInputTokens?: number } }): StreamPart[] {
  const parts: StreamPart[] = [{ type: 'response-start', id: 'up-1', model: 'up-model', created: 1700000000 }];
  const block = (kind: 'reasoning' | 'text', text: string | undefined): void => {
    const pieces = (text ?? '').match(/\S+\s*/g) ?? [];
    if (!pieces.length) return;
    const id = `${kind}-0`;
    parts.push({ type: `${kind}-start`, id }, ...pieces.map((delta) => ({ type: `${kind}-delta` as const, id, delta })), { type: `${kind}-end`, id });
  };
  block('reasoning', o.reasoning);
  block('text', o.text);
  for (const t of o.tools ?? []) {
    const mid = Math.floor(t.args.length / 2);
    parts.push(
      { type: 'tool-call-start', id: t.id, name: t.name },
      { type: 'tool-call-delta', id: t.id, argumentsDelta: t.args.slice(0, mid) },
      { type: 'tool-call-delta', id: t.id, argumentsDelta: t.args.slice(mid) },
      { type: 'tool-call-end', id: t.id },
    );
  }
  if (o.usage) parts.push({ type: 'usage', usage: o.usage });
  parts.push({ type: 'finish', reason: o.tools?.length ? 'tool_calls' : 'stop' });
  return parts;
}
