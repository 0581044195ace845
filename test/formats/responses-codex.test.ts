import type OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayError } from '../../main/core/errors.js';
import type { ChatRequest } from '../../main/core/types.js';
import { openaiResponsesFormat } from '../../main/server/openai-responses/index.js';
import type { FakeOllama } from '../fakes/ollama.js';
import type { FakeOpenAI } from '../fakes/openai.js';
import type { TestGateway } from '../helpers/gateway.js';
import { startResponsesWorld, type ResponsesWorld } from './responses-world.js';

// A request shaped like the ones Codex CLI 0.171 sends (captured from `codex exec` against a recording server with
// `wire_api = "responses"`; trimmed): reasoning.effort, parallel_tool_calls, text.verbosity, prompt_cache_key,
// store, include, client_metadata; function, custom (apply_patch with its lark grammar), namespace, tool_search and
// web_search tools; developer messages; a view_image call whose function_call_output is an input_image.

const GRAMMAR = 'start: begin_patch hunk+ end_patch\nbegin_patch: "*** Begin Patch" LF\nend_patch: "*** End Patch" LF?\n%import common.LF\n';
const APPLY_PATCH = {
  type: 'custom',
  name: 'apply_patch',
  description: 'The `apply_patch` tool can be used to edit files. This is a FREEFORM tool, so do not wrap the patch in JSON.',
  format: { type: 'grammar', syntax: 'lark', definition: GRAMMAR },
};
const PNG = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
const fn = (name: string, properties: Record<string, unknown>) => ({ type: 'function', name, description: `${name} tool`, strict: false, parameters: { type: 'object', properties, additionalProperties: false } });

function codexBody(model: string, stream: boolean): Record<string, unknown> {
  return {
    model,
    stream,
    tool_choice: 'auto',
    parallel_tool_calls: false,
    reasoning: { effort: 'high', summary: 'auto' },
    store: false,
    include: ['reasoning.encrypted_content'],
    prompt_cache_key: '01a24cb7-9bbf-70e1-8fff-a09e5bcd42e3',
    text: { verbosity: 'low' },
    client_metadata: { 'x-codex-turn-metadata': '{"turn_id":"t1"}' },
    tools: [
      fn('exec_command', { cmd: { type: 'string' } }),
      APPLY_PATCH,
      fn('view_image', { path: { type: 'string' } }),
      { type: 'namespace', name: 'multi_agent_v1', description: 'Sub-agents.', tools: [fn('close_agent', { target: { type: 'string' } })] },
      { type: 'tool_search', execution: 'client', description: '# Tool discovery', parameters: { type: 'object', properties: { query: { type: 'string' } } } },
      { type: 'web_search', external_web_access: false, search_content_types: ['text', 'image'] },
    ],
    input: [
      { type: 'message', id: 'msg_dev', role: 'developer', content: [{ type: 'input_text', text: 'You are Codex.' }] },
      { type: 'message', id: 'msg_u', role: 'user', content: [{ type: 'input_text', text: 'look at x.png, then fix a.txt' }] },
      { type: 'function_call', status: 'completed', id: 'fc_1', name: 'view_image', arguments: '{"path":"x.png"}', call_id: 'call_img' },
      { type: 'function_call_output', id: 'fco_1', call_id: 'call_img', output: [{ type: 'input_image', image_url: PNG, detail: 'original' }] },
    ],
  };
}

describe('a Codex request, parsed', () => {
  const { request } = openaiResponsesFormat.parse(codexBody('gpt-5.5', true));

  it('carries reasoning.effort and parallel_tool_calls; accepts verbosity, prompt_cache_key, store, include', () => {
    expect(request).toMatchObject({ toolChoice: 'auto', stream: true });
    // Under OpenAI chat's names, for whichever OpenAI-wire upstream serves it (Ollama reads the effort as `think`).
    expect(request.providerOptions).toEqual({ openai: { reasoning_effort: 'high', parallel_tool_calls: false, verbosity: 'low' } });
  });

  it('keeps the tools an upstream can run: functions, and apply_patch as a function taking `input`', () => {
    expect(request.tools?.map((t) => t.name)).toEqual(['exec_command', 'apply_patch', 'view_image', 'multi_agent_v1__close_agent']);
    const patch = request.tools![1];
    expect(patch).toMatchObject({ freeform: true, parameters: { properties: { input: { type: 'string' } }, required: ['input'] } });
    // The wording that forbids JSON is gone; the model is told to use `input`, and sees the grammar.
    expect(patch.description).not.toMatch(/FREEFORM|do not wrap|JSON\./);
    expect(patch.description).toMatch(/^The `apply_patch` tool can be used to edit files\.\n\nCall this tool with one argument, `input`/);
    expect(patch.description).toContain(`lark grammar:\n${GRAMMAR}`);
  });

  it('an image in function_call_output is an image part of the tool message', () => {
    expect(request.messages).toEqual([
      { role: 'system', content: [{ type: 'text', text: 'You are Codex.' }] },
      { role: 'user', content: [{ type: 'text', text: 'look at x.png, then fix a.txt' }] },
      { role: 'assistant', content: [], toolCalls: [{ id: 'call_img', name: 'view_image', arguments: '{"path":"x.png"}' }] },
      { role: 'tool', toolCallId: 'call_img', content: [{ type: 'image', url: PNG }] },
    ]);
    const mixed = openaiResponsesFormat.parse({
      model: 'm',
      input: [{ type: 'function_call_output', call_id: 'c', output: [{ type: 'input_text', text: 'the screenshot:' }, { type: 'input_image', image_url: PNG }] }],
    }).request;
    expect(mixed.messages[0].content).toEqual([{ type: 'text', text: 'the screenshot:' }, { type: 'image', url: PNG }]);
  });
});

