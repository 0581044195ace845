import type OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execProgram, readExecProgram } from '../../main/server/openai-responses/code-mode.js';
import { openaiResponsesFormat } from '../../main/server/openai-responses/index.js';
import { parseToolDeclaration } from '../../main/server/openai-responses/ts-schema.js';
import type { FakeOllama } from '../fakes/ollama.js';
import type { FakeOpenAI } from '../fakes/openai.js';
import { startResponsesWorld, type ResponsesWorld } from './responses-world.js';

// Codex 0.171 with its default model (gpt-6.2-sol, `tool_mode: "code_mode_only"` in its bundled catalog) sends no
// `tools`: an `additional_tools` input item holds a `functions` namespace with the free-form `exec` tool (JavaScript)
// and a few direct functions, plus other namespaces. The real tools are declared in TypeScript inside exec's
// description. Captured from `codex exec` against a recording server (trimmed to three nested tools).

const DECLARATIONS = `Run JavaScript code to orchestrate/compose tool calls
- All nested tools are available on the global \`tools\` object, for example \`await tools.exec_command(...)\`.
- \`text(value: string | number | boolean | undefined | null)\`: Appends a text item. Non-string values are stringified with \`JSON.stringify(...)\` when possible.

### \`apply_patch\`
The \`apply_patch\` tool can be used to edit files. This is a FREEFORM tool, so do not wrap the patch in JSON.

exec tool declaration:
\`\`\`ts
declare const tools: { apply_patch(input: string): Promise<unknown>; };
\`\`\`

### \`exec_command\`
Runs a command in a PTY, returning output or a session ID for ongoing interaction.

exec tool declaration:
\`\`\`ts
declare const tools: { exec_command(args: {
  // Shell command to execute.
  cmd: string;
  // Reusable approval prefix for \`cmd\`, only with \`sandbox_permissions: "require_escalated"\`; for example ["git", "pull"].
  prefix_rule?: Array<string>;
  // Per-command sandbox override. Defaults to \`use_default\`; use \`require_escalated\` for unsandboxed execution.
  sandbox_permissions?: "use_default" | "require_escalated";
  // True allocates a PTY for the command; false or omitted uses plain pipes.
  tty?: boolean;
  // Wait before yielding output. Defaults to 10000 ms; effective range is 250-30000 ms.
  yield_time_ms?: number;
}): Promise<{
  // Command output text, possibly truncated.
  output: string;
  wall_time_seconds: number;
}>; };
\`\`\`

### \`view_image\`
View a local image file from the filesystem when visual inspection is needed.

exec tool declaration:
\`\`\`ts
declare const tools: { view_image(args: {
  // Local filesystem path to an image file.
  path: string;
}): Promise<{
  // Data URL for the loaded image.
  image_url: string;
}>; };
\`\`\`
`;

const EXEC_GRAMMAR = '\nstart: pragma_source | plain_source\npragma_source: PRAGMA_LINE NEWLINE SOURCE\nplain_source: SOURCE\n';
const fn = (name: string, properties: Record<string, unknown>, required: string[] = []) => ({
  type: 'function',
  name,
  description: `${name} tool`,
  strict: false,
  parameters: { type: 'object', properties, required, additionalProperties: false },
});
const ADDITIONAL_TOOLS = {
  type: 'additional_tools',
  id: 'at_01a24cd4',
  role: 'developer',
  tools: [
    {
      type: 'namespace',
      name: 'functions',
      description: '',
      tools: [
        { type: 'custom', name: 'exec', description: DECLARATIONS, format: { type: 'grammar', syntax: 'lark', definition: EXEC_GRAMMAR } },
        fn('wait', { cell_id: { type: 'string' } }, ['cell_id']),
      ],
    },
    { type: 'namespace', name: 'clock', description: 'Tools for reading and waiting on time.', tools: [fn('sleep', { duration_ms: { type: 'number' } }, ['duration_ms'])] },
  ],
};

