/**
 * Claude Code, the real CLI (test/conformance/package.json pins it), run headless against the gateway with an
 * Ollama-style and an OpenAI-style upstream. It runs as users run it: its default model (a claude-* name the model
 * map sends to the fake), its default betas, its full system prompt and tool set.
 *
 * Permissions: `--allowedTools Read,Edit,Write` with `--permission-mode acceptEdits`, not
 * `--dangerously-skip-permissions`: as root (our CI) that flag exits at once unless IS_SANDBOX=1 is set
 * (anthropics/claude-code#3490, #9184), and the scenarios need nothing beyond these three tools.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { baseEnv, jsonLines, makeSandbox, requireClient, runCli, type RunResult, type Sandbox } from './harness.js';
import { callsSoFar, conversation, isScenarioTurn, resetRecords, sideReply, startWorld, upstreamKinds, type Reply, type UpstreamBody, type World } from './upstream.js';

const RUN_TIMEOUT_MS = 60_000;
const client = requireClient('claude');

/** Environment names from Claude Code's docs (code.claude.com/docs/en/env-vars) and its privacy levels. */
function claudeEnv(world: World, box: Sandbox): Record<string, string> {
  return {
    ...baseEnv(box, world.proxy.url),
    CLAUDE_CONFIG_DIR: join(box.home, '.claude'),
    ANTHROPIC_BASE_URL: world.tap.baseUrl,
    ANTHROPIC_API_KEY: 'sk-ant-conformance-not-a-real-key',
    DISABLE_TELEMETRY: '1',
    DISABLE_ERROR_REPORTING: '1',
    DISABLE_AUTOUPDATER: '1',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    // A gateway error should fail the scenario in seconds, not after ten backed-off retries.
    CLAUDE_CODE_MAX_RETRIES: '1',
  };
}

interface ClaudeRun {
  run: RunResult;
  /** The `result` message (the whole output with --output-format json, the last line with stream-json). */
  result: Record<string, unknown>;
  events: Array<Record<string, unknown>>;
}

async function claude(world: World, box: Sandbox, prompt: string, format: 'json' | 'stream-json' = 'json'): Promise<ClaudeRun> {
  let run: RunResult | undefined;
  onTestFailed(() => console.error(world.diagnostics(run)));
  const args = ['-p', prompt, '--output-format', format, ...(format === 'stream-json' ? ['--verbose'] : [])];
  args.push('--allowedTools', 'Read,Edit,Write', '--permission-mode', 'acceptEdits', '--max-turns', '6', '--no-session-persistence');
  run = await runCli(client.bin, args, { cwd: box.work, env: claudeEnv(world, box), timeoutMs: RUN_TIMEOUT_MS });
  if (process.env.LYNKR_CONFORMANCE_VERBOSE) console.log(world.diagnostics(run));
  const events = jsonLines(run.stdout);
  const result = events.findLast((e) => e.type === 'result') ?? {};
  return { run, result, events };
}

/** Routes by content: the scenario's turns (marker + Claude Code's own tools) get `step`, side calls a short answer. */
function route(marker: string, step: (body: UpstreamBody) => Reply): (body: UpstreamBody) => Reply {
  return (body) => (isScenarioTurn(body, marker, 'Read') ? step(body) : sideReply(body));
}

/** Every tool result that reached the upstream in the scenario's own turns. */
const toolResultsSeen = (world: World): string[] =>
  world.chats().flatMap((b) => conversation(b).filter((t) => t.role === 'tool').map((t) => t.text));

