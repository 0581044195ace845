/**
 * Codex CLI, the real binary (test/conformance/package.json pins it), run with `codex exec` against the gateway's
 * Responses endpoint with an Ollama-style and an OpenAI-style upstream.
 *
 * Its config.toml (in an isolated CODEX_HOME) names a custom provider with `wire_api = "responses"` (the only wire
 * Codex still accepts). What Codex sends depends on the model it is given (captured from codex 0.171):
 *   - `gpt-5.5`, a model of Codex's bundled catalog: the classic tools in `tools`, `exec_command` (a JSON function)
 *     and `apply_patch` (a freeform custom tool with a grammar), with `parallel_tool_calls: true`;
 *   - no model (its default, gpt-6.2-sol, whose catalog entry has `tool_mode: "code_mode_only"`): no `tools` at
 *     all; an `additional_tools` input item holds a JavaScript `exec` tool whose description declares the real
 *     tools (exec_command, apply_patch…) in TypeScript; the gateway offers those as functions and hands Codex
 *     `exec` programs that call them;
 *   - a model Codex doesn't know (`chat-fast`, `qwen2.5-coder:7b`…): the classic function tools without
 *     apply_patch (Codex's instructions tell the model to run `apply_patch` through the shell), and a
 *     `multi_agent_v1` namespace tool.
 *
 * `--dangerously-bypass-approvals-and-sandbox`: Codex's Linux sandbox needs user namespaces (bubblewrap/landlock),
 * which containers and CI runners often forbid, and these scenarios test the gateway's wire, not Codex's sandbox.
 * The harness already isolates the run (own HOME, temp project, no network but loopback).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { baseEnv, jsonLines, makeSandbox, requireClient, runCli, type RunResult, type Sandbox } from './harness.js';
import { callsSoFar, conversation, isScenarioTurn, resetRecords, sideReply, startWorld, toolNames, upstreamKinds, type Reply, type UpstreamBody, type World } from './upstream.js';

const RUN_TIMEOUT_MS = 60_000;
const MODEL = 'gpt-5.5';
/** Codex 0.171's default model when config.toml names none. */
const DEFAULT_MODEL = 'gpt-6.2-sol';
const client = requireClient('codex');

/**
 * Keys from Codex's config schema (codex-rs/core/config.schema.json); `--strict-config` makes Codex refuse any key
 * it doesn't know, so a renamed key fails loudly instead of being ignored.
 */
function configToml(world: World, model: string | undefined): string {
  return `${model ? `model = "${model}"\n` : ''}model_provider = "lynkr"
check_for_update_on_startup = false

[analytics]
enabled = false

[feedback]
enabled = false

[history]
persistence = "none"

[otel]
exporter = "none"

# The curated plugin sync fetches from GitHub at start.
[features]
plugins = false

[model_providers.lynkr]
name = "Lynkr"
base_url = "${world.tap.baseUrl}/v1"
wire_api = "responses"
env_key = "LYNKR_API_KEY"
# A gateway error should fail the scenario in seconds, not after backed-off retries.
request_max_retries = 1
stream_max_retries = 1
`;
}

interface CodexRun {
  run: RunResult;
  events: Array<Record<string, unknown>>;
  /** The completed items (agent_message, command_execution, file_change…). */
  items: Array<Record<string, unknown>>;
  /** The last agent message. */
  answer: string | undefined;
}