function codeModeBody(model: string, stream: boolean, history: unknown[] = []): Record<string, unknown> {
  return {
    model,
    stream,
    tool_choice: 'auto',
    parallel_tool_calls: false,
    reasoning: { effort: 'low', context: 'all_turns' },
    store: false,
    include: ['reasoning.encrypted_content'],
    text: { verbosity: 'low' },
    input: [
      ADDITIONAL_TOOLS,
      { type: 'message', role: 'developer', content: [{ type: 'input_text', text: 'You are Codex.' }] },
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'show me notes.txt' }] },
      ...history,
    ],
  };
}

const CAT_PROGRAM = 'text(await tools.exec_command({"cmd":"cat notes.txt"}));';

describe('a code-mode request, parsed', () => {
  const { request } = openaiResponsesFormat.parse(codeModeBody('gpt-6.2-sol', true));

  it('offers the direct functions, namespaced ones as <namespace>__<name>, and exec’s nested tools; not exec itself', () => {
    expect(request.tools?.map((t) => t.name)).toEqual(['wait', 'clock__sleep', 'apply_patch', 'exec_command', 'view_image']);
  });

  it('reads the nested tools’ TypeScript declarations into JSON Schema, with the comments as descriptions', () => {
    const exec = request.tools?.find((t) => t.name === 'exec_command');
    expect(exec?.description).toBe('Runs a command in a PTY, returning output or a session ID for ongoing interaction.');
    expect(exec?.parameters).toEqual({
      type: 'object',
      required: ['cmd'],
      properties: {
        cmd: { type: 'string', description: 'Shell command to execute.' },
        prefix_rule: { type: 'array', items: { type: 'string' }, description: expect.stringMatching(/^Reusable approval prefix/) },
        sandbox_permissions: { type: 'string', enum: ['use_default', 'require_escalated'], description: expect.stringMatching(/^Per-command sandbox/) },
        tty: { type: 'boolean', description: expect.any(String) },
        yield_time_ms: { type: 'number', description: expect.any(String) },
      },
    });
    // A tool that takes one string (apply_patch) is a function of one `input`, without the "no JSON" wording.
    const patch = request.tools?.find((t) => t.name === 'apply_patch');
    expect(patch?.parameters).toMatchObject({ properties: { input: { type: 'string' } }, required: ['input'] });
    expect(patch?.description).not.toMatch(/FREEFORM|do not wrap/);
    expect(patch?.freeform).toBeUndefined();
  });

  it('the conversation: an exec program of the gateway’s is read back into its call; a namespaced call gets its prefix', () => {
    const { request: next } = openaiResponsesFormat.parse(
      codeModeBody('gpt-6.2-sol', true, [
        { type: 'custom_tool_call', id: 'ctc_1', call_id: 'call_1', name: 'exec', input: CAT_PROGRAM },
        { type: 'custom_tool_call_output', call_id: 'call_1', output: [{ type: 'input_text', text: 'Script completed\nOutput:\n' }, { type: 'input_text', text: '{"output":"hi\\n"}' }] },
        { type: 'function_call', id: 'fc_2', call_id: 'call_2', name: 'sleep', namespace: 'clock', arguments: '{"duration_ms":5}' },
        { type: 'function_call_output', call_id: 'call_2', output: 'Sleep completed.' },
        { type: 'custom_tool_call', call_id: 'call_3', name: 'exec', input: 'const r = await tools.view_image({path: "a.png"}); image(r);' },
      ]),
    );
    expect(next.messages.slice(2)).toEqual([
      { role: 'assistant', content: [], toolCalls: [{ id: 'call_1', name: 'exec_command', arguments: '{"cmd":"cat notes.txt"}' }] },
      { role: 'tool', toolCallId: 'call_1', content: [{ type: 'text', text: 'Script completed\nOutput:\n' }, { type: 'text', text: '{"output":"hi\\n"}' }] },
      { role: 'assistant', content: [], toolCalls: [{ id: 'call_2', name: 'clock__sleep', arguments: '{"duration_ms":5}' }] },
      { role: 'tool', toolCallId: 'call_2', content: [{ type: 'text', text: 'Sleep completed.' }] },
      // A program someone else wrote stays a call of exec with its text.
      { role: 'assistant', content: [], toolCalls: [{ id: 'call_3', name: 'exec', arguments: JSON.stringify({ input: 'const r = await tools.view_image({path: "a.png"}); image(r);' }) }] },
    ]);
  });
});

