import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProviderView } from '../../main/admin/contract.js';
import { GatewayError } from '../../main/core/errors.js';
import { parseJsonBody } from '../../main/server/body.js';
import { checkJsonDepth, MAX_JSON_DEPTH } from '../../main/server/json-depth.js';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/openai.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

/** `n` nested arrays around a number: depth n. */
const arrays = (n: number): string => '['.repeat(n) + '1' + ']'.repeat(n);
/** A JSON Schema nested `levels` deep, each level a nullable object (`anyOf`), as generators write them. */
function schema(levels: number): Record<string, unknown> {
  let s: Record<string, unknown> = { type: 'string' };
  for (let i = 0; i < levels; i++) s = { type: 'object', properties: { child: { anyOf: [s, { type: 'null' }] } }, required: ['child'] };
  return s;
}
/** The same shape, but plain objects: `levels` objects deep. */
function objects(levels: number): unknown {
  let v: unknown = 'leaf';
  for (let i = 0; i < levels; i++) v = { a: v };
  return v;
}

describe('checkJsonDepth', () => {
  it('takes exactly the limit and refuses one level more, for arrays and objects', () => {
    expect(checkJsonDepth(JSON.parse(arrays(MAX_JSON_DEPTH)))).toBeDefined();
    expect(() => checkJsonDepth(JSON.parse(arrays(MAX_JSON_DEPTH + 1)))).toThrow(GatewayError);
    expect(checkJsonDepth(objects(5), 5)).toEqual(objects(5));
    expect(() => checkJsonDepth(objects(6), 5)).toThrow(/more than 5 levels deep/);
  });

  it('counts the deepest branch, wherever it is, and not the width', () => {
    const wide = { a: Array.from({ length: 10_000 }, (_, i) => ({ i })), b: 'x' };
    expect(checkJsonDepth(wide, 3)).toBe(wide);
    const lateDeep = { first: 1, tools: [{}, {}, { deep: objects(10) }] };
    expect(() => checkJsonDepth(lateDeep, 12)).toThrow(GatewayError);
    expect(checkJsonDepth(lateDeep, 13)).toBe(lateDeep);
  });

  it('scalars and empty containers are fine; the error is a 400 invalid_request', () => {
    for (const v of [null, 1, 'x', true, {}, []]) expect(checkJsonDepth(v, 1)).toBe(v);
    try {
      checkJsonDepth([[]], 1);
      expect.unreachable();
    } catch (e) {
      expect(e).toMatchObject({ kind: 'invalid_request', status: 400 });
    }
  });

  it('a 20-level nullable tool schema inside a chat body is well within the limit', () => {
    const body = { model: 'm', messages: [{ role: 'user', content: 'x' }], tools: [{ type: 'function', function: { name: 'f', parameters: schema(20) } }] };
    expect(() => checkJsonDepth(body)).not.toThrow();
  });

  it('parseJsonBody applies it, and a 100,000-level body is refused without overflowing the stack', () => {
    expect(() => parseJsonBody(arrays(100_000))).toThrow(/more than 128 levels deep/);
    // Malformed JSON keeps its own message.
    expect(() => parseJsonBody('{"a":')).toThrow(/malformed JSON/);
  });
});

describe('a body nested 5,000 levels deep, through the gateway', () => {
  let fake: FakeOpenAI;
  let gw: TestGateway;
  beforeAll(async () => {
    fake = await startFakeOpenAI({ models: ['m'] });
    gw = await startTestGateway({ providers: [{ id: 'up', kind: 'openai-compatible', baseUrl: fake.url, models: ['m'] }] });
  });
  afterAll(async () => {
    await gw.close();
    await fake.close();
  });

  const post = (path: string, body: unknown) =>
    fetch(`${gw.baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  // As text: JSON.stringify itself recurses, and overflows at this depth.
  const deepSchema = '{"a":'.repeat(5_000) + '"leaf"' + '}'.repeat(5_000);

  it('gets a 400 in the OpenAI format, reaches no upstream and leaves the breaker alone', async () => {
    const res = await post('/v1/chat/completions', `{"model":"up/m","messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"f","parameters":${deepSchema}}}]}`);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { type: string; message: string } };
    expect(body.error).toMatchObject({ type: 'invalid_request_error', message: 'request body nests JSON objects and arrays more than 128 levels deep' });
    expect(fake.count('/chat/completions')).toBe(0);
    const providers = (await (await gw.admin('/admin/providers')).json()) as ProviderView[];
    expect(providers.find((p) => p.id === 'up')?.breaker).toEqual({ state: 'closed', consecutiveFailures: 0 });
  });

  it('gets a 400 in the Anthropic format on /v1/messages', async () => {
    const res = await post('/v1/messages', `{"model":"up/m","max_tokens":10,"messages":[{"role":"user","content":"hi"}],"tools":[{"name":"f","input_schema":${deepSchema}}]}`);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ type: 'error', error: { type: 'invalid_request_error', message: 'request body nests JSON objects and arrays more than 128 levels deep' } });
    expect(fake.count('/chat/completions')).toBe(0);
  });

  it('a realistic 20-level tool schema still reaches the upstream as sent', async () => {
    const parameters = schema(20);
    const res = await post('/v1/chat/completions', { model: 'up/m', messages: [{ role: 'user', content: 'hi' }], tools: [{ type: 'function', function: { name: 'f', parameters } }] });
    expect(res.status).toBe(200);
    const sent = fake.requests.find((r) => r.path.endsWith('/chat/completions'))?.body as { tools: { function: { parameters: unknown } }[] };
    expect(sent.tools[0].function.parameters).toEqual(parameters);
  });
});
