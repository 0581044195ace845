import { z } from 'zod';

// The OpenAI chat completions request as clients send it. Loose objects: unknown fields are ignored, not
// rejected (clients add vendor fields all the time); only what we translate is checked.

const textPart = z.looseObject({ type: z.literal('text'), text: z.string() });
const imagePart = z.looseObject({
  type: z.literal('image_url'),
  image_url: z.union([z.string(), z.looseObject({ url: z.string().min(1), detail: z.string().optional() })]),
});
const filePart = z.looseObject({
  type: z.literal('file'),
  file: z.looseObject({ file_data: z.string().optional(), filename: z.string().optional() }),
});
const userPart = z.discriminatedUnion('type', [textPart, imagePart, filePart]);

const textContent = z.union([z.string(), z.array(textPart)]);

const toolCall = z.looseObject({
  id: z.string(),
  type: z.literal('function').optional(),
  function: z.looseObject({ name: z.string().min(1), arguments: z.string().default('') }),
});

const systemMessage = z.looseObject({ role: z.enum(['system', 'developer']), content: textContent });
const userMessage = z.looseObject({ role: z.literal('user'), content: z.union([z.string(), z.array(userPart)]) });
const assistantMessage = z.looseObject({
  role: z.literal('assistant'),
  content: z.union([textContent, z.null()]).optional(),
  tool_calls: z.array(toolCall).optional(),
  reasoning_content: z.string().nullish(),
});
const toolMessage = z.looseObject({ role: z.literal('tool'), tool_call_id: z.string(), content: textContent });

export const chatMessageSchema = z.discriminatedUnion('role', [
  systemMessage,
  userMessage,
  assistantMessage,
  toolMessage,
]);

const functionTool = z.looseObject({
  type: z.literal('function'),
  function: z.looseObject({
    name: z.string().min(1).max(128),
    description: z.string().optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
  }),
});

export const chatRequestSchema = z.looseObject({
  model: z.string().max(512).optional(),
  messages: z.array(chatMessageSchema).min(1, 'messages must contain at least one message'),
  tools: z.array(functionTool).optional(),
  tool_choice: z
    .union([
      z.enum(['auto', 'none', 'required']),
      z.looseObject({ type: z.literal('function'), function: z.looseObject({ name: z.string() }) }),
    ])
    .optional(),
  response_format: z
    .union([
      z.looseObject({ type: z.enum(['text', 'json_object']) }),
      z.looseObject({
        type: z.literal('json_schema'),
        json_schema: z.looseObject({
          name: z.string().default('response'),
          schema: z.record(z.string(), z.unknown()).default({}),
          strict: z.boolean().nullish(),
        }),
      }),
    ])
    .optional(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  // OpenAI's range for the penalties (-2.0 to 2.0: node_modules/openai chat completions types). The other three are
  // llama.cpp / Ollama sampling options (Ollama's `Options`: top_k integer, min_p and repeat_penalty numbers) that
  // LibreChat sends through `addParams`; only their type and sign are checked.
  frequency_penalty: z.number().min(-2).max(2).nullish(),
  presence_penalty: z.number().min(-2).max(2).nullish(),
  top_k: z.number().int().nonnegative().nullish(),
  min_p: z.number().min(0).max(1).nullish(),
  repeat_penalty: z.number().nonnegative().nullish(),
  max_tokens: z.number().int().positive().nullish(),
  max_completion_tokens: z.number().int().positive().nullish(),
  stop: z.union([z.string(), z.array(z.string()).max(16)]).nullish(),
  seed: z.number().int().nullish(),
  user: z.string().max(256).optional(),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullish(),
  // ReasoningEffort in node_modules/openai (shared types): none, minimal, low, medium, high, xhigh; new levels appear
  // often, so any short word is accepted and each provider decides what it can take.
  reasoning_effort: z.string().max(32).nullish(),
  parallel_tool_calls: z.boolean().nullish(),
});

/**
 * OpenAI chat fields the internal request does not model but that shape the answer (ChatCompletionCreateParamsBase in
 * node_modules/openai): they travel as `providerOptions.openai`. Delivery and bookkeeping fields (stream,
 * stream_options, user, metadata, store, prompt_cache_key, prompt_cache_retention, safety_identifier) stay out.
 */
export const OPENAI_OPTION_FIELDS = [
  'reasoning_effort', 'parallel_tool_calls', 'logit_bias', 'logprobs', 'top_logprobs', 'modalities', 'audio',
  'prediction', 'service_tier', 'verbosity', 'web_search_options',
] as const;

/** The llama.cpp sampling knobs above, under Ollama's `options` names (the same names): `providerOptions.ollama.options`. */
export const OLLAMA_OPTION_FIELDS = ['min_p', 'repeat_penalty'] as const;

export type ChatCompletionBody = z.infer<typeof chatRequestSchema>;
export type ChatMessageBody = z.infer<typeof chatMessageSchema>;
