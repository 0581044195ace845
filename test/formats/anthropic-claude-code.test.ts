import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeAnthropic, type FakeAnthropic } from '../fakes/anthropic.js';
import type { RecordedRequest } from '../fakes/fake-server.js';
import { startFakeOllama, type FakeOllama } from '../fakes/ollama.js';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/openai.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

// A turn shaped like Claude Code 2.1.197's (read from its bundled cli: the request builder puts `thinking`,
// `context_management`, `output_config` {effort, format} and `metadata.user_id` in the body, `role: "system"`
// messages in `messages` under the beta `mid-conversation-system-2026-04-07`, images in `tool_result` when Read
// opens a PNG) through a real gateway to the three kinds of upstream, each a fake that refuses what the real
// server refuses. What each upstream received is checked, not just that an answer came back.

const BETA = 'claude-code-20250219,interleaved-thinking-2025-05-14,context-management-2025-06-27,mid-conversation-system-2026-04-07';
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
const TITLE_SCHEMA = { type: 'object', properties: { title: { type: 'string' } }, required: ['title'], additionalProperties: false };
const READ_SCHEMA = { type: 'object', properties: { file_path: { type: 'string' } }, required: ['file_path'] };
/** Claude Code's metadata.user_id: a JSON text of ~150 characters (OpenAI refuses a `user` over 64). */
const USER_ID = JSON.stringify({ device_id: 'd'.repeat(64), account_uuid: '', session_id: '0b5f3c1e-6a0e-4b7e-9a55-1c2d3e4f5a6b' });

function claudeCodeBody(model: string, stream: boolean): Anthropic.MessageCreateParams {
  const body = {
    model,
    max_tokens: 32000,
    stream,
    system: [{ type: 'text', text: "You are Claude Code, Anthropic's official CLI for Claude.", cache_control: { type: 'ephemeral' } }],
    messages: [
      { role: 'user', content: [{ type: 'text', text: 'What does logo.png show? Also read notes.txt.' }] },
      { role: 'system', content: 'Plan mode is off.' },
      {
        role: 'assistant',
        content: [
          { type: 'thinking', thinking: 'Read both files.', signature: 'sig-1' },
          { type: 'tool_use', id: 'toolu_01', name: 'Read', input: { file_path: '/w/logo.png' } },
          { type: 'tool_use', id: 'toolu_02', name: 'Read', input: { file_path: '/w/notes.txt' } },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_01', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } }] },
          { type: 'tool_result', tool_use_id: 'toolu_02', content: 'File does not exist.', is_error: true, cache_control: { type: 'ephemeral' } },
        ],
      },
      { role: 'system', content: [{ type: 'text', text: 'Reminder: answer in one sentence.' }] },
    ],
    tools: [{ name: 'Read', description: 'Reads a file', input_schema: READ_SCHEMA }],
    thinking: { type: 'enabled', budget_tokens: 10000 },
    context_management: { edits: [{ type: 'clear_thinking_20251015', keep: 'all' }] },
    output_config: { effort: 'high', format: { type: 'json_schema', schema: TITLE_SCHEMA } },
    metadata: { user_id: USER_ID },
  };
  return body as unknown as Anthropic.MessageCreateParams;
}

let gw: TestGateway;
let claude: FakeAnthropic;
let oai: FakeOpenAI;
let ollama: FakeOllama;
let client: Anthropic;

beforeAll(async () => {
  [claude, oai, ollama] = await Promise.all([
    startFakeAnthropic(),
    startFakeOpenAI(),
    startFakeOllama({ modelSpecs: { 'qwen3-vl:8b': { capabilities: ['completion', 'tools', 'thinking', 'vision'], contextLength: 32768 } } }),
  ]);
  gw = await startTestGateway({
    providers: [
      { id: 'claude', kind: 'anthropic', baseUrl: claude.url, apiKey: 'sk-ant-fake-key' },
      { id: 'oai', kind: 'openai-compatible', baseUrl: oai.url },
      { id: 'ollama', kind: 'ollama', baseUrl: ollama.url },
    ],
    cache: { exact: { enabled: false } },
    fallback: { enabled: false, retries: 0 },
  });
  client = new Anthropic({ apiKey: 'k', baseURL: gw.baseUrl, maxRetries: 0, defaultHeaders: { 'anthropic-beta': BETA } });
});
afterAll(async () => {
  await gw?.close();
  await Promise.all([claude?.close(), oai?.close(), ollama?.close()]);
});

