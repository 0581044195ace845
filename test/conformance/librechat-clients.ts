// LibreChat's own packages, loaded from the conformance package (test/conformance/node_modules), and the few
// pieces of LibreChat's server that sit between its config and those packages, copied in shape (cited below).
// The packages are typed here by the little we use, so the app's type-check never needs them installed.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { clientsDir } from './harness.js';

const INSTALL_HINT = 'run `npm run conformance:install` (installs test/conformance/package.json)';

export interface AgentRun {
  processStream(inputs: { messages: unknown[] }, config: Record<string, unknown>): Promise<ContentPart[] | undefined>;
  generateTitle(opts: Record<string, unknown>): Promise<{ title?: string; language?: string }>;
  getRunMessages(): unknown[] | undefined;
}
export interface ContentPart {
  type: string;
  text?: string;
  tool_call?: { name?: string; args?: unknown; output?: string };
}
export interface EventHandler {
  handle(event: string, data: unknown, metadata?: Record<string, unknown>, graph?: unknown): void | Promise<void>;
}
type ToolFn = (input: Record<string, unknown>) => Promise<[string, unknown]>;

/** The parts of @librechat/agents (3.2.x) the scenarios call. */
export interface LibreChatAgents {
  Run: { create(config: Record<string, unknown>): Promise<AgentRun> };
  Providers: { OPENAI: string };
  TitleMethod: { COMPLETION: string; STRUCTURED: string };
  GraphEvents: Record<'ON_RUN_STEP' | 'ON_RUN_STEP_DELTA' | 'ON_RUN_STEP_COMPLETED' | 'ON_MESSAGE_DELTA' | 'TOOL_END' | 'CHAT_MODEL_END', string>;
  HumanMessage: new (content: string) => unknown;
  AIMessage: new (content: string) => unknown;
  tool(fn: ToolFn, fields: { name: string; description: string; schema: Record<string, unknown>; responseFormat: string }): unknown;
  createContentAggregator(): { contentParts: (ContentPart | undefined)[]; aggregateContent(e: { event: string; data: unknown }): void };
  ToolEndHandler: new () => EventHandler;
  ModelEndHandler: new (collectedUsage: unknown[]) => EventHandler;
  /** What a title call leaves out of the chat's llmConfig (`streaming`, `maxTokens`, thinking…). */
  defaultOmitOptions: Set<string>;
}

/** The parts of librechat-data-provider the scenarios call. */
export interface LibreChatDataProvider {
  configSchema: { safeParse(v: unknown): { success: true; data: LibreChatConfig } | { success: false; error: { issues: unknown[] } } };
  Constants: { CONFIG_VERSION: string };
  KnownEndpoints: { ollama: string };
  extractEnvVariable(value: string): string;
}
export interface CustomEndpoint {
  name: string;
  apiKey: string;
  baseURL: string;
  models: { default: (string | { name: string })[]; fetch?: boolean };
  titleConvo?: boolean;
  titleModel?: string;
  titleMethod?: string;
  headers?: Record<string, string>;
}
export interface LibreChatConfig {
  version: string;
  endpoints?: { custom?: CustomEndpoint[] };
}

/** From the clients' folder: test/conformance, or LYNKR_CONFORMANCE_DIR (`npm run conformance:latest`). */
function requireFromConformance(name: string): unknown {
  const dir = clientsDir();
  if (!existsSync(join(dir, 'node_modules', name, 'package.json'))) {
    throw new Error(`${name} is not installed in ${dir}: ${INSTALL_HINT}`);
  }
  return createRequire(join(dir, 'package.json'))(name);
}

