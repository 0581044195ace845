import type { InboundFormat } from '../format.js';
import { toChatRequest } from './parse.js';
import { renderAnthropicError, renderMessage } from './render.js';
import { messagesRequestSchema } from './schema.js';
import { AnthropicStreamEncoder } from './stream.js';
import { validateAnthropic } from './validate.js';

// Anthropic Messages (`POST /v1/messages`), the format Claude Code speaks. count_tokens is served apart
// (see count-tokens.ts) because it answers without calling any upstream.

export { countTokens } from './count-tokens.js';

export const anthropicMessagesFormat: InboundFormat = {
  format: 'anthropic-messages',
  paths: ['/messages'],
  passHeaders: ['anthropic-beta'],
  parse(body) {
    const valid = validateAnthropic(messagesRequestSchema, body);
    return { request: toChatRequest(valid), native: { format: 'anthropic-messages', body: valid } };
  },
  renderResponse: renderMessage,
  createStreamEncoder: ({ requestedModel, passThrough }) => new AnthropicStreamEncoder(requestedModel, passThrough),
  renderError: renderAnthropicError,
};
