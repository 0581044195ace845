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

const messageItem = z.looseObject({
  type: z.literal('message').optional(),
  role: z.enum(['user', 'assistant', 'system', 'developer']),
  content: z.union([z.string(), z.array(contentPart)]),
});
const functionCallItem = z.looseObject({
  type: z.literal('function_call'),
  call_id: z.string().min(1),
  name: z.string().min(1),
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
  input: z.string(),
});
const customToolCallOutputItem = z.looseObject({
  type: z.literal('custom_tool_call_output'),
  call_id: z.string().min(1),
  output: z.union([z.string(), z.array(contentPart)]),
});

const KNOWN_ITEMS = new Set(['message', 'function_call', 'function_call_output', 'custom_tool_call', 'custom_tool_call_output', 'reasoning']);
/**
 * Items of OpenAI's hosted tools (web_search_call, file_search_call, image_generation_call, …) that clients replay:
 * meaningful only to OpenAI, dropped for every other upstream rather than refused.
 */
const otherItem = z.looseObject({ type: z.string().refine((t) => !KNOWN_ITEMS.has(t), 'invalid item') });

const knownItem = z.union([messageItem, functionCallItem, functionCallOutputItem, customToolCallItem, customToolCallOutputItem, reasoningItem]);
export const inputItem = z.union([knownItem, otherItem]);
export type ResponsesItem = z.infer<typeof inputItem>;
export type KnownItem = z.infer<typeof knownItem>;
/** Message items may omit `type`. */
export const isKnownItem = (i: ResponsesItem): i is KnownItem => i.type === undefined || KNOWN_ITEMS.has(i.type);

/**
 * Function tools are flat (`{type, name, parameters}`); `custom` tools take free-form text; hosted tools
 * (web_search, …) exist only at OpenAI.
 */
const tool = z.looseObject({
  type: z.string(),
  name: z.string().optional(),
  description: z.string().nullish(),
  parameters: z.record(z.string(), z.unknown()).nullish(),
  strict: z.boolean().nullish(),
});

const toolChoice = z.union([
  z.enum(['auto', 'none', 'required']),
  z.looseObject({ type: z.literal('function'), name: z.string().min(1) }),
]);

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

export const responsesRequestSchema = z.looseObject({
  model: z.string().min(1),
  input: z.union([z.string(), z.array(inputItem)]),
  instructions: z.string().nullish(),
  tools: z.array(tool).optional(),
  tool_choice: toolChoice.optional(),
  max_output_tokens: z.number().int().positive().nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  text: z.looseObject({ format: textFormat.optional() }).optional(),
  /** Server-side conversation state: we keep none, so this is refused with a clear message. */
  previous_response_id: z.string().nullish(),
  user: z.string().optional(),
  stream: z.boolean().nullish(),
});
export type ResponsesRequest = z.infer<typeof responsesRequestSchema>;
