// Regression for what the fuzz suite found: model names that are Object.prototype keys must be an ordinary
// "model not found" (4xx), not a 500 from a `record[name]` lookup that walks the prototype chain.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/openai.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

let cloud: FakeOpenAI;
let gw: TestGateway;

beforeAll(async () => {
  cloud = await startFakeOpenAI({ record: false });
  gw = await startTestGateway({
    providers: [
      { id: 'oa', kind: 'openai', baseUrl: cloud.url, apiKey: 'sk-proto-upstream-key-0000000', models: ['gpt-4o-mini'] },
      { id: 'ollama', kind: 'ollama', baseUrl: cloud.url.replace(/\/v1$/, ''), enabled: false },
    ],
    aliases: { cloud: { targets: ['oa/gpt-4o-mini'] } },
    defaultModel: 'cloud',
    log: { level: 'silent' },
  });
});
afterAll(async () => {
  await gw?.close();
  await cloud?.close();
});

const NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__', 'oa/__proto__'];
const REQUESTS: [string, (model: string) => unknown][] = [
  ['/v1/chat/completions', (model) => ({ model, messages: [{ role: 'user', content: 'hi' }] })],
  ['/v1/messages', (model) => ({ model, max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] })],
  ['/v1/responses', (model) => ({ model, input: 'hi' })],
  ['/v1/embeddings', (model) => ({ model, input: 'hi' })],
];

describe.each(REQUESTS)('%s with a prototype-key model name', (path, body) => {
  it.each(NAMES)('model %j → not a 5xx', async (model) => {
    for (const stream of [false, true]) {
      const payload = { ...(body(model) as Record<string, unknown>), ...(path.endsWith('embeddings') ? {} : { stream }) };
      const res = await fetch(`${gw.baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) });
      const text = await res.text();
      // `oa/__proto__` is a legitimate provider/model target: the fake answers it (200).
      expect(res.status, `${model} stream=${stream}: ${text.slice(0, 200)}`).toBeLessThan(500);
    }
  });
});
