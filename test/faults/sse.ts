// Reads a gateway response and judges it: either a clean error envelope, or an SSE stream whose every frame
// is complete JSON and which ends with a well-formed error event in the client's format.
import { expect } from 'vitest';

export type ClientFormat = 'openai-chat' | 'anthropic-messages' | 'openai-responses';

export interface Frame {
  event?: string;
  data: string;
}

export function parseSse(text: string): Frame[] {
  return text
    .split(/\n\n/)
    .map((f) => f.trim())
    .filter((f) => f !== '' && !f.split('\n').every((l) => l.startsWith(':')))
    .map((f) => {
      const lines = f.split('\n');
      const event = lines.find((l) => l.startsWith('event:'))?.slice(6).trim();
      const data = lines
        .filter((l) => l.startsWith('data:'))
        .map((l) => l.slice(5).trimStart())
        .join('\n');
      return { event, data };
    });
}

/** Asserts the body is this format's JSON error envelope; returns the message. */
export function expectErrorEnvelope(format: ClientFormat, body: unknown): string {
  if (format === 'anthropic-messages') {
    expect(body).toMatchObject({ type: 'error', error: { type: expect.any(String), message: expect.any(String) } });
    return (body as { error: { message: string } }).error.message;
  }
  expect(body).toMatchObject({ error: { message: expect.any(String), type: expect.any(String) } });
  return (body as { error: { message: string } }).error.message;
}

/** Asserts that every frame parses and the last one is an error event in `format`. Returns the frames. */
export function expectStreamEndsWithError(format: ClientFormat, text: string): Frame[] {
  const frames = parseSse(text);
  expect(frames.length).toBeGreaterThan(0);
  for (const f of frames) {
    if (f.data === '[DONE]') continue;
    expect(() => JSON.parse(f.data), `frame not JSON: ${f.data.slice(0, 200)}`).not.toThrow();
  }
  const last = frames.at(-1)!;
  expect(last.data).not.toBe('[DONE]');
  const payload = JSON.parse(last.data) as Record<string, unknown>;
  if (format === 'anthropic-messages') {
    expect(last.event).toBe('error');
    expectErrorEnvelope(format, payload);
  } else if (format === 'openai-responses') {
    expect(last.event === 'error' || last.event === 'response.failed').toBe(true);
  } else {
    expectErrorEnvelope(format, payload);
  }
  expect(frames.some((f) => f.data === '[DONE]' || f.event === 'message_stop')).toBe(false);
  return frames;
}

/** A well-formed *successful* stream: every frame JSON, properly terminated. */
export function expectStreamComplete(format: ClientFormat, text: string): Frame[] {
  const frames = parseSse(text);
  for (const f of frames) if (f.data !== '[DONE]') expect(() => JSON.parse(f.data)).not.toThrow();
  if (format === 'openai-chat') expect(frames.at(-1)?.data).toBe('[DONE]');
  if (format === 'anthropic-messages') expect(frames.at(-1)?.event).toBe('message_stop');
  if (format === 'openai-responses') expect(frames.at(-1)?.event).toBe('response.completed');
  return frames;
}

export interface Outcome {
  status: number;
  contentType: string;
  requestId: string | null;
  text: string;
}

/** A failed request ended cleanly: a gateway error status with the right envelope, or a 200 stream ending in an error event. */
export function expectCleanFailure(format: ClientFormat, o: Outcome): void {
  if (o.status === 200 && o.contentType.includes('text/event-stream')) {
    expectStreamEndsWithError(format, o.text);
    return;
  }
  expect(o.status, o.text.slice(0, 300)).toBeGreaterThanOrEqual(400);
  expect(o.contentType).toContain('application/json');
  expectErrorEnvelope(format, JSON.parse(o.text));
}
