import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeAnthropic, type FakeAnthropic } from '../fakes/anthropic.js';
import { startFakeBedrock, type FakeBedrock } from '../fakes/bedrock.js';
import { startFakeOllama, type FakeOllama } from '../fakes/ollama.js';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/openai.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

// The format matrix through a real gateway: {OpenAI chat, Anthropic messages, Responses} clients (the real SDKs)
// × {ollama, openai-compatible, anthropic, bedrock} upstreams (the fakes) × {text, streamed text, tool call,
// streamed tool call, tool-result turn}. Every cell checks what the client got AND what the upstream received.

const WEATHER_SCHEMA = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };
interface ToolCallOut {
  id: string;
  name: string;
  args: Record<string, unknown>;
}

interface Client {
  text(model: string, prompt: string): Promise<string>;
  streamText(model: string, prompt: string): Promise<{ text: string; deltas: number }>;
  toolCall(model: string, stream: boolean): Promise<ToolCallOut>;
  /** A turn carrying the call `call_w1` (get_weather Paris) and its result `sunny-42`; returns the reply text. */
  toolResultTurn(model: string): Promise<string>;
}

function openaiChatClient(c: OpenAI): Client {
  const tools = [{ type: 'function' as const, function: { name: 'get_weather', description: 'weather', parameters: WEATHER_SCHEMA } }];
  return {
    async text(model, prompt) {
      const r = await c.chat.completions.create({ model, messages: [{ role: 'user', content: prompt }] });
      return r.choices[0].message.content ?? '';
    },
    async streamText(model, prompt) {
      let text = '';
      let deltas = 0;
      for await (const ch of await c.chat.completions.create({ model, stream: true, messages: [{ role: 'user', content: prompt }] })) {
        const d = ch.choices[0]?.delta?.content;
        if (d) {
          text += d;
          deltas++;
        }
      }
      return { text, deltas };
    },
    async toolCall(model, stream) {
      const messages = [{ role: 'user' as const, content: 'weather in Paris?' }];
      if (!stream) {
        const call = (await c.chat.completions.create({ model, messages, tools })).choices[0].message.tool_calls?.[0];
        if (call?.type !== 'function') throw new Error('no function call');
        return { id: call.id, name: call.function.name, args: JSON.parse(call.function.arguments) };
      }
      let id = '';
      let name = '';
      let args = '';
      for await (const ch of await c.chat.completions.create({ model, messages, tools, stream: true })) {
        for (const t of ch.choices[0]?.delta?.tool_calls ?? []) {
          id ||= t.id ?? '';
          name ||= t.function?.name ?? '';
          args += t.function?.arguments ?? '';
        }
      }
      return { id, name, args: JSON.parse(args) };
    },
    async toolResultTurn(model) {
      const r = await c.chat.completions.create({
        model,
        tools,
        messages: [
          { role: 'user', content: 'weather in Paris?' },
          { role: 'assistant', content: null, tool_calls: [{ id: 'call_w1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
          { role: 'tool', tool_call_id: 'call_w1', content: 'sunny-42' },
        ],
      });
      return r.choices[0].message.content ?? '';
    },
  };
}

function anthropicClient(c: Anthropic): Client {
  const tools = [{ name: 'get_weather', description: 'weather', input_schema: WEATHER_SCHEMA as Anthropic.Tool.InputSchema }];
  const textOf = (m: Anthropic.Message): string => m.content.map((b) => (b.type === 'text' ? b.text : '')).join('');
  return {
    async text(model, prompt) {
      return textOf(await c.messages.create({ model, max_tokens: 200, messages: [{ role: 'user', content: prompt }] }));
    },
    async streamText(model, prompt) {
      let deltas = 0;
      const s = c.messages.stream({ model, max_tokens: 200, messages: [{ role: 'user', content: prompt }] });
      s.on('text', () => deltas++);
      return { text: textOf(await s.finalMessage()), deltas };
    },
    async toolCall(model, stream) {
      const params = { model, max_tokens: 200, tools, messages: [{ role: 'user' as const, content: 'weather in Paris?' }] };
      const msg = stream ? await c.messages.stream(params).finalMessage() : await c.messages.create(params);
      const b = msg.content.find((x) => x.type === 'tool_use');
      if (b?.type !== 'tool_use') throw new Error(`no tool_use block: ${JSON.stringify(msg.content)}`);
      expect(msg.stop_reason).toBe('tool_use');
      return { id: b.id, name: b.name, args: b.input as Record<string, unknown> };
    },
    async toolResultTurn(model) {
      return textOf(
        await c.messages.create({
          model,
          max_tokens: 200,
          tools,
          messages: [
            { role: 'user', content: 'weather in Paris?' },
            { role: 'assistant', content: [{ type: 'tool_use', id: 'call_w1', name: 'get_weather', input: { city: 'Paris' } }] },
            { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_w1', content: 'sunny-42' }] },
          ],
        }),
      );
    },
  };
}

function responsesClient(c: OpenAI): Client {
  const tools = [{ type: 'function' as const, name: 'get_weather', description: 'weather', parameters: WEATHER_SCHEMA, strict: false }];
  return {
    async text(model, prompt) {
      return (await c.responses.create({ model, input: prompt })).output_text;
    },
    async streamText(model, prompt) {
      let deltas = 0;
      const s = c.responses.stream({ model, input: prompt });
      s.on('response.output_text.delta', () => deltas++);
      return { text: (await s.finalResponse()).output_text, deltas };
    },
    async toolCall(model, stream) {
      const params = { model, input: 'weather in Paris?', tools };
      const r = stream ? await c.responses.stream(params).finalResponse() : await c.responses.create(params);
      const item = r.output.find((o) => o.type === 'function_call');
      if (item?.type !== 'function_call') throw new Error(`no function_call item: ${JSON.stringify(r.output)}`);
      return { id: item.call_id, name: item.name, args: JSON.parse(item.arguments) };
    },
    async toolResultTurn(model) {
      const r = await c.responses.create({
        model,
        tools,
        input: [
          { role: 'user', content: 'weather in Paris?' },
          { type: 'function_call', call_id: 'call_w1', name: 'get_weather', arguments: '{"city":"Paris"}' },
          { type: 'function_call_output', call_id: 'call_w1', output: 'sunny-42' },
        ],
      });
      return r.output_text;
    },
  };
}

let gw: TestGateway;
let ollama: FakeOllama;
let oai: FakeOpenAI;
let claude: FakeAnthropic;
let aws: FakeBedrock;

type Reply = { text: string } | { tool: { name: string; args: Record<string, unknown> } };
interface Upstream {
  model: string;
  reply(r: Reply): void;
  lastBody(): unknown;
}

const upstreams: Record<string, () => Upstream> = {
  ollama: () => ({
    model: 'ollama/llama3.2',
    reply: (r) => ollama.reply('text' in r ? { text: r.text } : { toolCalls: [{ name: r.tool.name, arguments: r.tool.args }] }),
    lastBody: () => ollama.requests.filter((q) => q.path === '/api/chat').at(-1)?.body,
  }),
  'openai-compatible': () => ({
    model: 'oai/gpt-4o-mini',
    reply: (r) => oai.reply('text' in r ? { text: r.text } : { toolCalls: [{ name: r.tool.name, arguments: r.tool.args }] }),
    lastBody: () => oai.requests.at(-1)?.body,
  }),
  anthropic: () => ({
    model: 'claude/claude-fake-1',
    reply: (r) => claude.reply('text' in r ? { text: r.text } : { toolCalls: [{ name: r.tool.name, input: r.tool.args }] }),
    lastBody: () => claude.requests.at(-1)?.body,
  }),
  bedrock: () => ({
    model: 'aws/anthropic.claude-3-haiku-20240307-v1:0',
    reply: (r) => aws.reply('text' in r ? { text: r.text } : { toolCalls: [{ name: r.tool.name, input: r.tool.args }] }),
    lastBody: () => aws.requests.at(-1)?.body,
  }),
};

const clients: Record<string, () => Client> = {
  'openai chat': () => openaiChatClient(new OpenAI({ apiKey: 'k', baseURL: `${gw.baseUrl}/v1`, maxRetries: 0 })),
  'anthropic messages': () => anthropicClient(new Anthropic({ apiKey: 'k', baseURL: gw.baseUrl, maxRetries: 0 })),
  responses: () => responsesClient(new OpenAI({ apiKey: 'k', baseURL: `${gw.baseUrl}/v1`, maxRetries: 0 })),
};

beforeAll(async () => {
  [ollama, oai, claude, aws] = await Promise.all([startFakeOllama({ models: ['llama3.2'] }), startFakeOpenAI(), startFakeAnthropic(), startFakeBedrock()]);
  gw = await startTestGateway({
    providers: [
      { id: 'ollama', kind: 'ollama', baseUrl: ollama.url },
      { id: 'oai', kind: 'openai-compatible', baseUrl: oai.url },
      { id: 'claude', kind: 'anthropic', baseUrl: claude.url, apiKey: 'sk-ant-fake-key' },
      { id: 'aws', kind: 'bedrock', baseUrl: aws.url, apiKey: 'bedrock-fake-key', region: 'us-east-1' },
    ],
    cache: { exact: { enabled: false } },
    fallback: { enabled: false, retries: 0 },
  });
});
afterAll(async () => {
  await gw?.close();
  await Promise.all([ollama?.close(), oai?.close(), claude?.close(), aws?.close()]);
});

describe.each(Object.keys(clients))('%s client', (clientName) => {
  describe.each(Object.keys(upstreams))('→ %s upstream', (upName) => {
    const client = () => clients[clientName]();
    const up = () => upstreams[upName]();

    it('text', async () => {
      up().reply({ text: `plain answer from ${upName}` });
      expect(await client().text(up().model, 'say hi')).toBe(`plain answer from ${upName}`);
      expect(JSON.stringify(up().lastBody())).toContain('say hi');
    });

    it('streamed text', async () => {
      up().reply({ text: `streamed answer from ${upName} in words` });
      const r = await client().streamText(up().model, 'stream please');
      expect(r.text).toBe(`streamed answer from ${upName} in words`);
      expect(r.deltas).toBeGreaterThan(1);
    });

    it('tool call', async () => {
      up().reply({ tool: { name: 'get_weather', args: { city: 'Paris' } } });
      const call = await client().toolCall(up().model, false);
      expect(call).toMatchObject({ name: 'get_weather', args: { city: 'Paris' } });
      expect(call.id).not.toBe('');
      expect(JSON.stringify(up().lastBody())).toContain('get_weather');
    });

    it('streamed tool call', async () => {
      up().reply({ tool: { name: 'get_weather', args: { city: 'Paris' } } });
      expect(await client().toolCall(up().model, true)).toMatchObject({ name: 'get_weather', args: { city: 'Paris' } });
    });

    it('tool-result turn', async () => {
      up().reply({ text: 'It is sunny.' });
      expect(await client().toolResultTurn(up().model)).toBe('It is sunny.');
      const sent = JSON.stringify(up().lastBody());
      expect(sent).toContain('sunny-42');
      // Ollama's wire has no call ids; every other upstream must pair the result with its call.
      if (upName !== 'ollama') expect(sent.split('call_w1').length - 1).toBeGreaterThanOrEqual(2);
    });
  });
});
