/**
 * The world a conformance run talks to: a real gateway (in-process, startTestGateway) whose only provider is a fake
 * Ollama, a fake OpenAI or the fake OpenAI speaking Mistral's stricter dialect (test/fakes/mistral-rules.ts), a tap in front of the gateway that records what the CLI sent, and the blackhole proxy.
 * Every client model name (claude-*, gpt-*) maps to one alias whose single target is the fake, with fallback and
 * the cache off, so each answer the CLI gets comes from the reply function of the test.
 *
 * Reply functions see the upstream body the gateway sent (Ollama /api/chat or OpenAI chat completions: both have
 * `messages` and function `tools`); `conversation()` gives one view of both.
 */
import { startFakeOllama, type FakeOllama } from '../fakes/ollama.js';
import { startFakeOpenAI, type FakeOpenAI, type RecordedRequest } from '../fakes/openai.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import type { SettingsInput } from '../../main/settings/schema.js';
import { describeRun, startBlackholeProxy, type BlackholeProxy, type RunResult } from './harness.js';
import { describeExchanges, startTap, type Tap } from './tap.js';

export type UpstreamKind = 'ollama' | 'openai' | 'mistral';
export const upstreamKinds: readonly UpstreamKind[] = ['ollama', 'openai', 'mistral'];

/** The upstream model each style serves: Ollama's default model, a real OpenAI model with real limits, Mistral's coder. */
export const upstreamModel: Record<UpstreamKind, string> = { ollama: 'qwen2.5-coder:7b', openai: 'gpt-4o', mistral: 'devstral-small-latest' };

export interface ToolCall {
  name: string;
  arguments: Record<string, unknown>;
}
/** What the fake answers: text, or tool calls. Both fakes take this shape. */
export interface Reply {
  text?: string;
  toolCalls?: ToolCall[];
  /** Fake OpenAI only: stream the calls' argument pieces interleaved by index (Ollama sends whole calls). */
  interleaveToolCalls?: boolean;
}
export type UpstreamBody = Record<string, unknown>;

export interface Turn {
  role: string;
  text: string;
  toolCalls: ToolCall[];
}

export interface World {
  kind: UpstreamKind;
  gateway: TestGateway;
  tap: Tap;
  proxy: BlackholeProxy;
  /** Everything the fake upstream received. */
  requests: RecordedRequest[];
  /** Bodies of the chat calls the fake received (not model lists, shows, tags…). */
  chats(): UpstreamBody[];
  reply(fn: (body: UpstreamBody) => Reply): void;
  /** A failure report: the CLI run, what it sent the gateway, what reached the fake, gateway warnings, escapes. */
  diagnostics(run?: RunResult): string;
  close(): Promise<void>;
}

const ALIAS = 'conformance';

function gatewaySettings(kind: UpstreamKind, fakeUrl: string): SettingsInput {
  const provider =
    kind === 'ollama'
      ? { id: 'ollama', kind: 'ollama' as const, baseUrl: fakeUrl, models: [upstreamModel.ollama] }
      : { id: kind, kind, baseUrl: fakeUrl, apiKey: 'sk-conformance-0123456789abcdef', models: [upstreamModel[kind]] };
  return {
    providers: kind === 'ollama' ? [provider] : [provider, { id: 'ollama', kind: 'ollama', enabled: false }],
    ollama: { model: upstreamModel.ollama },
    // chat-fast too: the alias a user most often gives Codex as its model (a name Codex's catalog doesn't know).
    aliases: { [ALIAS]: { targets: [`${provider.id}/${upstreamModel[kind]}`] }, 'chat-fast': { targets: [`${provider.id}/${upstreamModel[kind]}`] } },
    defaultModel: ALIAS,
    // User entries come before the defaults (settings/defaults.ts), so these win over claude-*haiku* → chat-fast.
    modelMap: [
      { pattern: 'claude-*', alias: ALIAS },
      { pattern: 'gpt-*', alias: ALIAS },
    ],
    fallback: { enabled: false, retries: 0 },
    cache: { exact: { enabled: false } },
    log: { level: 'info' },
  };
}

