import { z } from 'zod';

// The OpenAI Responses request (`POST /v1/responses`), as far as Codex CLI and the SDK use it. Loose objects:
// unknown fields are kept in the native body and ignored by the translation.

const inputText = z.looseObject({ type: z.literal('input_text'), text: z.string() });
const outputText = z.looseObject({ type: z.literal('output_text'), text: z.string() });
const refusal = z.looseObject({ type: z.literal('refusal'), refusal: z.string() });
const inputImage = z.looseObject({
  type: z.literal('input_image'),
  image_url: z.string().nullish(),
  file_id: z.string().nullish(),
});
const inputFile = z.looseObject({
  type: z.literal('input_file'),
  file_data: z.string().nullish(),
  file_id: z.string().nullish(),
  filename: z.string().nullish(),
});
export const contentPart = z.discriminatedUnion('type', [inputText, outputText, refusal, inputImage, inputFile]);
export type ResponsesPart = z.infer<typeof contentPart>;

/**
 * Function tools are flat (`{type, name, parameters}`); `custom` tools take free-form text, optionally constrained by
 * a grammar (`format: {type: "grammar", syntax: "lark" | "regex", definition}`, Codex's apply_patch); `namespace`
 * tools group functions (Codex's multi_agent_v1); hosted tools (web_search, tool_search, …) exist only at OpenAI.
 * Shapes: the `openai` package's responses.d.ts (FunctionTool, CustomTool, NamespaceTool) and shared.d.ts
 * (CustomToolInputFormat).
 */
const toolFields = {
  type: z.string(),
  name: z.string().optional(),
  description: z.string().nullish(),
  parameters: z.record(z.string(), z.unknown()).nullish(),
  strict: z.boolean().nullish(),
  format: z.looseObject({ type: z.string(), syntax: z.string().nullish(), definition: z.string().nullish() }).nullish(),
};
/** A namespace's `tools` are function and custom tools (NamespaceTool.tools). */
const tool = z.looseObject({ ...toolFields, tools: z.array(z.looseObject(toolFields)).nullish() });
export type ResponsesTool = z.infer<typeof tool>;

const messageItem = z.looseObject({
  type: z.literal('message').optional(),
  role: z.enum(['user', 'assistant', 'system', 'developer']),
  content: z.union([z.string(), z.array(contentPart)]),
});
/** `namespace`: the call of a tool inside a namespace tool (ResponseFunctionToolCall.namespace). */
const functionCallItem = z.looseObject({
  type: z.literal('function_call'),
  call_id: z.string().min(1),
  name: z.string().min(1),
  namespace: z.string().nullish(),
  arguments: z.string(),
});
const functionCallOutputItem = z.looseObject({
  type: z.literal('function_call_output'),
  call_id: z.string().min(1),
  output: z.union([z.string(), z.array(contentPart)]),
});
/** Reasoning items that Codex replays: useful only to the model that wrote them, so they are dropped. */
const reasoningItem = z.looseObject({ type: z.literal('reasoning') });

/** Calls of free-form `custom` tools (Codex's apply_patch): a function call whose one argument is `input`. */
const customToolCallItem = z.looseObject({
  type: z.literal('custom_tool_call'),
  call_id: z.string().min(1),
  name: z.string().min(1),
  namespace: z.string().nullish(),
  input: z.string(),
});
const customToolCallOutputItem = z.looseObject({
  type: z.literal('custom_tool_call_output'),
  call_id: z.string().min(1),
  output: z.union([z.string(), z.array(contentPart)]),
});

/**
 * Tools made available from this point of the conversation (responses.d.ts ResponseInputItem.AdditionalTools):
 * where Codex's code mode puts its tools instead of `tools`.
 */
const additionalToolsItem = z.looseObject({ type: z.literal('additional_tools'), tools: z.array(tool) });

const KNOWN_ITEMS = new Set(['message', 'function_call', 'function_call_output', 'custom_tool_call', 'custom_tool_call_output', 'reasoning', 'additional_tools']);
/**
 * Items of OpenAI's hosted tools (web_search_call, file_search_call, image_generation_call, …) that clients replay:
 * meaningful only to OpenAI, dropped for every other upstream rather than refused.
 */
