import type { InboundFormat } from '../format.js';
import { parseOpenAIChat } from './parse.js';
import { openAIErrorBody, renderOpenAIChat } from './render.js';
import { createOpenAIChatEncoder } from './stream.js';

export const openaiChatFormat: InboundFormat = {
  format: 'openai-chat',
  paths: ['/chat/completions'],
  parse: parseOpenAIChat,
  renderResponse: renderOpenAIChat,
  createStreamEncoder: createOpenAIChatEncoder,
  renderError: (err) => ({ status: err.status, body: openAIErrorBody(err) }),
};

export { openAIErrorBody };