async function codex(world: World, box: Sandbox, prompt: string, model: string | undefined): Promise<CodexRun> {
  let run: RunResult | undefined;
  onTestFailed(() => console.error(world.diagnostics(run)));
  const codexHome = join(box.home, '.codex');
  mkdirSync(codexHome, { recursive: true });
  writeFileSync(join(codexHome, 'config.toml'), configToml(world, model));
  const env = { ...baseEnv(box, world.proxy.url), CODEX_HOME: codexHome, LYNKR_API_KEY: 'lynkr-conformance-key' };
  const args = ['exec', '--json', '--skip-git-repo-check', '--strict-config', '--ephemeral', '--dangerously-bypass-approvals-and-sandbox', '-C', box.work, prompt];
  run = await runCli(client.bin, args, { cwd: box.work, env, timeoutMs: RUN_TIMEOUT_MS });
  if (process.env.LYNKR_CONFORMANCE_VERBOSE) console.log(world.diagnostics(run));
  const events = jsonLines(run.stdout);
  const items = events.filter((e) => e.type === 'item.completed').map((e) => e.item as Record<string, unknown>);
  const answer = items.filter((i) => i.type === 'agent_message').map((i) => String(i.text)).at(-1);
  return { run, events, items, answer };
}

function route(marker: string, step: (body: UpstreamBody) => Reply): (body: UpstreamBody) => Reply {
  return (body) => (isScenarioTurn(body, marker, 'exec_command') ? step(body) : sideReply(body));
}

const toolResultsSeen = (world: World): string[] =>
  world.chats().flatMap((b) => conversation(b).filter((t) => t.role === 'tool').map((t) => t.text));

/** The function_call items Codex sent back to the gateway (its record of the calls it ran). */
function functionCallsEchoed(world: World): Array<{ name: string; arguments: string }> {
  const last = world.tap.exchanges.filter((e) => e.url.startsWith('/v1/responses')).at(-1);
  if (!last) return [];
  const input = (JSON.parse(last.body) as { input?: unknown }).input;
  return (Array.isArray(input) ? input : [])
    .filter((i: { type?: string }) => i.type === 'function_call')
    .map((i: { name: string; arguments: string }) => ({ name: i.name, arguments: i.arguments }));
}

/** Codex ends a good run with turn.completed and no error events. */
function expectCleanTurn(r: CodexRun): void {
  expect(r.events.filter((e) => e.type === 'error' || e.type === 'turn.failed'), 'error events').toEqual([]);
  expect(r.events.some((e) => e.type === 'turn.completed')).toBe(true);
  expect(r.run.code).toBe(0);
}

async function plainAnswer(world: World, b: Sandbox, model: string | undefined): Promise<CodexRun> {
  const answer = `Plain answer from the ${world.kind} fake: 42.`;
  world.reply(route('CONF-PLAIN', () => ({ text: answer })));
  const r = await codex(world, b, 'CONF-PLAIN: what is six times seven? Answer in one sentence.', model);
  expect(r.answer).toBe(answer);
  expectCleanTurn(r);
  // The scenario's turns offered the upstream Codex's shell tool (route() answers other turns with "ok").
  expect(world.chats().filter((body) => toolNames(body).includes('exec_command')).length, 'turns that offered exec_command').toBeGreaterThan(0);
  return r;
}

async function shellRead(world: World, b: Sandbox, model: string | undefined): Promise<CodexRun> {
  const secret = `The launch code is 7-4-1-${world.kind}-pineapple.`;
  writeFileSync(join(b.work, 'notes.txt'), `${secret}\n`);
  world.reply(
    route('CONF-READ', (body) => {
      const cat = callsSoFar(body).find((c) => c.name === 'exec_command');
      if (!cat) return { toolCalls: [{ name: 'exec_command', arguments: { cmd: 'cat notes.txt' } }] };
      return { text: cat.result?.includes(secret) ? `The file says: ${secret}` : 'The command output did not reach the model.' };
    }),
  );
  const r = await codex(world, b, 'CONF-READ: show me what notes.txt says.', model);
  const command = r.items.find((i) => i.type === 'command_execution');
  expect(String(command?.aggregated_output), 'the command ran in the project').toContain(secret);
  expect(toolResultsSeen(world).some((t) => t.includes(secret)), 'the command output reached the upstream').toBe(true);
  expect(r.answer).toBe(`The file says: ${secret}`);
  expectCleanTurn(r);
  return r;
}

/** The bodies Codex sent to /v1/responses, in order. */
const codexBodies = (world: World): CodexBody[] =>
  world.tap.exchanges.filter((e) => e.url.startsWith('/v1/responses')).map((e) => JSON.parse(e.body) as CodexBody);
