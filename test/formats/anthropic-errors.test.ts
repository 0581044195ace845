import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anthropicError, outputLimit, startFakeAnthropic, type FakeAnthropic } from '../fakes/anthropic.js';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/openai.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

// Errors as Anthropic words them: our own 400s at the /v1/messages edge, the strict fake's refusals (the real API's
// rules and texts), and what the gateway does about them (Claude Code's fallback wording reaches it; an output
// limit stated by the upstream is retried once and named in x-lynkr-dropped).

let gw: TestGateway;
let claude: FakeAnthropic;
let oai: FakeOpenAI;

beforeAll(async () => {
  [claude, oai] = await Promise.all([startFakeAnthropic(), startFakeOpenAI()]);
  gw = await startTestGateway({
    providers: [
      { id: 'claude', kind: 'anthropic', baseUrl: claude.url, apiKey: 'sk-ant-fake-key' },
      { id: 'oai', kind: 'openai-compatible', baseUrl: oai.url },
    ],
    cache: { exact: { enabled: false } },
    fallback: { enabled: false, retries: 0 },
  });
});
afterAll(async () => {
  await gw?.close();
  await Promise.all([claude?.close(), oai?.close()]);
});

const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': 'k', 'anthropic-version': '2023-06-01', ...headers }, body: JSON.stringify(body) });

async function errorOf(res: Response): Promise<{ status: number; type: string; message: string }> {
  const body = (await res.json()) as { type: string; error: { type: string; message: string } };
  expect(body.type).toBe('error');
  return { status: res.status, type: body.error.type, message: body.error.message };
}

const hi = [{ role: 'user', content: 'hi' }];

describe('the /v1/messages edge answers in Anthropic’s words', () => {
  it('an unknown role: "Unexpected role", as the API says it', async () => {
    const res = await post(`${gw.baseUrl}/v1/messages`, { model: 'oai/gpt-4o', max_tokens: 10, messages: [...hi, { role: 'tool', content: 'x' }] });
    const err = await errorOf(res);
    expect(err).toMatchObject({ status: 400, type: 'invalid_request_error' });
    // (The docs link at the end of Anthropic's sentence is masked by publicError, which hides every URL.)
    expect(err.message).toMatch(/^messages: Unexpected role "tool"\. Allowed roles are "user" or "assistant"\. For instructions on how to use tools, see /);
    expect(oai.count('/chat/completions')).toBe(0);
  });

  it('pydantic-style field errors: Field required, valid list, greater than', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ model: 'oai/gpt-4o', messages: hi }, 'max_tokens: Field required'],
      [{ model: 'oai/gpt-4o', max_tokens: 5, messages: 'hi' }, 'messages: Input should be a valid list'],
      [{ model: 'oai/gpt-4o', max_tokens: 0, messages: hi }, 'max_tokens: Input should be greater than 0'],
      [{ model: 'oai/gpt-4o', max_tokens: 5, messages: [{ role: 'user' }] }, 'messages.0.content: Field required'],
      [{ model: 'oai/gpt-4o', max_tokens: 5, messages: [{ role: 'user', content: [{ type: 'image' }] }] }, 'messages.0.content.0.source: Field required'],
    ];
    for (const [body, message] of cases) expect(await errorOf(await post(`${gw.baseUrl}/v1/messages`, body))).toMatchObject({ status: 400, message });
  });

  it('count_tokens takes system-role messages and output_config', async () => {
    const res = await post(`${gw.baseUrl}/v1/messages/count_tokens`, {
      model: 'claude-sonnet-4-5',
      messages: [...hi, { role: 'system', content: 'be brief' }],
      output_config: { format: { type: 'json_schema', schema: { type: 'object' } } },
      thinking: { type: 'adaptive' },
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { input_tokens: number }).input_tokens).toBeGreaterThan(0);
  });
});

