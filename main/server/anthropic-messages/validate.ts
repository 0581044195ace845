import type { z } from 'zod';
import { invalidRequest } from '../../core/errors.js';
import { validateBody } from '../validation.js';

// Validation errors worded as Anthropic words them, so that clients which match on the wording keep working.
// Anthropic's API validates with pydantic: `<dotted.path>: <pydantic message>` (e.g. `max_tokens: Field required`,
// https://github.com/lobehub/lobehub/issues/1765 and others quote them), and roles get a sentence of their own.
// Claude Code 2.1.197 drops its mid-conversation system messages and retries only when a 400 says both
// "Unexpected role" and "input message role" (function MBn in its bundled cli), which is Anthropic's text below.

/** Anthropic's answer to `role: "system"` inside `messages` when the model / beta does not take it. */
export const unexpectedSystemRole = (): string =>
  'messages: Unexpected role "system". The Messages API accepts a top-level `system` parameter, not "system" as an input message role.';

/** Anthropic's answer to other roles (quoted in mark3labs/mcphost#36, swarmauri-sdk#733). */
export function unexpectedRole(role: string): string {
  const base = `messages: Unexpected role ${JSON.stringify(role)}. Allowed roles are "user" or "assistant".`;
  return role === 'tool' ? `${base} For instructions on how to use tools, see https://docs.anthropic.com/en/docs/tool-use.` : base;
}

/** The roles we serve: Anthropic's two, plus mid-conversation `system` (Claude Code's beta; see parse.ts). */
const ROLES = new Set(['user', 'assistant', 'system']);

interface Issue {
  code: string;
  path: PropertyKey[];
  message: string;
  expected?: string;
  minimum?: number | bigint;
  maximum?: number | bigint;
  inclusive?: boolean;
  origin?: string;
  values?: unknown[];
  errors?: Issue[][];
}

const TYPE_NAMES: Record<string, string> = {
  string: 'a valid string',
  number: 'a valid number',
  int: 'a valid integer',
  boolean: 'a valid boolean',
  array: 'a valid list',
  object: 'a valid dictionary',
};

/** A zod issue as pydantic would word it. */
function pydanticMessage(issue: Issue): string {
  switch (issue.code) {
    case 'invalid_type':
      if (/received undefined/.test(issue.message)) return 'Field required';
      return `Input should be ${TYPE_NAMES[issue.expected ?? ''] ?? `a valid ${issue.expected}`}`;
    case 'too_small':
      if (issue.origin === 'string') return `String should have at least ${issue.minimum} character${issue.minimum === 1 ? '' : 's'}`;
      if (issue.origin === 'array') return `List should have at least ${issue.minimum} item${issue.minimum === 1 ? '' : 's'}`;
      return `Input should be greater than ${issue.inclusive ? 'or equal to ' : ''}${issue.minimum}`;
    case 'too_big':
      return `Input should be less than ${issue.inclusive ? 'or equal to ' : ''}${issue.maximum}`;
    case 'invalid_value': {
      const values = (issue.values ?? []).map((v) => `'${String(v)}'`);
      return `Input should be ${values.length > 1 ? `${values.slice(0, -1).join(', ')} or ${values.at(-1)}` : values[0]}`;
    }
    default:
      return issue.message;
  }
}

/**
 * A union's first issue says only "Invalid input"; the branch that got furthest says what is wrong. Refinements
 * (our catch-all block branches) are the least informative and lose ties.
 */
function deepest(issue: Issue): Issue {
  if (issue.code !== 'invalid_union' || !issue.errors?.length) return issue;
  const score = (i: Issue): number => i.path.length * 2 + (i.code === 'custom' ? 0 : 1);
  let best: Issue | undefined;
  for (const branch of issue.errors) {
    const first = branch[0];
    if (first && (!best || score(first) > score(best))) best = first;
  }
  if (!best) return issue;
  const inner = deepest(best);
  return { ...inner, path: [...issue.path, ...inner.path] };
}

/** Validates an Anthropic Messages body; a 400 carries Anthropic's wording. */
export function validateAnthropic<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const messages = (body as { messages?: unknown } | null)?.messages;
  if (Array.isArray(messages)) {
    for (const m of messages) {
      const role = (m as { role?: unknown } | null)?.role;
      if (typeof role === 'string' && !ROLES.has(role)) throw invalidRequest(unexpectedRole(role), 'messages');
    }
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return validateBody(schema, body);
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = deepest(result.error.issues[0] as Issue);
  const param = issue.path.map(String).join('.');
  throw invalidRequest(param ? `${param}: ${pydanticMessage(issue)}` : pydanticMessage(issue), param || undefined);
}