const last = (reqs: RecordedRequest[], path: string): Record<string, unknown> => reqs.filter((r) => r.path.endsWith(path)).at(-1)?.body as Record<string, unknown>;
type Wire = { role: string; content?: unknown; images?: string[]; tool_calls?: unknown[]; tool_call_id?: string };

async function send(model: string, stream: boolean): Promise<string> {
  if (!stream) {
    // Raw fetch: the SDK itself refuses a non-streamed max_tokens of 32,000 ("Streaming is required…").
    const res = await fetch(`${gw.baseUrl}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', 'anthropic-beta': BETA, 'x-api-key': 'k' },
      body: JSON.stringify(claudeCodeBody(model, false)),
    });
    const msg = (await res.json()) as Anthropic.Message;
    expect(res.status, JSON.stringify(msg)).toBe(200);
    return msg.content.map((b) => (b.type === 'text' ? b.text : '')).join('');
  }
  const msg = await client.messages.stream(claudeCodeBody(model, true) as Anthropic.MessageStreamParams).finalMessage();
  return msg.content.map((b) => (b.type === 'text' ? b.text : '')).join('');
}

describe.each([false, true])('a Claude Code turn (stream: %s)', (stream) => {
  it('→ Anthropic: the body goes through as sent, with the beta header, and the strict fake takes it', async () => {
    claude.reply({ text: '{"title":"Logo"}' });
    // Sonnet 4.6, a model that takes output_config.effort: Sonnet 4.5 answers 400 to it (anthropics/claude-code#30010).
    expect(await send('claude/claude-sonnet-4-6', stream)).toBe('{"title":"Logo"}');
    const sent = claude.requests.at(-1)!;
    expect(sent.headers['anthropic-beta']).toBe(BETA);
    const expected = { ...(claudeCodeBody('claude-sonnet-4-6', stream) as unknown as Record<string, unknown>) };
    expect(sent.body).toEqual(expected);
  });

  it('→ OpenAI-compatible: system messages in place, tool results (image after them), is_error kept, response_format', async () => {
    oai.reply({ text: '{"title":"Logo"}' });
    expect(await send('oai/gpt-4o', stream)).toBe('{"title":"Logo"}');
    const body = last(oai.requests, '/chat/completions');
    const messages = body.messages as Wire[];
    expect(messages.map((m) => m.role)).toEqual(['system', 'user', 'system', 'assistant', 'tool', 'tool', 'user', 'system']);
    expect(messages[2].content).toBe('Plan mode is off.');
    expect(messages[7].content).toBe('Reminder: answer in one sentence.');
    expect(messages[4].tool_call_id).toBe('toolu_01');
    expect(JSON.stringify(messages[5].content)).toContain('File does not exist.');
    expect(JSON.stringify(messages[6].content)).toContain(`data:image/png;base64,${PNG}`);
    expect(body.response_format).toEqual({ type: 'json_schema', json_schema: { name: 'output', schema: TITLE_SCHEMA } });
    // The hashed metadata.user_id fits OpenAI's 64-character `user`.
    expect(typeof body.user === 'string' && body.user.length <= 64 && body.user !== USER_ID).toBe(true);
  });

  it('→ Ollama: system messages in place, the image on the tool message, format = the schema, think for a thinking model', async () => {
    ollama.reply({ text: '{"title":"Logo"}' });
    expect(await send('ollama/qwen3-vl:8b', stream)).toBe('{"title":"Logo"}');
    const body = last(ollama.requests, '/api/chat');
    const messages = body.messages as Wire[];
    expect(messages.map((m) => m.role)).toEqual(['system', 'user', 'system', 'assistant', 'tool', 'tool', 'system']);
    expect(messages[2].content).toBe('Plan mode is off.');
    expect(messages[4].images).toEqual([PNG]);
    expect(messages[5].content).toContain('File does not exist.');
    expect(body.format).toEqual(TITLE_SCHEMA);
    expect(body.think).toBe(true);
    expect(ollama.truncations).toEqual([]);
  });
});