describe('the strict fake refuses what the real API refuses', () => {
  const direct = (body: Record<string, unknown>, headers?: Record<string, string>) => post(`${claude.url}/v1/messages`, body, headers);
  const base = { model: 'claude-sonnet-4-5', max_tokens: 2000, messages: hi };
  const toolTurn = (id: string) => [
    { role: 'user', content: 'read a' },
    { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_a', name: 'Read', input: {} }] },
    { role: 'user', content: [{ type: 'tool_result', tool_use_id: id, content: 'x' }] },
  ];
  const cases: Array<[string, Record<string, unknown>, string]> = [
    ['no max_tokens', { model: 'claude-sonnet-4-5', messages: hi }, 'max_tokens: Field required'],
    ['max_tokens above the model', { ...base, model: 'claude-3-5-haiku-20241022', max_tokens: 32000 }, 'max_tokens: 32000 > 8192, which is the maximum allowed number of output tokens for claude-3-5-haiku-20241022'],
    ['budget < 1024', { ...base, thinking: { type: 'enabled', budget_tokens: 500 } }, 'thinking.enabled.budget_tokens: Input should be greater than or equal to 1024'],
    ['budget ≥ max_tokens', { ...base, thinking: { type: 'enabled', budget_tokens: 2000 } }, '`max_tokens` must be greater than `thinking.budget_tokens`.'],
    ['temperature with thinking', { ...base, temperature: 0.2, thinking: { type: 'enabled', budget_tokens: 1024 } }, '`temperature` may only be set to 1 when thinking is enabled.'],
    ['system role without the beta', { ...base, messages: [...hi, { role: 'system', content: 's' }] }, 'messages: Unexpected role "system". The Messages API accepts a top-level `system` parameter, not "system" as an input message role.'],
    ['an unknown role', { ...base, messages: [{ role: 'developer', content: 's' }] }, 'messages: Unexpected role "developer". Allowed roles are "user" or "assistant".'],
    ['a tool_result for no tool_use', { ...base, messages: toolTurn('toolu_zz') }, 'messages.2.content.0: unexpected `tool_use_id` found in `tool_result` blocks: toolu_zz.'],
    ['a tool_use left unanswered', { ...base, messages: [...toolTurn('toolu_a').slice(0, 2), { role: 'user', content: 'go on' }] }, 'messages.1: `tool_use` ids were found without `tool_result` blocks immediately after: toolu_a.'],
    ['an empty text block', { ...base, messages: [{ role: 'user', content: [{ type: 'text', text: '' }] }] }, 'messages: text content blocks must be non-empty'],
  ];
  it.each(cases)('%s', async (_name, body, message) => {
    const err = await errorOf(await direct(body));
    expect(err.status).toBe(400);
    expect(err.type).toBe('invalid_request_error');
    expect(err.message.startsWith(message)).toBe(true);
  });

  it('takes the same bodies when they are right (system role with the beta, answered tool_use)', async () => {
    const withBeta = await direct({ ...base, messages: [...hi, { role: 'system', content: 's' }] }, { 'anthropic-beta': 'mid-conversation-system-2026-04-07' });
    expect(withBeta.status).toBe(200);
    expect((await direct({ ...base, messages: toolTurn('toolu_a') })).status).toBe(200);
    expect((await direct({ ...base, thinking: { type: 'enabled', budget_tokens: 1024 }, temperature: 1 })).status).toBe(200);
    expect(outputLimit('claude-opus-4-1-20250805')).toBe(32000);
  });
});

describe('what the gateway does about those refusals', () => {
  it('an Anthropic client without the beta gets the API’s 400 with the words Claude Code’s fallback looks for', async () => {
    const res = await post(`${gw.baseUrl}/v1/messages`, { model: 'claude/claude-sonnet-4-5', max_tokens: 100, messages: [...hi, { role: 'system', content: 'be brief' }] });
    const err = await errorOf(res);
    expect(err.status).toBe(400);
    expect(err.type).toBe('invalid_request_error');
    // Claude Code 2.1.197 (MBn in its cli): status 400, message includes "Unexpected role" and "input message role".
    expect(err.message).toContain('Unexpected role');
    expect(err.message).toContain('input message role');
  });

  it('max_tokens above the routed model’s limit: retried once with the limit the 400 states, named in x-lynkr-dropped', async () => {
    claude.reply({ text: 'short' });
    const before = claude.count('/v1/messages');
    const res = await post(`${gw.baseUrl}/v1/messages`, {
      model: 'claude/claude-3-5-haiku-20241022',
      max_tokens: 32000,
      thinking: { type: 'enabled', budget_tokens: 16000 },
      messages: hi,
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { content: Array<{ text?: string }> }).content.at(-1)?.text).toBe('short');
    expect(claude.count('/v1/messages') - before).toBe(2);
    expect(claude.requests.at(-1)!.body).toMatchObject({ max_tokens: 8192, thinking: { type: 'enabled', budget_tokens: 4096 } });
    expect(res.headers.get('x-lynkr-dropped')?.split(',').map((s) => s.trim())).toEqual(expect.arrayContaining(['max_tokens>8192', 'thinking']));
    // Learned: the next request is clamped before it is sent (one call, no refusal).
    const again = claude.count('/v1/messages');
    expect((await post(`${gw.baseUrl}/v1/messages`, { model: 'claude/claude-3-5-haiku-20241022', max_tokens: 32000, messages: hi })).status).toBe(200);
    expect(claude.count('/v1/messages') - again).toBe(1);
  });

  it('the same refusal of a streamed request is refitted and sent once more before the stream starts', async () => {
    claude.reply({ text: 'streamed short' });
    const before = claude.count('/v1/messages');
    const res = await post(`${gw.baseUrl}/v1/messages`, { model: 'claude/claude-3-haiku-20240307', max_tokens: 32000, stream: true, messages: hi });
    expect(res.status).toBe(200);
    const text = await res.text();
    const deltas = [...text.matchAll(/"text_delta","text":"([^"]*)"/g)].map((m) => m[1]).join('');
    expect(deltas).toBe('streamed short');
    expect(text).toContain('event: message_stop');
    expect(claude.count('/v1/messages') - before).toBe(2);
    expect(claude.requests.at(-1)!.body).toMatchObject({ max_tokens: 4096, stream: true });
    expect(res.headers.get('x-lynkr-dropped')).toContain('max_tokens>4096');
  });

  it('another 400 from the upstream is not retried', async () => {
    claude.setFault({ status: 400, body: anthropicError('invalid_request_error', 'messages: text content blocks must be non-empty') }, { times: 1 });
    const before = claude.count('/v1/messages');
    const err = await errorOf(await post(`${gw.baseUrl}/v1/messages`, { model: 'claude/claude-sonnet-4-5', max_tokens: 100, messages: hi }));
    expect(err.status).toBe(400);
    expect(err.message).toContain('text content blocks must be non-empty');
    expect(claude.count('/v1/messages') - before).toBe(1);
  });
});
