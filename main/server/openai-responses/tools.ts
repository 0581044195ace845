import { invalidRequest } from '../../core/errors.js';
import type { ToolDef } from '../../core/types.js';
import { EXEC_TOOL, nestedTools, readExecProgram } from './code-mode.js';
import { freeformToolDef } from './freeform.js';
import type { ResponsesItem, ResponsesRequest, ResponsesTool } from './schema.js';

// The tools an upstream model can call, from every place Codex puts them, and how each call goes back to Codex:
//   - `tools`: function tools; free-form `custom` tools (apply_patch), sent as a function taking `input`;
//   - `namespace` tools (multi_agent_v1, clock…): each function inside is offered as `<namespace>__<name>` and
//     its call goes back as a function_call with `namespace` (responses.d.ts ResponseFunctionToolCall.namespace).
//     `functions` is the default namespace: its tools keep their own names, and their calls carry no namespace;
//   - `additional_tools` input items (responses.d.ts ResponseInputItem.AdditionalTools: tools made available at
//     that point of the conversation), where Codex's code mode puts its tools;
//   - the nested tools of code mode's `exec` (code-mode.ts), whose calls go back as an `exec` program.
// Hosted tools (web_search, tool_search, …) run inside OpenAI; no other upstream can execute them.

export type CallRoute =
  | { kind: 'function'; name: string; namespace?: string }
  | { kind: 'custom'; name: string; namespace?: string }
  | { kind: 'exec'; tool: string; takesText: boolean };

/** How each ToolDef of a parsed request is called by the client (ToolDefs are the request's own objects). */
const routes = new WeakMap<ToolDef, CallRoute>();

const DEFAULT_NAMESPACE = 'functions';
export const upstreamName = (name: string, namespace?: string | null): string =>
  namespace && namespace !== DEFAULT_NAMESPACE ? `${namespace}__${name}` : name;
const clientNamespace = (namespace: string | undefined): { namespace?: string } =>
  namespace && namespace !== DEFAULT_NAMESPACE ? { namespace } : {};

/** How the client expects a call of the upstream's tool `name`: the request's route, else by the tool's kind. */
export function routeOf(tools: readonly ToolDef[] | undefined, name: string): CallRoute {
  const def = tools?.find((t) => t.name === name);
  const route = def && routes.get(def);
  if (route) return route;
  return def?.freeform ? { kind: 'custom', name } : { kind: 'function', name };
}

function register(out: Map<string, ToolDef>, def: ToolDef, route: CallRoute): void {
  if (out.has(def.name)) return;
  routes.set(def, route);
  out.set(def.name, def);
}

function addTool(out: Map<string, ToolDef>, t: ResponsesTool, namespace: string | undefined, codeMode: string[]): void {
  if (t.type === 'namespace') {
    for (const child of t.tools ?? []) addTool(out, child as ResponsesTool, t.name, codeMode);
    return;
  }
  if (t.type === 'custom' && t.name) {
    const name = upstreamName(t.name, namespace);
    // Code mode's exec is not offered: its nested tools are, after every direct tool (which win a name clash).
    if (t.name === EXEC_TOOL && t.description?.includes('exec tool declaration:')) {
      codeMode.push(t.description);
      return;
    }
    register(out, freeformToolDef({ ...t, name }), { kind: 'custom', name: t.name, ...clientNamespace(namespace) });
    return;
  }
  if (t.type !== 'function') return;
  if (!t.name) throw invalidRequest('a function tool needs a name', 'tools');
  const def: ToolDef = { name: upstreamName(t.name, namespace), parameters: t.parameters ?? { type: 'object', properties: {} } };
  if (t.description) def.description = t.description;
  register(out, def, { kind: 'function', name: t.name, ...clientNamespace(namespace) });
}

/** Every tool of the request, from `tools` and the `additional_tools` items, as the upstream sees them. */
export function toTools(body: ResponsesRequest): ToolDef[] {
  const out = new Map<string, ToolDef>();
  const codeMode: string[] = [];
  const all = [...(body.tools ?? [])];
  if (Array.isArray(body.input)) for (const item of body.input) if (isAdditionalTools(item)) all.push(...item.tools);
  for (const t of all) addTool(out, t, undefined, codeMode);
  for (const description of codeMode) {
    for (const nested of nestedTools(description)) {
      const takesText = nested.parameters === undefined;
      const def: ToolDef = takesText
        ? freeformToolDef({ type: 'custom', name: nested.name, description: nested.description })
        : { name: nested.name, description: nested.description, parameters: nested.parameters ?? {} };
      // The upstream calls it as a function in both cases; the client gets an exec program.
      delete def.freeform;
      register(out, def, { kind: 'exec', tool: nested.name, takesText });
    }
  }
  return [...out.values()];
}

const isAdditionalTools = (item: ResponsesItem): item is ResponsesItem & { type: 'additional_tools'; tools: ResponsesTool[] } =>
  item.type === 'additional_tools' && Array.isArray((item as { tools?: unknown }).tools);

/** A call from the conversation as the upstream made it: exec programs of ours are read back into their call. */
export function upstreamCall(item: { type: string; name: string; namespace?: string | null; arguments?: string; input?: string }): { name: string; arguments: string } {
  if (item.type === 'function_call') return { name: upstreamName(item.name, item.namespace), arguments: item.arguments ?? '' };
  const input = item.input ?? '';
  if (item.name === EXEC_TOOL && !item.namespace) {
    const call = readExecProgram(input);
    if (call) return { name: call.tool, arguments: call.args };
  }
  return { name: upstreamName(item.name, item.namespace), arguments: JSON.stringify({ input }) };
}