type CodexItem = { type?: string; name?: string; namespace?: string; input?: string; arguments?: string; tools?: Array<{ type: string; name?: string }> };
type CodexBody = { model?: string; tools?: Array<{ type: string; name?: string }>; input?: CodexItem[] };

/**
 * The models users give Codex besides a catalog model, and what Codex 0.171 sends for each (so that a new Codex
 * that changes the shape fails here, by name, instead of somewhere in the gateway).
 */
const MODEL_VARIANTS: Array<{ label: string; model: string | undefined; expectShape(bodies: CodexBody[]): void; expectCallEcho(last: CodexBody): void }> = [
  {
    label: `no model (Codex's default, ${DEFAULT_MODEL}: code mode)`,
    model: undefined,
    expectShape: (bodies) => {
      expect(bodies[0]?.model).toBe(DEFAULT_MODEL);
      expect(bodies[0]?.tools ?? [], 'code mode sends no tools field').toEqual([]);
      const extra = bodies[0]?.input?.find((i) => i.type === 'additional_tools');
      expect(extra?.tools?.find((t) => t.type === 'namespace' && t.name === 'functions'), 'the exec tool comes in an additional_tools item').toBeDefined();
    },
    // Codex ran the gateway's exec program and sent it back as its record of the call.
    expectCallEcho: (last) =>
      expect(last.input?.find((i) => i.type === 'custom_tool_call')).toMatchObject({ name: 'exec', input: 'text(await tools.exec_command({"cmd":"cat notes.txt"}));' }),
  },
  {
    label: 'a model Codex does not know (chat-fast)',
    model: 'chat-fast',
    expectShape: (bodies) => {
      expect(bodies[0]?.model).toBe('chat-fast');
      expect(bodies[0]?.tools?.filter((t) => t.type === 'function').map((t) => t.name)).toContain('exec_command');
    },
    expectCallEcho: (last) => expect(last.input?.find((i) => i.type === 'function_call')).toMatchObject({ name: 'exec_command', arguments: '{"cmd":"cat notes.txt"}' }),
  },
];

