// LibreChat through the gateway, driven by LibreChat's own packages (test/conformance/package.json pins them):
// @librechat/agents runs the chat, the tool round trip and the title exactly as LibreChat runs a custom endpoint,
// and librechat-data-provider validates the librechat.yaml the gateway generates and resolves its key. Each
// scenario runs against an Ollama-style and an OpenAI-style upstream.
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIBRECHAT_CONFIG_VERSION, librechatYaml } from '../../main/admin/librechat.js';
import type { LibreChatSetup } from '../../main/admin/contract.js';
import type { SettingsInput } from '../../main/settings/schema.js';
import { startFakeOllama } from '../fakes/ollama.js';
import { startFakeOpenAI } from '../fakes/openai.js';
import type { RecordedRequest } from '../fakes/fake-server.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import {
  customEndpointLlmConfig,
  fetchCustomEndpointModels,
  loadLibreChat,
  runHandlers,
  textOf,
  titleClientOptions,
  type CustomEndpoint,
  type LibreChatAgents,
  type LibreChatDataProvider,
} from './librechat-clients.js';

const KEY = 'lynkr-conformance-key-0123456789';
const TITLE = 'Name Recall Chat';
type Json = Record<string, unknown>;
type ProviderSettingsInput = NonNullable<SettingsInput['providers']>[number];
type Wire = { role: string; content: unknown; tool_call_id?: string };
type Script = { text?: string; toolCalls?: { name: string; arguments: Json }[] };

let agents: LibreChatAgents;
let dataProvider: LibreChatDataProvider;
beforeAll(() => {
  ({ agents, dataProvider } = loadLibreChat()); // throws with the install command when they are missing
});

/** What the fake upstream answers: a title, the tool's result read back, a tool call, or the name from history. */
function answer(body: Json): Script {
  const messages = (body.messages ?? []) as Wire[];
  const last = messages.at(-1);
  if (messages.some((m) => typeof m.content === 'string' && m.content.includes('5-word-or-less title'))) return { text: TITLE };
  if (last?.role === 'tool') return { text: `Paris today: ${String(last.content)}` };
  if (Array.isArray(body.tools) && body.tools.length > 0) return { toolCalls: [{ name: 'get_weather', arguments: { city: 'Paris' } }] };
  return { text: 'Your name is Ada, as you told me.' };
}

interface Upstream {
  label: string;
  kind: 'ollama' | 'openai' | 'mistral';
  chatPath: string;
  requests: RecordedRequest[];
  provider: ProviderSettingsInput;
  target: string;
  close(): Promise<void>;
}

async function ollamaUpstream(): Promise<Upstream> {
  const fake = await startFakeOllama({ models: ['qwen2.5-coder:7b', 'llama3.2:latest', 'nomic-embed-text:latest'] });
  fake.reply(answer);
  const provider: ProviderSettingsInput = { id: 'ollama', kind: 'ollama', baseUrl: fake.url };
  return { label: 'Ollama-style', kind: 'ollama', chatPath: '/api/chat', requests: fake.requests, provider, target: 'ollama/qwen2.5-coder:7b', close: () => fake.close() };
}

async function openAIUpstream(): Promise<Upstream> {
  const fake = await startFakeOpenAI({ models: ['gpt-4o-mini'] });
  fake.reply(answer);
  const provider: ProviderSettingsInput = { id: 'openai', kind: 'openai', baseUrl: fake.url, apiKey: 'sk-upstream-0123456789', models: ['gpt-4o-mini'] };
  return { label: 'OpenAI-style', kind: 'openai', chatPath: '/chat/completions', requests: fake.requests, provider, target: 'openai/gpt-4o-mini', close: () => fake.close() };
}

/** The OpenAI fake speaking Mistral's stricter dialect: any field Mistral lacks gets its 422 (test/fakes/mistral-rules.ts). */
async function mistralUpstream(): Promise<Upstream> {
  const fake = await startFakeOpenAI({ dialect: 'mistral', models: ['mistral-small-latest'] });
  fake.reply(answer);
  const provider: ProviderSettingsInput = { id: 'mistral', kind: 'mistral', baseUrl: fake.url, apiKey: 'mistral-upstream-0123456789', models: ['mistral-small-latest'] };
  return { label: 'Mistral', kind: 'mistral', chatPath: '/chat/completions', requests: fake.requests, provider, target: 'mistral/mistral-small-latest', close: () => fake.close() };
}