for (const kind of upstreamKinds) {
  describe(`Claude Code ${client.version} through Lynkr to an ${kind}-style upstream`, { timeout: 90_000 }, () => {
    let world: World;
    let box: Sandbox;
    beforeAll(async () => {
      world = await startWorld(kind);
    });
    afterAll(async () => {
      await world?.close();
    });
    const fresh = (): Sandbox => {
      resetRecords(world);
      box?.close();
      box = makeSandbox('claude');
      return box;
    };
    afterAll(() => box?.close());
    // The isolation holds: nothing tried to leave loopback (a new client version phoning home shows up here).
    afterEach(() => expect(world.proxy.attempts, 'requests that tried to leave loopback').toEqual([]));

    it('answers a plain prompt (--output-format json)', async () => {
      const b = fresh();
      const answer = `Plain answer from the ${kind} fake: 42.`;
      world.reply(route('CONF-PLAIN', () => ({ text: answer })));
      const { run, result } = await claude(world, b, 'CONF-PLAIN: what is six times seven? Answer in one sentence.');
      expect(result.is_error, JSON.stringify(result)).toBe(false);
      expect(result.result).toBe(answer);
      expect(run.code).toBe(0);
      expect(world.chats().some((body) => isScenarioTurn(body, 'CONF-PLAIN', 'Read'))).toBe(true);
    });

    it('streams a plain answer (--output-format stream-json --verbose)', async () => {
      const b = fresh();
      const answer = `Streamed answer from the ${kind} fake.`;
      world.reply(route('CONF-STREAM', () => ({ text: answer })));
      const { run, result, events } = await claude(world, b, 'CONF-STREAM: say something short.', 'stream-json');
      expect(events.find((e) => e.type === 'system')?.subtype).toBe('init');
      const assistantText = events
        .filter((e) => e.type === 'assistant')
        .flatMap((e) => ((e.message as { content?: Array<{ type: string; text?: string }> }).content ?? []).filter((c) => c.type === 'text').map((c) => c.text));
      expect(assistantText.join('')).toBe(answer);
      expect(result.is_error, JSON.stringify(result)).toBe(false);
      expect(result.result).toBe(answer);
      expect(run.code).toBe(0);
    });

    it('reads a file with its Read tool and quotes it in the final answer', async () => {
      const b = fresh();
      const secret = `The launch code is 7-4-1-${kind}-pineapple.`;
      const file = join(b.work, 'notes.txt');
      writeFileSync(file, `${secret}\n`);
      world.reply(
        route('CONF-READ', (body) => {
          const read = callsSoFar(body).find((c) => c.name === 'Read');
          if (!read) return { toolCalls: [{ name: 'Read', arguments: { file_path: file } }] };
          return { text: read.result?.includes(secret) ? `The file says: ${secret}` : 'The Read result did not reach the model.' };
        }),
      );
      const { run, result } = await claude(world, b, 'CONF-READ: read notes.txt and tell me what it says.');
      expect(toolResultsSeen(world).some((t) => t.includes(secret)), 'the Read result reached the upstream').toBe(true);
      expect(result.is_error, JSON.stringify(result)).toBe(false);
      expect(result.result).toBe(`The file says: ${secret}`);
      expect(run.code).toBe(0);
    });

    it('edits a file with Read then Edit, checked on disk', async () => {
      const b = fresh();
      const file = join(b.work, 'greeting.txt');
      writeFileSync(file, 'hello world\nsecond line\n');
      world.reply(
        route('CONF-EDIT', (body) => {
          const calls = callsSoFar(body);
          if (!calls.some((c) => c.name === 'Read')) return { toolCalls: [{ name: 'Read', arguments: { file_path: file } }] };
          if (!calls.some((c) => c.name === 'Edit')) {
            return { toolCalls: [{ name: 'Edit', arguments: { file_path: file, old_string: 'hello world', new_string: `hello ${kind} conformance` } }] };
          }
          return { text: 'Done: the greeting is updated.' };
        }),
      );
      const { run, result } = await claude(world, b, 'CONF-EDIT: in greeting.txt, replace "hello world" with a greeting for the test.');
      expect(readFileSync(file, 'utf8')).toBe(`hello ${kind} conformance\nsecond line\n`);
      expect(world.chats().some((body) => callsSoFar(body).some((c) => c.name === 'Edit' && c.result !== undefined)), 'the Edit result reached the upstream').toBe(true);
      expect(result.is_error, JSON.stringify(result)).toBe(false);
      expect(result.result).toBe('Done: the greeting is updated.');
      expect(run.code).toBe(0);
    });
  });
}