export async function startWorld(kind: UpstreamKind): Promise<World> {
  let replier: (body: UpstreamBody) => Reply = () => ({ text: 'ok' });
  const fake: FakeOllama | FakeOpenAI =
    kind === 'ollama'
      ? await startFakeOllama({ models: [upstreamModel.ollama], script: (b) => replier(b) })
      : await startFakeOpenAI({ models: [upstreamModel[kind]], script: (b) => replier(b), dialect: kind });
  const gateway = await startTestGateway(gatewaySettings(kind, fake.url));
  const tap = await startTap(gateway.port);
  const proxy = await startBlackholeProxy();
  const chatPath = kind === 'ollama' ? '/api/chat' : '/chat/completions';
  const chats = (): UpstreamBody[] =>
    fake.requests.filter((r) => r.path.endsWith(chatPath) && typeof r.body === 'object').map((r) => r.body as UpstreamBody);
  return {
    kind,
    gateway,
    tap,
    proxy,
    requests: fake.requests,
    chats,
    reply: (fn) => {
      replier = fn;
    },
    diagnostics: (run) =>
      [
        `===== CLI run (${kind}-style upstream)`,
        describeRun(run),
        '===== CLI → gateway',
        describeExchanges(tap.exchanges) || '(nothing)',
        '===== gateway → fake upstream',
        describeUpstream(fake.requests) || '(nothing)',
        '===== gateway warnings and errors',
        gatewayProblems(gateway.logs()) || '(none)',
        '===== blocked attempts to leave loopback',
        proxy.attempts.join('\n') || '(none)',
      ].join('\n'),
    close: async () => {
      await tap.close();
      await proxy.close();
      await gateway.close();
      await fake.close();
    },
  };
}

/** Forgets what earlier scenarios recorded, so each scenario's report and assertions see only its own traffic. */
export function resetRecords(world: World): void {
  world.requests.length = 0;
  world.tap.exchanges.length = 0;
  world.proxy.attempts.length = 0;
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((p) => (typeof p === 'object' && p && 'text' in p ? String((p as { text: unknown }).text) : '')).join('');
  return '';
}

function parseArgs(args: unknown): Record<string, unknown> {
  if (typeof args === 'object' && args !== null) return args as Record<string, unknown>;
  try {
    return JSON.parse(String(args)) as Record<string, unknown>;
  } catch {
    return { _raw: args };
  }
}

/** The conversation of an upstream chat body, the same for Ollama and OpenAI. */
export function conversation(body: UpstreamBody): Turn[] {
  const messages = (Array.isArray(body.messages) ? body.messages : []) as Array<Record<string, unknown>>;
  return messages.map((m) => ({
    role: String(m.role),
    text: textOf(m.content),
    toolCalls: ((Array.isArray(m.tool_calls) ? m.tool_calls : []) as Array<{ function?: { name?: string; arguments?: unknown } }>).map((c) => ({
      name: String(c.function?.name),
      arguments: parseArgs(c.function?.arguments),
    })),
  }));
}

export function toolNames(body: UpstreamBody): string[] {
  const tools = (Array.isArray(body.tools) ? body.tools : []) as Array<{ function?: { name?: string }; name?: string }>;
  return tools.map((t) => String(t.function?.name ?? t.name));
}

/** The tool calls made so far in this conversation, each with the result that came back (paired in order). */
export function callsSoFar(body: UpstreamBody): Array<ToolCall & { result?: string }> {
  const turns = conversation(body);
  const calls = turns.flatMap((t) => t.toolCalls);
  const results = turns.filter((t) => t.role === 'tool').map((t) => t.text);
  return calls.map((c, i) => ({ ...c, result: results[i] }));
}

/** True for the scenario's own turns: the client's main tools are offered and a user message carries the marker. */
export function isScenarioTurn(body: UpstreamBody, marker: string, mainTool: string): boolean {
  return toolNames(body).includes(mainTool) && conversation(body).some((t) => t.role === 'user' && t.text.includes(marker));
}

/** The answer to a CLI's side call (title, topic, summary…): JSON when JSON is asked for, else a short text. */
export function sideReply(body: UpstreamBody): Reply {
  const wantsJson = body.format !== undefined || body.response_format !== undefined;
  return { text: wantsJson ? '{"title":"Conformance run","isNewTopic":false}' : 'ok' };
}

const clip = (s: string, n: number): string => (s.length > n ? `${s.slice(0, n)}…(${s.length} chars)` : s);

function describeUpstream(requests: RecordedRequest[]): string {
  return requests
    .map((r, i) => {
      const head = `#${i} ${r.method} ${r.path}`;
      if (typeof r.body !== 'object' || r.body === null) return head;
      const body = r.body as UpstreamBody;
      const turns = conversation(body).map((t) => {
        const calls = t.toolCalls.map((c) => `${c.name}(${clip(JSON.stringify(c.arguments), 200)})`).join(' ');
        return `   ${t.role}: ${calls || clip(JSON.stringify(t.text), t.role === 'system' ? 80 : 300)}`;
      });
      const fields = Object.keys(body).filter((k) => !['messages', 'tools'].includes(k));
      const scalars = fields.map((k) => `${k}=${clip(JSON.stringify(body[k]) ?? '', 100)}`).join(' ');
      return [`${head} tools=[${toolNames(body).join(',')}] ${scalars}`, ...turns].join('\n');
    })
    .join('\n');
}

function gatewayProblems(logs: string): string {
  return logs
    .split('\n')
    .filter((l) => /"level":(4|5|6)\d/.test(l) || /"status(Code)?":[45]\d\d/.test(l))
    .slice(-30)
    .map((l) => clip(l, 1500))
    .join('\n');
}
