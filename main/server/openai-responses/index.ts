import type { InboundFormat } from '../format.js';
import { validateBody } from '../validation.js';
import { toChatRequest } from './parse.js';
import { renderResponse, renderResponsesError } from './render.js';
import { responsesRequestSchema } from './schema.js';
import { ResponsesStreamEncoder } from './stream.js';

// OpenAI Responses (`POST /v1/responses`), the format Codex CLI and `openai.responses.create` speak.
// Stateless: every request carries the whole conversation (no previous_response_id, no stored responses).

export const openaiResponsesFormat: InboundFormat = {
  format: 'openai-responses',
  paths: ['/responses'],
  parse(body) {
    const valid = validateBody(responsesRequestSchema, body);
    return { request: toChatRequest(valid), native: { format: 'openai-responses', body: valid } };
  },
  renderResponse,
  createStreamEncoder: ({ requestedModel, tools }) => new ResponsesStreamEncoder(requestedModel, tools),
  renderError: renderResponsesError,
};
