// A nesting limit for request bodies, checked at the edge right after JSON.parse (which is iterative and takes any
// depth). Validation, cache keys, format conversion and upstream serialisation all recurse: a body nested ~5,000
// levels deep overflowed the stack in one of them, came back as a 502 "Maximum call stack size exceeded" and
// counted against the provider. Such a body is the client's error and gets a 400 in its own format.
import { invalidRequest } from '../core/errors.js';

/**
 * Why 128: a JSON Schema takes two JSON levels per level of nesting (`properties` → name → schema), plus two
 * more where a nullable field is wrapped in `anyOf: [...]`, on top of about five levels of envelope
 * (`tools[].function.parameters`). A tool schema nested 20 levels deep, the deep end of what clients send,
 * so reaches 45–85 levels; 128 leaves room above that. OpenAI's strict schemas stop far earlier ("6 levels of
 * nesting exceeds limit of 5", tidyverse/ellmer#671). The request path's recursion overflowed only in the
 * thousands of levels, so the limit stays some thirty times below it.
 */
export const MAX_JSON_DEPTH = 128;

/**
 * Returns `value` when it nests objects and arrays at most `limit` deep (`{}` and `[]` are depth 1, scalars 0);
 * otherwise throws a 400 invalid_request GatewayError.
 */
export function checkJsonDepth<T>(value: T, limit: number = MAX_JSON_DEPTH): T {
  if (deeper(value, limit)) throw invalidRequest(`request body nests JSON objects and arrays more than ${limit} levels deep`);
  return value;
}

// Recursion is safe here: it stops after `limit` levels. Strings and numbers, most of a chat body, cost one check.
function deeper(value: unknown, room: number): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (room === 0) return true;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (deeper(value[i], room - 1)) return true;
    return false;
  }
  for (const key in value) if (deeper((value as Record<string, unknown>)[key], room - 1)) return true;
  return false;
}
