import type { IncomingMessage } from 'node:http';
import { GatewayError } from '../core/errors.js';
import { checkJsonDepth } from './json-depth.js';

const tooLarge = (limit: number): GatewayError =>
  new GatewayError({ kind: 'too_large', status: 413, message: `request body exceeds the limit of ${limit} bytes` });

/** Reads and parses a JSON body with a size limit. Malformed JSON → 400, too large → 413. */
export async function readJsonBody(req: IncomingMessage, limit: number): Promise<unknown> {
  return parseJsonBody(await readBodyText(req, limit));
}

/** Reads a body as UTF-8 text with a size limit (too large → 413). */
export async function readBodyText(req: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(req.headers['content-length']);
  if (declared > limit) {
    req.resume();
    throw tooLarge(limit);
  }
  const chunks: Buffer[] = await new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(tooLarge(limit));
        return;
      }
      parts.push(chunk);
    });
    req.once('end', () => resolve(parts));
    req.once('error', reject);
    // A client that goes away mid-body emits neither 'end' nor always 'error'.
    req.once('close', () => {
      if (!req.complete) reject(new GatewayError({ kind: 'aborted', status: 499, message: 'client closed the request before sending the whole body' }));
    });
  });
  return chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8');
}

/** Empty or malformed JSON, or JSON nested too deep (json-depth.ts) → 400. */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') throw new GatewayError({ kind: 'invalid_request', status: 400, message: 'request body is empty; expected JSON' });
  try {
    return checkJsonDepth(JSON.parse(text));
  } catch (e) {
    if (e instanceof GatewayError) throw e;
    throw new GatewayError({ kind: 'invalid_request', status: 400, message: `malformed JSON in request body: ${(e as Error).message}` });
  }
}