const otherItem = z.looseObject({ type: z.string().refine((t) => !KNOWN_ITEMS.has(t), 'invalid item') });

const knownItem = z.union([messageItem, functionCallItem, functionCallOutputItem, customToolCallItem, customToolCallOutputItem, reasoningItem, additionalToolsItem]);
export const inputItem = z.union([knownItem, otherItem]);
export type ResponsesItem = z.infer<typeof inputItem>;
export type KnownItem = z.infer<typeof knownItem>;
/** Message items may omit `type`. */
export const isKnownItem = (i: ResponsesItem): i is KnownItem => i.type === undefined || KNOWN_ITEMS.has(i.type);


/**
 * responses.d.ts: ToolChoiceOptions | ToolChoiceFunction | ToolChoiceCustom | ToolChoiceAllowed, and the choices of
 * OpenAI's own tools (ToolChoiceTypes, ToolChoiceMcp, ToolChoiceApplyPatch, ToolChoiceShell), which no other upstream has.
 */
const NAMED_CHOICES = new Set(['function', 'custom', 'allowed_tools']);
const namedChoice = z.looseObject({ type: z.enum(['function', 'custom']), name: z.string().min(1) });
const allowedToolsChoice = z.looseObject({
  type: z.literal('allowed_tools'),
  mode: z.enum(['auto', 'required']),
  tools: z.array(z.looseObject({ type: z.string(), name: z.string().optional() })),
});
const toolChoice = z.union([
  z.enum(['auto', 'none', 'required']),
  namedChoice,
  allowedToolsChoice,
  z.looseObject({ type: z.string().refine((t) => !NAMED_CHOICES.has(t), 'invalid tool_choice') }),
]);
type ToolChoiceParam = z.infer<typeof toolChoice>;
/** The catch-all member refuses these types, so a choice of that type has passed their own schema. */
export const isNamedChoice = (c: ToolChoiceParam): c is z.infer<typeof namedChoice> => typeof c === 'object' && (c.type === 'function' || c.type === 'custom');
export const isAllowedToolsChoice = (c: ToolChoiceParam): c is z.infer<typeof allowedToolsChoice> => typeof c === 'object' && c.type === 'allowed_tools';

const textFormat = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('text') }),
  z.looseObject({ type: z.literal('json_object') }),
  z.looseObject({
    type: z.literal('json_schema'),
    name: z.string().min(1),
    schema: z.record(z.string(), z.unknown()),
    strict: z.boolean().nullish(),
  }),
]);

/**
 * What Codex 0.171 sends besides the conversation (a captured `codex exec` request): `reasoning: {effort, summary}`,
 * `parallel_tool_calls`, `text.verbosity`, `prompt_cache_key`, `store: false`, `include`, `client_metadata`. The
 * ones without an internal field are accepted and left out of the translation; none is a 400.
 */
export const responsesRequestSchema = z.looseObject({
  model: z.string().min(1),
  input: z.union([z.string(), z.array(inputItem)]),
  instructions: z.string().nullish(),
  tools: z.array(tool).nullish(),
  tool_choice: toolChoice.nullish(),
  parallel_tool_calls: z.boolean().nullish(),
  max_output_tokens: z.number().int().positive().nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  /** shared.d.ts Reasoning: `effort` is 'none' | 'minimal' | 'low' | 'medium' | 'high' | 'xhigh' | … (kept as sent). */
  reasoning: z.looseObject({ effort: z.string().nullish() }).nullish(),
  text: z.looseObject({ format: textFormat.nullish(), verbosity: z.string().nullish() }).nullish(),
  /** shared.d.ts: 'auto' | 'default' | 'flex' | 'scale' | 'priority'; kept as sent. */
  service_tier: z.string().max(32).nullish(),
  /** Server-side conversation state: we keep none, so this is refused with a clear message. */
  previous_response_id: z.string().nullish(),
  user: z.string().nullish(),
  stream: z.boolean().nullish(),
});
export type ResponsesRequest = z.infer<typeof responsesRequestSchema>;