for (const kind of upstreamKinds) {
  describe(`Codex CLI ${client.version} through Lynkr to an ${kind}-style upstream`, { timeout: 90_000 }, () => {
    let world: World;
    let box: Sandbox | undefined;
    beforeAll(async () => {
      world = await startWorld(kind);
    });
    afterAll(async () => {
      box?.close();
      await world?.close();
    });
    // The isolation holds: nothing tried to leave loopback (a new client version phoning home shows up here).
    afterEach(() => expect(world.proxy.attempts, 'requests that tried to leave loopback').toEqual([]));
    const fresh = (): Sandbox => {
      resetRecords(world);
      box?.close();
      box = makeSandbox('codex');
      return box;
    };

    it('answers a plain prompt', async () => {
      await plainAnswer(world, fresh(), MODEL);
    });

    it('reads a file with a shell command and quotes it in the final answer', async () => {
      await shellRead(world, fresh(), MODEL);
    });

    it('a rerun of the same codex exec reaches the model again (the exact cache never replays an old turn)', async () => {
      const b = fresh();
      await shellRead(world, b, MODEL);
      const firstRun = world.chats().length;
      await shellRead(world, b, MODEL);
      // The same turns again, each answered by the model: the shell call ran again, with a new call id.
      expect(world.chats().length).toBe(2 * firstRun);
    });

    for (const variant of MODEL_VARIANTS) {
      it(`${variant.label}: answers a plain prompt`, async () => {
        await plainAnswer(world, fresh(), variant.model);
        variant.expectShape(codexBodies(world));
      });

      it(`${variant.label}: reads a file with a shell command, and the tools reached the upstream`, async () => {
        const r = await shellRead(world, fresh(), variant.model);
        variant.expectShape(codexBodies(world));
        variant.expectCallEcho(codexBodies(world).at(-1) ?? {});
        expect(r.items.some((i) => i.type === 'command_execution')).toBe(true);
      });
    }

    it('runs two shell commands called in parallel, and both outputs reach the upstream', async () => {
      // The fake OpenAI streams the two calls' argument pieces interleaved (call 1 starts before call 0 ends), as
      // real providers may; Ollama sends whole calls in one chunk.
      const b = fresh();
      writeFileSync(join(b.work, 'a.txt'), `alpha-${kind}\n`);
      writeFileSync(join(b.work, 'b.txt'), `bravo-${kind}\n`);
      world.reply(
        route('CONF-PARALLEL', (body) => {
          const calls = callsSoFar(body).filter((c) => c.name === 'exec_command');
          if (calls.length === 0) {
            return {
              toolCalls: [
                { name: 'exec_command', arguments: { cmd: 'cat a.txt' } },
                { name: 'exec_command', arguments: { cmd: 'cat b.txt' } },
              ],
              interleaveToolCalls: true,
            };
          }
          return { text: `Outputs: ${calls.map((c) => c.result?.match(/(alpha|bravo)-\w+/)?.[0] ?? 'missing').join(' and ')}.` };
        }),
      );
      const r = await codex(world, b, 'CONF-PARALLEL: print a.txt and b.txt at the same time.', MODEL);
      const outputs = r.items.filter((i) => i.type === 'command_execution').map((i) => String(i.aggregated_output));
      expect(outputs.sort()).toEqual([`alpha-${kind}\n`, `bravo-${kind}\n`]);
      const commandOf = (args: string): unknown => {
        try {
          return (JSON.parse(args) as { cmd?: unknown }).cmd;
        } catch {
          return `unparsable arguments: ${JSON.stringify(args)}`;
        }
      };
      const echoed = functionCallsEchoed(world).map((c) => commandOf(c.arguments));
      expect(echoed.sort(), 'each call kept its own arguments').toEqual(['cat a.txt', 'cat b.txt']);
      const seen = toolResultsSeen(world);
      expect(seen.some((t) => t.includes(`alpha-${kind}`)) && seen.some((t) => t.includes(`bravo-${kind}`)), 'both outputs reached the upstream').toBe(true);
      expect(r.answer).toBe(`Outputs: alpha-${kind} and bravo-${kind}.`);
      expectCleanTurn(r);
    });

    // gpt-5.5 gets apply_patch as a freeform tool; the default model as a tool its exec programs call.
    const patchModels = [['', MODEL], [' (no model: code mode)', undefined]] as const;
    for (const [label, model] of patchModels) it(`edits a file with the freeform apply_patch tool, checked on disk${label}`, async () => {
      const b = fresh();
      const file = join(b.work, 'greeting.txt');
      writeFileSync(file, 'hello world\nsecond line\n');
      const patch = ['*** Begin Patch', '*** Update File: greeting.txt', '@@', '-hello world', `+hello ${kind} conformance`, ' second line', '*** End Patch'].join('\n');
      world.reply(
        route('CONF-PATCH', (body) => {
          // The gateway offers the freeform tool as a function whose raw text goes in its `input` argument.
          if (!callsSoFar(body).some((c) => c.name === 'apply_patch')) return { toolCalls: [{ name: 'apply_patch', arguments: { input: patch } }] };
          return { text: 'Done: the greeting is updated.' };
        }),
      );
      const r = await codex(world, b, 'CONF-PATCH: in greeting.txt, replace "hello world" with a greeting for the test.', model);
      expect(readFileSync(file, 'utf8')).toBe(`hello ${kind} conformance\nsecond line\n`);
      expect(r.items.some((i) => i.type === 'file_change'), 'Codex reported the file change').toBe(true);
      expect(world.chats().some((body) => callsSoFar(body).some((c) => c.name === 'apply_patch' && c.result !== undefined)), 'the patch result reached the upstream').toBe(true);
      expect(r.answer).toBe('Done: the greeting is updated.');
      expectCleanTurn(r);
    });
  });
}
