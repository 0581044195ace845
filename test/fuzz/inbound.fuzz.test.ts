// Property-based hostile input over every inbound format the gateway serves. Whatever the body, the answer is
// a 4xx in the format's own envelope or a valid answer: never a 5xx from our code (the fake upstream always
// succeeds, so any 5xx is ours), never a crash, never prototype pollution of this (in-process) gateway.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/openai.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { parseSse } from '../faults/sse.js';
import { mutated, pollutedText, rawBody } from './arbitraries.js';

type Envelope = 'openai' | 'anthropic';

interface FormatCase {
  name: string;
  path: string;
  envelope: Envelope;
  base: Record<string, unknown>;
  /** Fields worth replacing (nested ones included). */
  paths: string[][];
}

const FORMATS: FormatCase[] = [
  {
    name: 'chat completions',
    path: '/v1/chat/completions',
    envelope: 'openai',
    base: { model: 'cloud', messages: [{ role: 'user', content: 'hi' }], max_tokens: 16, temperature: 0.2 },
    paths: [['model'], ['messages'], ['messages', '0'], ['messages', '0', 'role'], ['messages', '0', 'content'], ['stream'], ['max_tokens'], ['temperature'], ['tools'], ['tool_choice'], ['response_format'], ['stop'], ['stream_options'], ['n'], ['logit_bias']],
  },
  {
    name: 'messages',
    path: '/v1/messages',
    envelope: 'anthropic',
    base: { model: 'cloud', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }], system: 'be brief' },
    paths: [['model'], ['max_tokens'], ['messages'], ['messages', '0'], ['messages', '0', 'role'], ['messages', '0', 'content'], ['system'], ['stream'], ['tools'], ['tool_choice'], ['thinking'], ['stop_sequences'], ['metadata']],
  },
  {
    name: 'responses',
    path: '/v1/responses',
    envelope: 'openai',
    base: { model: 'cloud', input: [{ role: 'user', content: 'hi' }], instructions: 'be brief' },
    paths: [['model'], ['input'], ['input', '0'], ['input', '0', 'content'], ['input', '0', 'role'], ['instructions'], ['stream'], ['tools'], ['text'], ['reasoning'], ['max_output_tokens'], ['previous_response_id']],
  },
  {
    name: 'embeddings',
    path: '/v1/embeddings',
    envelope: 'openai',
    base: { model: 'oa/text-embedding-3-small', input: 'hi' },
    paths: [['model'], ['input'], ['dimensions'], ['encoding_format'], ['user']],
  },
];

let cloud: FakeOpenAI;
let gw: TestGateway;
const BODY_LIMIT = 1024 * 1024;

beforeAll(async () => {
  cloud = await startFakeOpenAI({ record: false, script: { text: 'ok', chunks: 1 } });
  gw = await startTestGateway({
    providers: [
      { id: 'oa', kind: 'openai', baseUrl: cloud.url, apiKey: 'sk-fuzz-upstream-key-00000000', models: ['gpt-4o-mini'] },
      // Replaces the built-in default (localhost:11434): nothing but the fake may be contacted.
      { id: 'ollama', kind: 'ollama', baseUrl: cloud.url.replace(/\/v1$/, ''), enabled: false },
    ],
    aliases: { cloud: { targets: ['oa/gpt-4o-mini'] } },
    defaultModel: 'cloud',
    server: { bodyLimitBytes: BODY_LIMIT },
    log: { level: 'silent' },
  });
});

afterAll(async () => {
  await gw?.close();
  await cloud?.close();
});

