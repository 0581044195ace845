// A target that can't take a request (too long for its context window, no tools, not a chat model) is not an
// outage: the route moves on to its next target, which may, and nothing counts against the first one's breaker.
// Also: OpenAI chat clients' reasoning_effort reaches a thinking Ollama model, and Anthropic clients get
// Anthropic's "prompt is too long" wording (what Claude Code compacts on).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOllama, type FakeOllama } from '../fakes/ollama.js';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/openai.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

let ollama: FakeOllama;
let cloud: FakeOpenAI;
let gw: TestGateway;

const tool = { type: 'function', function: { name: 'read_file', description: 'Read a file', parameters: { type: 'object', properties: { path: { type: 'string' } } } } };

beforeAll(async () => {
  // llama2 is an old chat model without the tools capability; qwen3 thinks.
  ollama = await startFakeOllama({ models: ['llama2:latest', 'qwen3:8b'], modelSpecs: { 'llama2:latest': { capabilities: ['completion'], contextLength: 4096 } } });
  cloud = await startFakeOpenAI({ models: ['gpt-4o-mini'] });
  gw = await startTestGateway({
    providers: [
      { id: 'ollama', kind: 'ollama', baseUrl: ollama.url },
      { id: 'openai', kind: 'openai', baseUrl: cloud.url, apiKey: 'sk-test-0123456789abcdef', models: ['gpt-4o-mini'] },
    ],
    aliases: { agent: { targets: ['ollama/llama2:latest', 'openai/gpt-4o-mini'] }, small: { targets: ['ollama/llama2:latest'] } },
    defaultModel: 'agent',
  });
});

afterAll(async () => {
  await gw?.close();
  await ollama?.close();
  await cloud?.close();
});

const post = async (path: string, body: unknown) => {
  const res = await fetch(`${gw.baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { res, json: (await res.json()) as Record<string, any> };
};

describe('a target that cannot take the request', () => {
  it('tools to a model without them: the next target answers, and the first one is named in x-lynkr-fallback-from', async () => {
    const before = cloud.count('/chat/completions');
    const { res } = await post('/v1/chat/completions', { model: 'agent', tools: [tool], messages: [{ role: 'user', content: 'read a.txt' }] });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-lynkr-provider')).toBe('openai');
    expect(res.headers.get('x-lynkr-fallback-from')).toContain('tools_not_supported');
    expect(cloud.count('/chat/completions')).toBe(before + 1);
    expect(ollama.requests.filter((r) => r.path === '/api/chat')).toHaveLength(0);
    const breakers = (await (await gw.admin('/admin/providers')).json()) as Array<{ id: string; breaker: { consecutiveFailures: number } }>;
    expect(breakers.find((p) => p.id === 'ollama')?.breaker.consecutiveFailures).toBe(0);
  });

  it('a prompt too long for the only target: 400 context_length_exceeded; Anthropic clients get "prompt is too long: N tokens > M maximum"', async () => {
    const long = 'word '.repeat(20_000);
    const openai = await post('/v1/chat/completions', { model: 'small', messages: [{ role: 'user', content: long }] });
    expect(openai.res.status).toBe(400);
    expect(openai.json.error).toMatchObject({ code: 'context_length_exceeded' });
    const anthropic = await post('/v1/messages', { model: 'small', max_tokens: 1024, messages: [{ role: 'user', content: long }] });
    expect(anthropic.res.status).toBe(400);
    expect(anthropic.json.error.type).toBe('invalid_request_error');
    expect(anthropic.json.error.message).toMatch(/^prompt is too long: \d+ tokens > 4096 maximum/);
  });

  it('the same prompt through an alias with a bigger target behind: the cloud answers it', async () => {
    const { res } = await post('/v1/chat/completions', { model: 'agent', messages: [{ role: 'user', content: 'word '.repeat(20_000) }] });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-lynkr-fallback-from')).toContain('context_length_exceeded');
  });
});

describe('what a target could not take', () => {
  it('is named in x-lynkr-dropped and in the request-log row', async () => {
    // llama2 has no thinking capability: Ollama would answer 400 to `think`, so it is left out and said so.
    const r = await post('/v1/messages', { model: 'ollama/llama2:latest', max_tokens: 2048, thinking: { type: 'enabled', budget_tokens: 1024 }, messages: [{ role: 'user', content: 'hi' }] });
    expect(r.res.status).toBe(200);
    expect(r.res.headers.get('x-lynkr-dropped')).toBe('think');
    expect(ollama.requests.at(-1)?.body).not.toHaveProperty('think');
    const id = r.res.headers.get('x-request-id');
    const rows = (await (await gw.admin('/admin/logs?limit=20')).json()) as { rows: Array<{ id: string; dropped?: string[] }> };
    expect(rows.rows.find((row) => row.id === id)?.dropped).toEqual(['think']);
  });
});

describe('OpenAI chat clients', () => {
  it('reasoning_effort turns on thinking for a thinking Ollama model; parallel_tool_calls reaches an OpenAI upstream with tools', async () => {
    const r = await post('/v1/chat/completions', { model: 'ollama/qwen3:8b', reasoning_effort: 'high', messages: [{ role: 'user', content: 'think' }] });
    expect(r.res.status).toBe(200);
    expect(ollama.requests.at(-1)?.body).toMatchObject({ think: true });
    const p = await post('/v1/chat/completions', { model: 'openai/gpt-4o-mini', parallel_tool_calls: false, tools: [tool], messages: [{ role: 'user', content: 'x' }] });
    expect(p.res.status).toBe(200);
    expect(cloud.requests.at(-1)?.body).toMatchObject({ parallel_tool_calls: false });
  });
});
