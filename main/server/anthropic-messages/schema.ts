import { z } from 'zod';

// The Anthropic Messages request, as far as we translate it. Objects are loose: unknown fields are kept (so a
// same-format upstream receives the client's body as sent) and ignored by the translation.

const cacheControl = z.looseObject({ type: z.string() }).optional();

const base64Source = z.looseObject({ type: z.literal('base64'), media_type: z.string().min(1), data: z.string() });
const urlSource = z.looseObject({ type: z.literal('url'), url: z.string().min(1) });
const textSource = z.looseObject({ type: z.literal('text'), media_type: z.string().optional(), data: z.string() });
/** A document made of content blocks (citations use it). */
const contentSource = z.looseObject({
  type: z.literal('content'),
  content: z.union([z.string(), z.array(z.looseObject({ type: z.string(), text: z.string().optional() }))]),
});
/** Anthropic Files API references: only Anthropic itself can resolve them. */
const fileSource = z.looseObject({ type: z.literal('file'), file_id: z.string() });

export const textBlock = z.looseObject({ type: z.literal('text'), text: z.string(), cache_control: cacheControl });
const imageBlock = z.looseObject({
  type: z.literal('image'),
  source: z.discriminatedUnion('type', [base64Source, urlSource]),
});
const documentBlock = z.looseObject({
  type: z.literal('document'),
  source: z.discriminatedUnion('type', [base64Source, textSource, urlSource, contentSource, fileSource]),
  title: z.string().nullish(),
});
const toolResultBlock = z.looseObject({
  type: z.literal('tool_result'),
  tool_use_id: z.string().min(1),
  content: z
    .union([
      z.string(),
      z.array(
        z.union([
          z.discriminatedUnion('type', [textBlock, imageBlock, documentBlock]),
          // search_result and newer result blocks: native upstream only (see otherBlock below).
          z.looseObject({ type: z.string().refine((t) => t !== 'text' && t !== 'image' && t !== 'document', { message: 'invalid block', abort: true }) }),
        ]),
      ),
    ])
    .optional(),
  is_error: z.boolean().optional(),
});
const toolUseBlock = z.looseObject({
  type: z.literal('tool_use'),
  id: z.string().min(1),
  name: z.string().min(1),
  input: z.unknown(),
});
const thinkingBlock = z.looseObject({ type: z.literal('thinking'), thinking: z.string(), signature: z.string().optional() });
const redactedThinkingBlock = z.looseObject({ type: z.literal('redacted_thinking'), data: z.string() });

const knownBlock = z.discriminatedUnion('type', [
  textBlock,
  imageBlock,
  documentBlock,
  toolResultBlock,
  toolUseBlock,
  thinkingBlock,
  redactedThinkingBlock,
]);
const KNOWN_BLOCKS = new Set(['text', 'image', 'document', 'tool_result', 'tool_use', 'thinking', 'redacted_thinking']);
/**
 * Block types we do not translate (server_tool_use, web_search_tool_result, container_upload, newer ones): kept
 * for a native Anthropic upstream, dropped for others, never a 400 — clients such as Claude Code replay them.
 */
// `abort`: a known type that failed its own schema must report that schema's issue (zod 4 unions otherwise prefer the
// branch whose only issue is a non-aborting refinement).
const otherBlock = z.looseObject({ type: z.string().refine((t) => !KNOWN_BLOCKS.has(t), { message: 'unknown block type', abort: true }) });
export const contentBlock = z.union([knownBlock, otherBlock]);
export type AnthropicBlock = z.infer<typeof contentBlock>;
export type KnownBlock = z.infer<typeof knownBlock>;
export const isKnownBlock = (b: AnthropicBlock): b is KnownBlock => KNOWN_BLOCKS.has(b.type);

const message = z.looseObject({
  /**
   * `system` is Claude Code's mid-conversation system message (beta `mid-conversation-system-2026-04-07`; the SDK's
   * `SystemMessageParam`, content text only). Other roles are refused with Anthropic's own words (validate.ts).
   */
  role: z.enum(['user', 'assistant', 'system']),
  content: z.union([z.string(), z.array(contentBlock)]),
});

/** Custom tools carry `input_schema`; Anthropic server tools (`type: "web_search_…"`) only work natively. */
const tool = z.looseObject({
  name: z.string().min(1),
  type: z.string().optional(),
  description: z.string().optional(),
  input_schema: z.record(z.string(), z.unknown()).optional(),
});

const toolChoice = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('auto') }),
  z.looseObject({ type: z.literal('any') }),
  z.looseObject({ type: z.literal('none') }),
  z.looseObject({ type: z.literal('tool'), name: z.string().min(1) }),
]);

export const messagesRequestSchema = z.looseObject({
  model: z.string().min(1),
  max_tokens: z.number().int().positive(),
  messages: z.array(message),
  system: z.union([z.string(), z.array(textBlock)]).optional(),
  tools: z.array(tool).optional(),
  tool_choice: toolChoice.optional(),
  stop_sequences: z.array(z.string()).optional(),
  temperature: z.number().min(0).max(2).optional(),
  top_p: z.number().min(0).max(1).optional(),
  top_k: z.number().int().nonnegative().optional(),
  /** `enabled` (with budget_tokens), `adaptive` (Claude Code 2.1 on newer models, with `display`), `disabled`… */
  thinking: z
    .looseObject({ type: z.string(), budget_tokens: z.number().int().positive().optional() })
    .optional(),
  metadata: z.looseObject({ user_id: z.string().nullish() }).optional(),
  /**
   * `OutputConfig` of @anthropic-ai/sdk: `effort` (low…max) and `format` (a JSON schema; Claude Code asks for its
   * session titles this way). Loose: `task_budget` and later fields go to a native upstream as sent.
   */
  output_config: z
    .looseObject({
      effort: z.string().nullish(),
      format: z.looseObject({ type: z.string(), schema: z.record(z.string(), z.unknown()).optional() }).nullish(),
    })
    .nullish(),
  stream: z.boolean().optional(),
});
export type MessagesRequest = z.infer<typeof messagesRequestSchema>;

/**
 * Top-level Messages fields the internal request does not model but that shape the answer or where it is made
 * (MessageCreateParamsBase in @anthropic-ai/sdk, and the betas' `context_management` and `mcp_servers`): they travel as
 * `providerOptions.anthropic`. `metadata`, `stream`, `cache_control` (prompt caching) and account fields stay out.
 */
export const ANTHROPIC_OPTION_FIELDS = ['container', 'context_management', 'mcp_servers', 'service_tier', 'speed', 'inference_geo'] as const;

/** `POST /v1/messages/count_tokens`: the same body without `max_tokens`. */
export const countTokensSchema = messagesRequestSchema.omit({ max_tokens: true, stream: true });
export type CountTokensRequest = z.infer<typeof countTokensSchema>;