async function send(f: FormatCase, body: string | Uint8Array, contentType = 'application/json'): Promise<void> {
  const res = await fetch(`${gw.baseUrl}${f.path}`, {
    method: 'POST',
    headers: { 'content-type': contentType, 'anthropic-version': '2023-06-01' },
    body,
    signal: AbortSignal.timeout(15_000),
  });
  const text = await res.text();
  const ct = res.headers.get('content-type') ?? '';
  const where = `${f.path} ${res.status} body=${typeof body === 'string' ? body.slice(0, 160) : `<${body.length} bytes>`} → ${text.slice(0, 300)}`;
  expect(res.status, where).toBeLessThan(500);
  if (res.status >= 400) {
    const json = JSON.parse(text) as Record<string, unknown>;
    if (f.envelope === 'anthropic') expect(json, where).toMatchObject({ type: 'error', error: { type: expect.any(String), message: expect.any(String) } });
    else expect(json, where).toMatchObject({ error: { message: expect.any(String), type: expect.any(String) } });
    return;
  }
  expect(res.status, where).toBe(200);
  if (ct.includes('text/event-stream')) {
    const frames = parseSse(text);
    expect(frames.length, where).toBeGreaterThan(0);
    for (const fr of frames) if (fr.data !== '[DONE]') expect(() => JSON.parse(fr.data), where).not.toThrow();
    // The upstream never fails here, so a stream must never end in an error event.
    expect(frames.some((fr) => fr.event === 'error' || /"error"\s*:\s*\{/.test(fr.data.slice(0, 20))), where).toBe(false);
  } else {
    expect(() => JSON.parse(text), where).not.toThrow();
  }
}

function noPollution(): void {
  const probe = {} as Record<string, unknown>;
  expect(probe.polluted).toBeUndefined();
  expect(probe.isAdmin).toBeUndefined();
  expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted')).toBe(false);
}

const RUNS = { random: 250, mutated: 350, polluted: 40, raw: 120 };
const params = (numRuns: number): fc.Parameters<unknown> => ({ numRuns, endOnFailure: true, seed: Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31) });

describe.each(FORMATS)('hostile input: $name', (f) => {
  it('random JSON bodies', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 4, stringUnit: 'binary' }), async (v) => send(f, JSON.stringify(v) ?? 'null')),
      params(RUNS.random) as fc.Parameters<[fc.JsonValue]>,
    );
  });

  it('valid bodies with one field replaced by a wrong type, huge string, deep nesting or unicode edge case', async () => {
    await fc.assert(
      fc.asyncProperty(mutated(f.base, f.paths), fc.boolean(), async (body, stream) =>
        send(f, JSON.stringify(f.name === 'embeddings' || 'stream' in body ? body : { ...body, stream })),
      ),
      params(RUNS.mutated) as fc.Parameters<[Record<string, unknown>, boolean]>,
    );
  });

  it('__proto__ / constructor / prototype keys neither crash nor pollute', async () => {
    await fc.assert(fc.asyncProperty(pollutedText(f.base), async (text) => send(f, text)), params(RUNS.polluted) as fc.Parameters<[string]>);
    noPollution();
  });

  it('bodies that are not JSON, truncated, invalid UTF-8, absurdly nested; odd content types', async () => {
    await fc.assert(
      fc.asyncProperty(rawBody(f.base), fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=utf-16'), async (body, ct) =>
        send(f, body, ct),
      ),
      params(RUNS.raw) as fc.Parameters<[string | Uint8Array, string]>,
    );
  });

  it('a body over the limit is a 413 in the envelope', async () => {
    await send(f, JSON.stringify({ ...f.base, pad: 'x'.repeat(BODY_LIMIT + 10) }));
    const r = await fetch(`${gw.baseUrl}${f.path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: 'x'.repeat(BODY_LIMIT + 10) });
    expect(r.status).toBe(413);
  });
});

describe('after all that', () => {
  it('the gateway still answers /health and a normal request, and nothing was polluted', async () => {
    expect((await fetch(`${gw.baseUrl}/health`)).status).toBe(200);
    const r = await fetch(`${gw.baseUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'cloud', messages: [{ role: 'user', content: 'still there?' }] }),
    });
    expect(r.status).toBe(200);
    noPollution();
  });
});
