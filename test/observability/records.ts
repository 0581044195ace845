import type { RequestRecord } from '../../main/core/ports.js';

let n = 0;

/** A finished request with sensible values; override what the test is about. */
export function record(over: Partial<RequestRecord> = {}): RequestRecord {
  n++;
  return {
    id: `req-${n}`,
    time: Date.now(),
    clientFormat: 'openai-chat',
    requestedModel: 'chat-fast',
    alias: 'chat-fast',
    provider: 'ollama',
    model: 'qwen2.5-coder:7b',
    locality: 'local',
    status: 200,
    stream: false,
    latencyMs: 10,
    inputTokens: 5,
    outputTokens: 7,
    cache: 'miss',
    fallbackFrom: [],
    ...over,
  };
}