describe('exec programs and TypeScript declarations', () => {
  it('a call becomes one line that prints the result, and reads back the same; text tools get a string literal', () => {
    expect(execProgram('exec_command', '{"cmd":"cat notes.txt"}', false)).toBe(CAT_PROGRAM);
    expect(readExecProgram(CAT_PROGRAM)).toEqual({ tool: 'exec_command', args: '{"cmd":"cat notes.txt"}' });
    const patch = '*** Begin Patch\n*** Add File: a.txt\n+say "hi" `now` ${x}\n*** End Patch';
    const program = execProgram('apply_patch', JSON.stringify({ input: patch }), true);
    expect(program).toBe(`text(await tools.apply_patch(${JSON.stringify(patch)}));`);
    expect(readExecProgram(program)).toEqual({ tool: 'apply_patch', args: JSON.stringify({ input: patch }) });
  });

  it('arguments that are not JSON become a string literal, never code', () => {
    const program = execProgram('exec_command', '{"cmd": "ls"}); process.exit(1); ({', false);
    expect(program).toBe(`text(await tools.exec_command(${JSON.stringify('{"cmd": "ls"}); process.exit(1); ({')}));`);
    expect(execProgram('get_goal', '', false)).toBe('text(await tools.get_goal({}));');
  });

  it('nested objects, arrays of objects, records, unions with null, and index signatures', () => {
    const parsed = parseToolDeclaration(`declare const tools: { ask(args: {
      // Questions to show.
      questions: Array<{ id: string; options?: { label: string }[] }>;
      meta?: Record<string, number>;
      mode: "a" | "b" | null;
      extra: { [key: string]: boolean };
      'quoted-key'?: 1 | 2;
    }): Promise<unknown>; };`);
    expect(parsed).toEqual({
      name: 'ask',
      param: {
        type: 'object',
        required: ['questions', 'mode', 'extra'],
        properties: {
          questions: {
            type: 'array',
            description: 'Questions to show.',
            items: { type: 'object', required: ['id'], properties: { id: { type: 'string' }, options: { type: 'array', items: { type: 'object', required: ['label'], properties: { label: { type: 'string' } } } } } },
          },
          meta: { type: 'object', additionalProperties: { type: 'number' } },
          mode: { anyOf: [{ type: 'string', const: 'a' }, { type: 'string', const: 'b' }, { type: 'null' }] },
          extra: { type: 'object', properties: {}, additionalProperties: { type: 'boolean' } },
          'quoted-key': { type: 'number', enum: [1, 2] },
        },
      },
    });
    expect(parseToolDeclaration('no declaration here')).toBeUndefined();
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Through a real gateway: the upstream calls plain functions; Codex gets `exec` programs and namespaced calls.

let world: ResponsesWorld;
let oai: FakeOpenAI;
let ollama: FakeOllama;
let client: OpenAI;

beforeAll(async () => {
  world = await startResponsesWorld();
  ({ oai, ollama, client } = world);
});
afterAll(() => world?.close());

type StreamEvent = { type: string; item?: Record<string, unknown>; delta?: string; input?: string };
type SentTools = { tools?: Array<{ function: { name: string; parameters?: Record<string, unknown> } }> };

describe('code mode through the gateway', () => {
  it('OpenAI upstream, streamed: a call of exec_command reaches Codex as an exec program; clock__sleep as sleep in clock', async () => {
    oai.reply({
      toolCalls: [
        { name: 'exec_command', arguments: { cmd: 'cat notes.txt' }, id: 'call_cat' },
        { name: 'clock__sleep', arguments: { duration_ms: 5 }, id: 'call_sleep' },
      ],
      chunks: 4,
    });
    const stream = await client.responses.create(codeModeBody('oai/gpt-4o-mini', true) as unknown as OpenAI.Responses.ResponseCreateParamsStreaming);
    const events: StreamEvent[] = [];
    for await (const e of stream) events.push(e as StreamEvent);
    const done = events.filter((e) => e.type === 'response.output_item.done').map((e) => e.item);
    expect(done).toEqual([
      expect.objectContaining({ type: 'custom_tool_call', call_id: 'call_cat', name: 'exec', input: CAT_PROGRAM }),
      expect.objectContaining({ type: 'function_call', call_id: 'call_sleep', name: 'sleep', namespace: 'clock', arguments: '{"duration_ms":5}' }),
    ]);
    const added = events.find((e) => e.type === 'response.output_item.added')?.item;
    expect(added).toMatchObject({ type: 'custom_tool_call', name: 'exec', input: '' });
    expect(events.filter((e) => e.type === 'response.custom_tool_call_input.delta').map((e) => e.delta).join('')).toBe(CAT_PROGRAM);
    expect(events.find((e) => e.type === 'response.custom_tool_call_input.done')?.input).toBe(CAT_PROGRAM);
    expect(events.some((e) => e.type === 'response.function_call_arguments.delta' && e.delta?.includes('cat'))).toBe(false);
    expect(events.at(-1)?.type).toBe('response.completed');

    const sent = oai.requests.at(-1)!.body as SentTools;
    expect(sent.tools?.map((t) => t.function.name)).toEqual(['wait', 'clock__sleep', 'apply_patch', 'exec_command', 'view_image']);
    expect(sent.tools?.find((t) => t.function.name === 'exec_command')?.function.parameters).toMatchObject({ required: ['cmd'] });
  });

  it('Ollama upstream, not streamed: the exec program, and the next turn gives the upstream its own call and the output', async () => {
    ollama.reply({ toolCalls: [{ name: 'exec_command', arguments: { cmd: 'cat notes.txt' } }] });
    const first = await client.responses.create(codeModeBody('ollama/qwen2.5-coder:7b', false) as unknown as OpenAI.Responses.ResponseCreateParamsNonStreaming);
    const call = first.output.find((o) => o.type === 'custom_tool_call') as OpenAI.Responses.ResponseCustomToolCall | undefined;
    expect(call).toMatchObject({ name: 'exec', input: CAT_PROGRAM });
    expect((ollama.requests.at(-1)!.body as SentTools).tools?.map((t) => t.function.name)).toContain('exec_command');

    ollama.reply({ text: 'The file says hi.' });
    const second = await client.responses.create(
      codeModeBody('ollama/qwen2.5-coder:7b', false, [
        { type: 'custom_tool_call', call_id: call!.call_id, name: 'exec', input: call!.input },
        { type: 'custom_tool_call_output', call_id: call!.call_id, output: [{ type: 'input_text', text: 'Script completed\nOutput:\n{"output":"hi\\n","exit_code":0}' }] },
      ]) as unknown as OpenAI.Responses.ResponseCreateParamsNonStreaming,
    );
    expect(second.output_text).toBe('The file says hi.');
    const sent = ollama.requests.at(-1)!.body as { messages: Array<{ role: string; content: string; tool_calls?: Array<{ function: { name: string; arguments: unknown } }> }> };
    const assistant = sent.messages.find((m) => m.role === 'assistant');
    expect(assistant?.tool_calls?.[0].function).toEqual({ name: 'exec_command', arguments: { cmd: 'cat notes.txt' } });
    expect(sent.messages.find((m) => m.role === 'tool')?.content).toContain('"output":"hi\\n"');
  });
});