/** Throws, naming the install command, when the packages are missing: the scenarios never skip silently. */
export function loadLibreChat(): { agents: LibreChatAgents; dataProvider: LibreChatDataProvider; versions: Record<string, string> } {
  const agents = requireFromConformance('@librechat/agents') as LibreChatAgents;
  const dataProvider = requireFromConformance('librechat-data-provider') as LibreChatDataProvider;
  // Read from disk: a package's `exports` may not expose its package.json.
  const version = (name: string): string =>
    (JSON.parse(readFileSync(join(clientsDir(), 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
  return { agents, dataProvider, versions: { agents: version('@librechat/agents'), dataProvider: version('librechat-data-provider') } };
}

/**
 * The llmConfig LibreChat builds for a custom endpoint: getOpenAIConfig / getOpenAILLMConfig
 * (packages/api/src/endpoints/openai/config.ts, llm.ts) put `streaming`, the model, the key and the sampling
 * settings on it, parameters it does not know (`top_k`, `min_p`, `repeat_penalty` from `addParams`) in
 * `modelKwargs`, and the base URL and `headers` in `configuration`; createRun (packages/api/src/agents/run.ts)
 * then sets `streamUsage: false, usage: true` for a custom endpoint, so `stream_options` is not sent. The run
 * uses the `openAI` provider for custom endpoints.
 */
export function customEndpointLlmConfig(
  agents: LibreChatAgents,
  endpoint: { baseURL: string; apiKey: string; headers?: Record<string, string> },
  model: string,
  params: { temperature?: number; topP?: number; frequencyPenalty?: number; presencePenalty?: number; addParams?: Record<string, unknown> } = {},
  fetchImpl?: typeof fetch,
): Record<string, unknown> {
  const { addParams, ...sampling } = params;
  return {
    provider: agents.Providers.OPENAI,
    streaming: true,
    model,
    apiKey: endpoint.apiKey,
    ...sampling,
    ...(addParams ? { modelKwargs: addParams } : {}),
    streamUsage: false,
    usage: true,
    configuration: {
      baseURL: endpoint.baseURL,
      ...(endpoint.headers ? { defaultHeaders: endpoint.headers } : {}),
      // Not LibreChat's: lets the test see the bytes LibreChat sent to the gateway.
      ...(fetchImpl ? { fetch: fetchImpl } : {}),
    },
  };
}

/**
 * The client options of a title call: LibreChat's AgentClient.titleConvo (api/server/controllers/agents/client.js)
 * takes the chat's llmConfig without the options in `omitTitleOptions` (the agents package's `defaultOmitOptions`:
 * `streaming`, `maxTokens`, thinking…), with `model` set to the endpoint's `titleModel`. So titles are not streamed.
 */
export function titleClientOptions(agents: LibreChatAgents, llmConfig: Record<string, unknown>, titleModel: string): Record<string, unknown> {
  const kept = Object.entries(llmConfig).filter(([k]) => k !== 'provider' && !agents.defaultOmitOptions.has(k));
  return { ...Object.fromEntries(kept), model: titleModel };
}

/**
 * LibreChat's model fetch for a custom endpoint with `models.fetch: true` (packages/api/src/endpoints/models.ts,
 * fetchModels): nothing without a key; an endpoint whose name starts with "ollama" first asks
 * `{protocol//host:port}/api/tags` with only the configured headers and reads `models[].name`; otherwise, or
 * when that fails, `GET {baseURL}/models` with `Authorization: Bearer <key>`, reading `data[].id`. Both with a
 * 5 s timeout; a failure leaves the list empty (LibreChat then uses `models.default`).
 */
export async function fetchCustomEndpointModels(
  dataProvider: LibreChatDataProvider,
  endpoint: { name: string; baseURL: string; apiKey: string; headers?: Record<string, string> },
): Promise<{ models: string[]; asked: string[] }> {
  const asked: string[] = [];
  if (!endpoint.apiKey) return { models: [], asked };
  const headers = endpoint.headers ?? {};
  if (endpoint.name.toLowerCase().startsWith(dataProvider.KnownEndpoints.ollama)) {
    const url = `${new URL(endpoint.baseURL).origin}/api/tags`;
    asked.push(url);
    try {
      const res = await fetch(url, { headers, signal: AbortSignal.timeout(5_000) });
      if (res.ok) return { models: ((await res.json()) as { models: { name: string }[] }).models.map((m) => m.name), asked };
    } catch {
      // LibreChat logs it and falls through to the OpenAI-compatible endpoint.
    }
  }
  const url = `${endpoint.baseURL.replace(/\/+$/, '')}/models`;
  asked.push(url);
  try {
    const res = await fetch(url, { headers: { ...headers, Authorization: `Bearer ${endpoint.apiKey}` }, signal: AbortSignal.timeout(5_000) });
    if (!res.ok) return { models: [], asked };
    return { models: ((await res.json()) as { data: { id: string }[] }).data.map((m) => m.id), asked };
  } catch {
    return { models: [], asked };
  }
}

/** The event handlers LibreChat registers for an agent run (api/server/controllers/agents/callbacks.js). */
export function runHandlers(agents: LibreChatAgents): {
  handlers: Record<string, EventHandler>;
  contentParts: (ContentPart | undefined)[];
  deltas: () => number;
  usage: unknown[];
} {
  const { contentParts, aggregateContent } = agents.createContentAggregator();
  const usage: unknown[] = [];
  let deltas = 0;
  const aggregate = (event: string, data: unknown): void => aggregateContent({ event, data });
  const E = agents.GraphEvents;
  const handlers: Record<string, EventHandler> = {
    [E.TOOL_END]: new agents.ToolEndHandler(),
    [E.CHAT_MODEL_END]: new agents.ModelEndHandler(usage),
    [E.ON_RUN_STEP]: { handle: aggregate },
    [E.ON_RUN_STEP_DELTA]: { handle: aggregate },
    [E.ON_RUN_STEP_COMPLETED]: { handle: aggregate },
    [E.ON_MESSAGE_DELTA]: {
      handle: (event, data) => {
        deltas += 1;
        aggregate(event, data);
      },
    },
  };
  return { handlers, contentParts, deltas: () => deltas, usage };
}

/** The text parts of an answer, joined. */
export function textOf(parts: (ContentPart | undefined)[] | undefined): string {
  return (parts ?? []).map((p) => (p?.type === 'text' ? (p.text ?? '') : '')).join('');
}
