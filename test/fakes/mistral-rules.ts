/**
 * What Mistral's chat API (api.mistral.ai/v1/chat/completions) refuses, for the fake in openai.ts started with
 * `dialect: 'mistral'`. Mistral validates with pydantic and forbids every field it does not define: 422
 * {"object":"error","message":{"detail":[{"type":"extra_forbidden","loc":["body","stream_options"],"msg":"Extra
 * inputs are not permitted","input":…}]},"type":"invalid_request_error","param":null,"code":null}
 * (bodies quoted in avante-corp/avante.nvim#2347 for stream_options, editor-code-assistant/eca#231 for
 * max_completion_tokens, Gage-Technologies/mistral-go#2 for a user message's `name`, charmbracelet/crush#1590
 * for an assistant's `reasoning_content`); a role it lacks (OpenAI's `developer`) fails its role-tagged union. A streamed answer carries usage without being asked (anon-kode#53).
 * The fields are those of the official SDK's request models: @mistralai/mistralai 2.7.0,
 * esm/models/components/chatcompletionrequest.d.ts (ChatCompletionRequest$Outbound, the stream request has the
 * same) and usermessage/systemmessage/assistantmessage/toolmessage.d.ts.
 */

const CHAT_FIELDS = new Set([
  'model', 'temperature', 'top_p', 'max_tokens', 'stream', 'stop', 'random_seed', 'metadata', 'messages',
  'response_format', 'tools', 'tool_choice', 'presence_penalty', 'frequency_penalty', 'n', 'prediction',
  'parallel_tool_calls', 'reasoning_effort', 'prompt_mode', 'guardrails', 'prompt_cache_key', 'service_tier', 'safe_prompt',
]);

const MESSAGE_FIELDS: Readonly<Record<string, ReadonlySet<string>>> = {
  system: new Set(['role', 'content']),
  user: new Set(['role', 'content']),
  assistant: new Set(['role', 'content', 'tool_calls', 'prefix']),
  tool: new Set(['role', 'content', 'tool_call_id', 'name']),
};

export interface MistralRefusal {
  status: 422;
  body: Record<string, unknown>;
}

function extraForbidden(loc: Array<string | number>, input: unknown): MistralRefusal {
  return {
    status: 422,
    body: {
      object: 'error',
      message: { detail: [{ type: 'extra_forbidden', loc: ['body', ...loc], msg: 'Extra inputs are not permitted', input }] },
      type: 'invalid_request_error',
      param: null,
      code: null,
    },
  };
}

function unknownRole(i: number, role: string, input: unknown): MistralRefusal {
  const tags = Object.keys(MESSAGE_FIELDS).sort().map((t) => `'${t}'`).join(', ');
  const refusal = extraForbidden(['messages', i], input);
  refusal.body.message = {
    detail: [{ type: 'union_tag_invalid', loc: ['body', 'messages', i], msg: `Input tag '${role}' found using 'role' does not match any of the expected tags: ${tags}`, input }],
  };
  return refusal;
}

/** The 422 Mistral would answer this chat body with (its first extra field), or undefined when it takes it. */
export function mistralRefusal(body: Record<string, unknown>): MistralRefusal | undefined {
  for (const [field, value] of Object.entries(body)) {
    if (!CHAT_FIELDS.has(field)) return extraForbidden([field], value);
  }
  const messages = Array.isArray(body.messages) ? (body.messages as Array<Record<string, unknown>>) : [];
  for (const [i, m] of messages.entries()) {
    const role = String(m?.role);
    const allowed = MESSAGE_FIELDS[role];
    // The messages are a union tagged by role: pydantic's union_tag_invalid (errors.pydantic.dev, v2 error types).
    if (!allowed) return unknownRole(i, role, m);
    for (const [field, value] of Object.entries(m)) {
      if (!allowed.has(field)) return extraForbidden(['messages', i, role, field], value);
    }
  }
  return undefined;
}