describe('tool_choice and free-form descriptions', () => {
  const parse = (body: Record<string, unknown>): ChatRequest => openaiResponsesFormat.parse({ model: 'm', input: 'x', ...body }).request;
  const tools = [fn('a', {}), fn('b', {}), APPLY_PATCH];

  it('custom and function choices name the tool; allowed_tools keeps only those tools; hosted choices are auto', () => {
    expect(parse({ tools, tool_choice: { type: 'custom', name: 'apply_patch' } }).toolChoice).toEqual({ name: 'apply_patch' });
    expect(parse({ tools, tool_choice: { type: 'function', name: 'a' } }).toolChoice).toEqual({ name: 'a' });
    const allowed = parse({ tools, tool_choice: { type: 'allowed_tools', mode: 'required', tools: [{ type: 'function', name: 'b' }, { type: 'custom', name: 'apply_patch' }] } });
    expect(allowed.toolChoice).toBe('required');
    expect(allowed.tools?.map((t) => t.name)).toEqual(['b', 'apply_patch']);
    for (const type of ['web_search_preview', 'file_search', 'shell', 'apply_patch']) expect(parse({ tools, tool_choice: { type } }).toolChoice).toBe('auto');
    expect(parse({ tools, tool_choice: { type: 'mcp', server_label: 'x' } }).toolChoice).toBe('auto');
  });

  it('a function or custom choice without a name is a 400 naming tool_choice', () => {
    for (const tool_choice of [{ type: 'function' }, { type: 'custom' }, { type: 'allowed_tools', mode: 'sometimes', tools: [] }, 'always']) {
      const err = (() => {
        try {
          parse({ tools, tool_choice });
        } catch (e) {
          return e;
        }
      })();
      expect(err).toBeInstanceOf(GatewayError);
      expect(err).toMatchObject({ status: 400, param: expect.stringMatching(/^tool_choice/) });
    }
  });

  it('strips only the sentences that forbid JSON or call the tool free-form', () => {
    const describe = (description: string): string | undefined => parse({ tools: [{ type: 'custom', name: 't', description }] }).tools?.[0].description;
    expect(describe("Runs a patch. Don't send JSON! Never JSON-encode it.\nEdits JSON files too.")).toMatch(/^Runs a patch\.\nEdits JSON files too\.\n\nCall this tool/);
    expect(describe('Free-form input. The input is FREEFORM, never JSON.')).toMatch(/^Free-form input\.\n\nCall this tool/);
    expect(parse({ tools: [{ type: 'custom', name: 't', format: { type: 'grammar', syntax: 'regex', definition: '^\\d+$' } }] }).tools?.[0].description).toMatch(/^Call this tool[^]*regular expression:\n\^\\d\+\$$/);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Through a real gateway, with the openai SDK and raw fetch (Codex itself speaks raw HTTP).

let world: ResponsesWorld;
let gw: TestGateway;
let oai: FakeOpenAI;
let ollama: FakeOllama;
let client: OpenAI;

beforeAll(async () => {
  world = await startResponsesWorld();
  ({ gw, oai, ollama, client } = world);
});
afterAll(() => world?.close());

const PATCH = '*** Begin Patch\n*** Update File: a.txt\n@@\n-old "line"\n+new \\ line\n*** End Patch';
type Sent = { messages: Array<{ role: string; content: unknown; tool_call_id?: string }>; tools: Array<{ function: { name: string; description?: string } }> } & Record<string, unknown>;

describe('a Codex request through the gateway', () => {
  it('OpenAI upstream: reasoning_effort, parallel_tool_calls and apply_patch reach it; the tool image follows as a user image part', async () => {
    oai.reply({ toolCalls: [{ name: 'apply_patch', arguments: { input: PATCH }, id: 'call_patch' }], chunks: 5 });
    const stream = await client.responses.create(codexBody('oai/gpt-5.5', true) as unknown as OpenAI.Responses.ResponseCreateParamsStreaming);
    const events: Array<{ type: string; item?: Record<string, unknown>; response?: OpenAI.Responses.Response }> = [];
    for await (const e of stream) events.push(e as (typeof events)[number]);
    expect(events.find((e) => e.type === 'response.output_item.done')?.item).toMatchObject({ type: 'custom_tool_call', call_id: 'call_patch', name: 'apply_patch', input: PATCH });
    expect(events.at(-1)?.type).toBe('response.completed');

    const sent = oai.requests.at(-1)!.body as Sent;
    expect(sent).toMatchObject({ reasoning_effort: 'high', parallel_tool_calls: false, verbosity: 'low', stream: true });
    expect(sent.tools.map((t) => t.function.name)).toEqual(['exec_command', 'apply_patch', 'view_image', 'multi_agent_v1__close_agent']);
    expect(sent.tools[1].function.description).not.toMatch(/do not wrap the patch in JSON/);
    expect(sent.tools[1].function.description).toMatch(/one argument, `input`/);
    const toolAt = sent.messages.findIndex((m) => m.role === 'tool');
    expect(sent.messages[toolAt]).toMatchObject({ role: 'tool', tool_call_id: 'call_img' });
    expect(sent.messages[toolAt + 1]).toMatchObject({ role: 'user', content: expect.arrayContaining([{ type: 'image_url', image_url: expect.objectContaining({ url: PNG }) }]) });
  });

  it('OpenAI upstream, not streamed, by raw fetch: the answer and what a non-reasoning model is not sent', async () => {
    oai.reply({ text: 'Patched.' });
    const res = await fetch(`${gw.baseUrl}/v1/responses`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(codexBody('oai/gpt-4o-mini', false)) });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ object: 'response', status: 'completed', output_text: 'Patched.' });
    const sent = oai.requests.at(-1)!.body as Sent;
    // OpenAI refuses reasoning_effort for gpt-4o-mini; the gateway names what it left out.
    expect(sent.reasoning_effort).toBeUndefined();
    expect(res.headers.get('x-lynkr-dropped')).toMatch(/reasoning_effort/);
    expect(sent.parallel_tool_calls).toBe(false);
  });

  it('Ollama upstream: the tool image goes with the tool message; the patch call comes back as custom_tool_call', async () => {
    ollama.reply({ toolCalls: [{ name: 'apply_patch', arguments: { input: PATCH } }] });
    const r = await client.responses.create(codexBody('ollama/qwen2.5-coder:7b', false) as unknown as OpenAI.Responses.ResponseCreateParamsNonStreaming);
    expect(r.output.find((o) => o.type === 'custom_tool_call')).toMatchObject({ name: 'apply_patch', input: PATCH });
    const sent = ollama.requests.at(-1)!.body as { messages: Array<{ role: string; images?: string[] }>; tools: Array<{ function: { name: string; description: string } }> };
    expect(sent.messages.find((m) => m.role === 'tool')?.images).toEqual([PNG.slice('data:image/png;base64,'.length)]);
    expect(sent.tools.map((t) => t.function.name)).toEqual(['exec_command', 'apply_patch', 'view_image', 'multi_agent_v1__close_agent']);
    expect(sent.tools[1].function.description).not.toMatch(/FREEFORM/);
  });
});

describe('errors in the OpenAI envelope', () => {
  it('a bad tool_choice is a 400 naming the field', async () => {
    await expect(client.responses.create({ model: 'oai/gpt-4o-mini', input: 'x', tool_choice: { type: 'function' } as unknown as OpenAI.Responses.ToolChoiceFunction })).rejects.toMatchObject({
      status: 400,
      error: { type: 'invalid_request_error', param: expect.stringMatching(/^tool_choice/) },
    });
  });

  it('an upstream 500 is a 502 (a 5xx: Codex retries those) as upstream_error naming the provider; mid-stream it is error + response.failed', async () => {
    oai.setFault({ status: 500, body: { error: { message: 'boom', type: 'server_error' } } }, { times: 1 });
    const res = await fetch(`${gw.baseUrl}/v1/responses`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'oai/gpt-4o-mini', input: 'x' }) });
    expect(res.status).toBe(502);
    expect(await res.json()).toMatchObject({ error: { type: 'upstream_error', message: expect.stringMatching(/^oai returned HTTP 500/), param: null, provider: 'oai' } });

    oai.reply({ text: 'one two three four' });
    oai.setFault('cut-mid-stream', { times: 1, afterChunks: 2 });
    const stream = await client.responses.create({ model: 'oai/gpt-4o-mini', input: 'x', stream: true });
    const events: Array<{ type: string; code?: string; response?: { status: string; error: { code: string } } }> = [];
    for await (const e of stream) events.push(e as (typeof events)[number]);
    expect(events.at(-2)).toMatchObject({ type: 'error', code: expect.any(String) });
    expect(events.at(-1)).toMatchObject({ type: 'response.failed', response: { status: 'failed', error: { code: events.at(-2)!.code } } });
  });
});
