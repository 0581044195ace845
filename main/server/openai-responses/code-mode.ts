import { freeformInput } from './freeform.js';
import { parseToolDeclaration } from './ts-schema.js';

// Codex's "code mode". With a model whose catalog entry says `tool_mode: "code_mode_only"` (Codex 0.171's default,
// gpt-6.2-sol; openai/codex PR #25031 "Add model tool mode selector", and issue #33669: the catalog's tool_mode
// wins over `[features] code_mode`), Codex sends no `tools`: an `additional_tools` input item carries one free-form
// tool, `exec`, that runs JavaScript in a V8 isolate, where the real tools (exec_command, apply_patch, view_image,
// MCP tools…) are `await tools.<name>(args)`. They are listed only in exec's description, as TypeScript:
//
//   ### `exec_command`
//   Runs a command in a PTY, returning output or a session ID for ongoing interaction.
//
//   exec tool declaration:
//   ```ts
//   declare const tools: { exec_command(args: { // Shell command to execute.\n cmd: string; … }): Promise<…>; };
//   ```
//
// (captured from codex 0.171 against a recording server). Models other than OpenAI's don't write that JavaScript
// reliably, so the gateway offers each nested tool to the upstream as a plain function and turns the upstream's
// call into a one-line program for `exec` that calls it and prints its result (`text(...)` stringifies objects with
// JSON.stringify, per exec's description). Codex answers with a `custom_tool_call_output` ("Script completed…
// Output: <result>"); when Codex sends that call back in the conversation, the program is read back into the
// upstream's original call.

export const EXEC_TOOL = 'exec';

export interface NestedTool {
  name: string;
  description: string;
  /** JSON Schema of the argument object; undefined for a tool that takes one string (apply_patch). */
  parameters?: Record<string, unknown>;
}

const SECTION = /^### `([A-Za-z_$][\w$]*)`\n([\s\S]*?)\n*exec tool declaration:\n```ts\n([\s\S]*?)\n```/gm;
/** When a declaration can't be read: any object, with the declaration itself in the description. */
const ANY_OBJECT = { type: 'object', properties: {}, additionalProperties: true };

/** The tools declared in the description of Codex's `exec` tool, in their order. */
export function nestedTools(execDescription: string): NestedTool[] {
  const out: NestedTool[] = [];
  for (const m of execDescription.matchAll(SECTION)) {
    const [, name, description, declaration] = m;
    const parsed = parseToolDeclaration(declaration);
    if (parsed && parsed.name === name && parsed.param.type === 'string') {
      out.push({ name, description: description.trim() });
    } else if (parsed && parsed.name === name && parsed.param.type === 'object') {
      out.push({ name, description: description.trim(), parameters: parsed.param });
    } else {
      out.push({ name, description: `${description.trim()}\n\nArguments, as TypeScript:\n${declaration}`, parameters: ANY_OBJECT });
    }
  }
  return out;
}

/**
 * The program for `exec` that runs one call: `text(await tools.NAME(ARGS));`. ARGS is the upstream's JSON as is
 * (JSON is a JavaScript expression) or, for a tool that takes text, a string literal. Arguments that are not
 * JSON are passed as a string literal too, so nothing the upstream writes can become code; Codex then answers with
 * the tool's own complaint about its input.
 */
export function execProgram(tool: string, args: string, takesText: boolean): string {
  let literal: string;
  if (takesText) {
    literal = JSON.stringify(freeformInput(args));
  } else {
    // No arguments at all: an empty object (upstreams send '' for a call without parameters).
    literal = args.trim() || '{}';
    try {
      JSON.parse(literal);
    } catch {
      literal = JSON.stringify(args);
    }
  }
  return `text(await tools.${tool}(${literal}));`;
}

const PROGRAM = /^text\(await tools\.([A-Za-z_$][\w$]*)\(([\s\S]*)\)\);$/;

/** The call a program of execProgram made: the tool and its JSON arguments; undefined for any other program. */
export function readExecProgram(program: string): { tool: string; args: string } | undefined {
  const m = PROGRAM.exec(program.trim());
  if (!m) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(m[2]);
  } catch {
    return undefined;
  }
  return { tool: m[1], args: typeof value === 'string' ? JSON.stringify({ input: value }) : m[2] };
}
