/**
 * What the real OpenAI chat-completions API refuses, for the fake in openai.ts. Each rule answers 400 with the
 * real error body ({ error: { message, type: 'invalid_request_error', param, code } }); the source of each wording
 * is next to it. The model table is the fake's own (not the gateway's), so a gateway that forgets a limit fails.
 */

export interface OpenAIRefusal {
  status: number;
  error: { message: string; type: 'invalid_request_error'; param: string | null; code: string | null };
}

export interface FakeModelRules {
  /** Most completion tokens the model takes (max_tokens / max_completion_tokens). */
  maxOutput: number;
  /** Reasoning model: refuses max_tokens, takes reasoning_effort. */
  reasoning?: boolean;
}

/** Output limits from OpenAI's model pages (as mirrored by models.dev providers/openai/models/*.toml). */
export const FAKE_OPENAI_MODELS: Readonly<Record<string, FakeModelRules>> = {
  'gpt-4o': { maxOutput: 16_384 },
  'gpt-4o-mini': { maxOutput: 16_384 },
  'gpt-4.1': { maxOutput: 32_768 },
  'gpt-4.1-mini': { maxOutput: 32_768 },
  'gpt-4.1-nano': { maxOutput: 32_768 },
  'gpt-4-turbo': { maxOutput: 4_096 },
  o1: { maxOutput: 100_000, reasoning: true },
  o3: { maxOutput: 100_000, reasoning: true },
  'o3-mini': { maxOutput: 100_000, reasoning: true },
  'o4-mini': { maxOutput: 100_000, reasoning: true },
  'gpt-5': { maxOutput: 128_000, reasoning: true },
  'gpt-5-mini': { maxOutput: 128_000, reasoning: true },
  'gpt-5-nano': { maxOutput: 128_000, reasoning: true },
};

const refuse = (message: string, param: string | null, code: string | null): OpenAIRefusal => ({
  status: 400,
  error: { message, type: 'invalid_request_error', param, code },
});

// openai-node ChatCompletionMessageParam: developer | system | user | assistant | tool | function.
const ROLES = ['system', 'assistant', 'user', 'function', 'tool', 'developer'];

function messageRefusal(m: unknown, i: number): OpenAIRefusal | undefined {
  const msg = (m ?? {}) as { role?: unknown; content?: unknown };
  const role = String(msg.role);
  if (!ROLES.includes(role)) {
    // Real body: {"message":"Invalid value: 'wizard'. Supported values are: 'system', 'assistant', 'user',
    // 'function', 'tool', and 'developer'.","param":"messages[0].role","code":"invalid_value"} (OpenAI's answer as
    // recorded in Bifrost-proxied error bodies and user reports of an empty role, 2025).
    return refuse(`Invalid value: '${role}'. Supported values are: 'system', 'assistant', 'user', 'function', 'tool', and 'developer'.`, `messages[${i}].role`, 'invalid_value');
  }
  if (role === 'user' || !Array.isArray(msg.content)) return undefined;
  for (const [j, part] of (msg.content as Array<{ type?: unknown }>).entries()) {
    if (part?.type === 'image_url') {
      // Real: "Invalid 'messages[3]'. Image URLs are only allowed for messages with role 'user', but this message
      // with role 'tool' contains an image URL." (param messages[3], code invalid_value; strands-agents/sdk-python#320).
      return refuse(`Invalid 'messages[${i}]'. Image URLs are only allowed for messages with role 'user', but this message with role '${role}' contains an image URL.`, `messages[${i}]`, 'invalid_value');
    }
    // openai-node: tool, system and developer content is `string | ChatCompletionContentPartText[]`.
    if (role !== 'assistant' && part?.type !== 'text') {
      return refuse(`Invalid value: '${String(part?.type)}'. Supported values are: 'text'.`, `messages[${i}].content[${j}].type`, 'invalid_value');
    }
  }
  return undefined;
}

/** The 400 the real API would answer this chat body with, or undefined when it would accept it. */
export function chatRefusal(body: Record<string, unknown>, models: Readonly<Record<string, FakeModelRules>>): OpenAIRefusal | undefined {
  const messages = Array.isArray(body.messages) ? body.messages : [];
  for (const [i, m] of messages.entries()) {
    const r = messageRefusal(m, i);
    if (r) return r;
  }
  const hasTools = Array.isArray(body.tools) && body.tools.length > 0;
  if (body.parallel_tool_calls != null && !hasTools) {
    // Upsonic/Upsonic#323, router-for-me/CLIProxyAPI#3903.
    return refuse("Invalid value for 'parallel_tool_calls': 'parallel_tool_calls' is only allowed when 'tools' are specified.", 'parallel_tool_calls', null);
  }
  const rules = models[String(body.model)];
  if (!rules) return undefined;
  if (rules.reasoning && body.max_tokens != null) {
    // griptape-ai/ComfyUI-Griptape#312 (gpt-5), teilomillet/gollm#33 (o1, o3-mini).
    return refuse("Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.", 'max_tokens', 'unsupported_parameter');
  }
  if (!rules.reasoning && body.reasoning_effort != null) {
    // gpt-4o-mini: davidmigloz/langchain_dart#712 (param and code null).
    return refuse('Unrecognized request argument supplied: reasoning_effort', null, null);
  }
  for (const field of ['max_completion_tokens', 'max_tokens'] as const) {
    const n = body[field];
    if (typeof n === 'number' && n > rules.maxOutput) {
      // enoch3712/ExtractThinker#346 and others (gpt-4o, 32000): param max_tokens, code invalid_value.
      return refuse(`max_tokens is too large: ${n}. This model supports at most ${rules.maxOutput} completion tokens, whereas you provided ${n}.`, field, 'invalid_value');
    }
  }
  return undefined;
}