/** Input keys the schema dropped on the way (zod's default strips unknown keys silently). */
function strippedKeys(input: unknown, output: unknown, path = ''): string[] {
  if (Array.isArray(input)) return input.flatMap((v, i) => strippedKeys(v, Array.isArray(output) ? output[i] : undefined, `${path}[${i}]`));
  if (input === null || typeof input !== 'object') return [];
  const out = (output ?? {}) as Json;
  return Object.entries(input).flatMap(([k, v]) => (k in out ? strippedKeys(v, out[k], `${path}.${k}`) : [`${path}.${k}`]));
}

function validated(yaml: string): { version: string; endpoint: CustomEndpoint } {
  const doc = parse(yaml) as unknown;
  const result = dataProvider.configSchema.safeParse(doc);
  if (!result.success) throw new Error(`librechat.yaml fails LibreChat's schema: ${JSON.stringify(result.error.issues)}`);
  expect(strippedKeys(doc, result.data)).toEqual([]);
  const custom = result.data.endpoints?.custom ?? [];
  expect(custom).toHaveLength(1);
  return { version: result.data.version, endpoint: custom[0] };
}

describe('the generated librechat.yaml, checked by librechat-data-provider', () => {
  it('passes configSchema as a whole file, nothing stripped, with LibreChat\'s current config version', () => {
    for (const apiKey of [undefined, '${LYNKR_API_KEY}', 'user_provided'] as const) {
      const { version, endpoint } = validated(
        librechatYaml({ baseUrl: 'http://host.docker.internal:8081/v1', apiKey, aliases: ['chat-fast', 'a: b'], titleModel: 'chat-fast', name: 'ollama' }),
      );
      expect(version).toBe(dataProvider.Constants.CONFIG_VERSION); // else LibreChat logs "Outdated Config version"
      expect(endpoint.name.toLowerCase().startsWith(dataProvider.KnownEndpoints.ollama)).toBe(false);
    }
    expect(LIBRECHAT_CONFIG_VERSION).toBe(dataProvider.Constants.CONFIG_VERSION);
    // Without a version, LibreChat's schema refuses the file (issue 19).
    expect(dataProvider.configSchema.safeParse({ endpoints: { custom: [] } }).success).toBe(false);
  });
});

describe.each([
  ['Ollama-style', ollamaUpstream],
  ['OpenAI-style', openAIUpstream],
  ['Mistral', mistralUpstream],
] as const)('LibreChat custom endpoint → gateway → %s upstream', (_label, startUpstream) => {
  let up: Upstream;
  let gw: TestGateway;
  let endpoint: CustomEndpoint;
  const savedKey = process.env.LYNKR_API_KEY;

  beforeAll(async () => {
    up = await startUpstream();
    gw = await startTestGateway({
      providers: [up.provider],
      aliases: { chat: { description: 'LibreChat', targets: [up.target] } },
      defaultModel: 'chat',
      server: { apiKey: KEY, requireKeyOnLoopback: true },
    });
    const setup = (await (await gw.admin('/admin/librechat')).json()) as LibreChatSetup;
    endpoint = validated(setup.yaml).endpoint;
    // LibreChat resolves `${LYNKR_API_KEY}` from its .env (extractEnvVariable).
    process.env.LYNKR_API_KEY = KEY;
    endpoint = { ...endpoint, apiKey: dataProvider.extractEnvVariable(endpoint.apiKey) };
  });
  afterAll(async () => {
    if (savedKey === undefined) delete process.env.LYNKR_API_KEY;
    else process.env.LYNKR_API_KEY = savedKey;
    await gw?.close();
    await up?.close();
  });

  /** Runs one LibreChat agent turn; returns its answer and what LibreChat sent to the gateway and the gateway upstream. */
  async function turn(messages: unknown[], opts: { model?: string; tools?: unknown[]; params?: Parameters<typeof customEndpointLlmConfig>[3] } = {}) {
    const sent: Json[] = [];
    const recordingFetch: typeof fetch = (input, init) => {
      if (typeof init?.body === 'string') sent.push(JSON.parse(init.body) as Json);
      return fetch(input, init);
    };
    const mark = up.requests.length;
    const { handlers, contentParts, deltas } = runHandlers(agents);
    const run = await agents.Run.create({
      runId: `run-${mark}`,
      graphConfig: {
        type: 'standard',
        instructions: 'You are a helpful assistant.',
        llmConfig: customEndpointLlmConfig(agents, endpoint, opts.model ?? 'chat', opts.params, recordingFetch),
        tools: opts.tools ?? [],
      },
      returnContent: true,
      customHandlers: handlers,
    });
    const parts = await run.processStream({ messages }, { configurable: { thread_id: `thread-${mark}` }, streamMode: 'values', version: 'v2' });
    const upstream = up.requests.slice(mark).filter((r) => r.path.endsWith(up.chatPath)).map((r) => r.body as Json);
    return { run, parts, contentParts, deltas: deltas(), sent, upstream };
  }

  it('streams a chat with history, and the sampling settings reach the upstream', async () => {
    const history = [
      new agents.HumanMessage('My name is Ada.'),
      new agents.AIMessage('Nice to meet you, Ada.'),
      new agents.HumanMessage('What is my name?'),
    ];
    const params = { temperature: 0.3, topP: 0.9, frequencyPenalty: 0.2, presencePenalty: 0.1, addParams: { top_k: 40, min_p: 0.05, repeat_penalty: 1.1 } };
    const t = await turn(history, { params });
    expect(textOf(t.parts)).toBe('Your name is Ada, as you told me.');
    expect(t.deltas).toBeGreaterThan(1); // streamed word by word, not in one piece

    // What LibreChat sent: a stream, without stream_options (createRun turns streamUsage off for custom endpoints).
    expect(t.sent).toHaveLength(1);
    expect(t.sent[0]).toMatchObject({ model: 'chat', stream: true, top_k: 40, min_p: 0.05, repeat_penalty: 1.1, frequency_penalty: 0.2, presence_penalty: 0.1 });
    expect(t.sent[0].stream_options).toBeUndefined();

    expect(t.upstream).toHaveLength(1);
    const wire = t.upstream[0].messages as Wire[];
    expect(wire.map((m) => [m.role, m.content])).toEqual([
      ['system', 'You are a helpful assistant.'],
      ['user', 'My name is Ada.'],
      ['assistant', 'Nice to meet you, Ada.'],
      ['user', 'What is my name?'],
    ]);
    const sampling = { temperature: 0.3, top_p: 0.9, frequency_penalty: 0.2, presence_penalty: 0.1 };
    if (up.kind === 'ollama') {
      // Ollama takes every sampling knob in `options` (docs/api.md, "Generate request (With options)").
      expect(t.upstream[0].options).toMatchObject({ ...sampling, top_k: 40, min_p: 0.05, repeat_penalty: 1.1 });
    } else {
      // OpenAI and Mistral take the penalties and refuse parameters they do not know, so top_k & co. stay behind.
      expect(t.upstream[0]).toMatchObject(sampling);
      for (const k of ['top_k', 'min_p', 'repeat_penalty']) expect(t.upstream[0]).not.toHaveProperty(k);
    }
  }, 60_000);

  it("Regenerate (the same conversation sent again) reaches the upstream both times, by the default cache policy", async () => {
    const history = [new agents.HumanMessage('Suggest a name for a cat.')];
    const first = await turn(history);
    const again = await turn(history);
    expect(first.upstream).toHaveLength(1);
    expect(again.upstream).toHaveLength(1);
    const rows = (await (await gw.admin('/admin/logs?limit=2')).json()) as { rows: Array<{ cache: string }> };
    expect(rows.rows.map((r) => r.cache)).toEqual(['bypass:nondeterministic', 'bypass:nondeterministic']);
  }, 60_000);

  it('runs an agent tool round trip: the tool result reaches the upstream and the final text comes back', async () => {
    const calls: Json[] = [];
    // Defined the way LibreChat defines agent tools (MCP tools in api/server/services/MCP.js): @langchain/core's
    // tool() with a JSON schema and responseFormat content_and_artifact, returning [content, artifact].
    const weather = agents.tool(
      async (input) => {
        calls.push(input);
        return [`sunny, 22 degrees in ${String(input.city)}`, undefined];
      },
      {
        name: 'get_weather',
        description: 'Current weather for a city',
        schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
        responseFormat: 'content_and_artifact',
      },
    );
    const t = await turn([new agents.HumanMessage('Weather in Paris?')], { tools: [weather] });
    expect(calls).toEqual([{ city: 'Paris' }]);
    expect(t.upstream).toHaveLength(2);
    const tools = t.upstream[0].tools as { function?: { name?: string }; type?: string }[];
    expect(tools.map((x) => x.function?.name)).toEqual(['get_weather']);
    const second = t.upstream[1].messages as Wire[];
    const toolMessage = second.find((m) => m.role === 'tool');
    expect(toolMessage?.content).toBe('sunny, 22 degrees in Paris');
    if (up.kind !== 'ollama') {
      const assistant = second.find((m) => m.role === 'assistant') as { tool_calls?: { id: string }[] } | undefined;
      expect(toolMessage?.tool_call_id).toBe(assistant?.tool_calls?.[0]?.id);
    }
    expect(textOf(t.parts)).toContain('Paris today: sunny, 22 degrees in Paris');
  }, 60_000);

  it('makes a conversation title with the agents package (titleMethod completion, LibreChat\'s default)', async () => {
    const t = await turn([new agents.HumanMessage('What is my name?')]);
    const sent: Json[] = [];
    const recordingFetch: typeof fetch = (input, init) => {
      if (typeof init?.body === 'string') sent.push(JSON.parse(init.body) as Json);
      return fetch(input, init);
    };
    const llmConfig = customEndpointLlmConfig(agents, endpoint, 'chat', {}, recordingFetch);
    const clientOptions = titleClientOptions(agents, llmConfig, endpoint.titleModel ?? 'chat');
    const mark = up.requests.length;
    const result = await t.run.generateTitle({
      provider: agents.Providers.OPENAI,
      inputText: 'What is my name?',
      contentParts: t.contentParts,
      titleMethod: agents.TitleMethod.COMPLETION,
      clientOptions,
      chainOptions: { configurable: { thread_id: 'title-thread' } },
    });
    expect(result.title).toBe(TITLE);
    expect(sent).toHaveLength(1);
    expect(sent[0].model).toBe(endpoint.titleModel);
    expect(sent[0].stream).toBeFalsy();
    const asked = up.requests.slice(mark).filter((r) => r.path.endsWith(up.chatPath));
    expect(asked).toHaveLength(1);
    expect(JSON.stringify((asked[0].body as Json).messages)).toContain('User: What is my name?');
  }, 60_000);

  it('lists the chat models the way LibreChat fetches them, also for an endpoint named "ollama…"', async () => {
    const listed = await fetchCustomEndpointModels(dataProvider, endpoint);
    expect(listed.asked).toEqual([`${endpoint.baseURL}/models`]);
    expect(listed.models).toEqual(expect.arrayContaining(['chat', up.target]));
    if (up.kind === 'ollama') {
      expect(listed.models).toContain('ollama/llama3.2:latest');
      expect(listed.models).not.toContain('ollama/nomic-embed-text:latest'); // embedding-only: not a chat model
    }
    // An "ollama…" endpoint asks the origin's /api/tags with only its configured headers.
    const origin = new URL(endpoint.baseURL).origin;
    const withKey = await fetchCustomEndpointModels(dataProvider, {
      ...endpoint,
      name: 'ollama-lynkr',
      headers: { ...endpoint.headers, Authorization: `Bearer ${endpoint.apiKey}` },
    });
    expect(withKey).toEqual({ models: listed.models, asked: [`${origin}/api/tags`] });
    // Without the key in its headers /api/tags is refused like /models, and LibreChat falls back to /models.
    const fallback = await fetchCustomEndpointModels(dataProvider, { ...endpoint, name: 'Ollama' });
    expect(fallback).toEqual({ models: listed.models, asked: [`${origin}/api/tags`, `${endpoint.baseURL}/models`] });
  });

  it('a bare model name from the menu reaches its provider (Ollama: llama3.2 = llama3.2:latest, as Ollama resolves it)', async () => {
    const [asked, reached] = { ollama: ['llama3.2', 'llama3.2:latest'], openai: ['gpt-4o-mini', 'gpt-4o-mini'], mistral: ['mistral-small-latest', 'mistral-small-latest'] }[up.kind];
    const t = await turn([new agents.HumanMessage('What is my name?')], { model: asked });
    expect(textOf(t.parts)).toBe('Your name is Ada, as you told me.');
    expect(t.upstream.map((b) => b.model)).toEqual([reached]);
  }, 60_000);
});
