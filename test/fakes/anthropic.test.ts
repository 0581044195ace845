// The fake Anthropic upstream's own rules, checked on the wire (no gateway): a rule the fake does not enforce
// cannot catch the gateway sending what the real API refuses.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeAnthropic, type FakeAnthropic } from './anthropic.js';

let fake: FakeAnthropic;
beforeAll(async () => {
  fake = await startFakeAnthropic();
});
afterAll(async () => {
  await fake?.close();
});

async function post(body: Record<string, unknown>): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${fake.url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': 'sk-ant-test', 'anthropic-version': '2023-06-01' },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

const withEffort = (model: string, effort: string, stream = false) =>
  post({ model, max_tokens: 1024, stream, messages: [{ role: 'user', content: 'Say hi' }], output_config: { effort } });
const refusal = (message: string) => ({ type: 'error', error: { type: 'invalid_request_error', message } });

describe('output_config.effort', () => {
  it('is refused with Anthropic’s envelope on models without effort (Haiku 4.5, Sonnet 4.5, Opus 4.1, Claude 3.x), streamed or not', async () => {
    for (const model of ['claude-haiku-4-5', 'claude-haiku-4-5-20251001', 'claude-sonnet-4-5-20250929', 'claude-sonnet-4-20250514', 'claude-opus-4-1', 'claude-3-7-sonnet-latest']) {
      for (const stream of [false, true]) {
        const r = await withEffort(model, 'low', stream);
        expect([r.status, r.json], `${model} stream=${stream}`).toEqual([400, refusal('This model does not support the effort parameter.')]);
      }
    }
  });

  it('is refused at a level the model lacks, naming the levels it takes', async () => {
    const sonnet = await withEffort('claude-sonnet-4-6', 'xhigh');
    expect([sonnet.status, sonnet.json]).toEqual([400, refusal("This model does not support effort level 'xhigh'. Supported levels: high, low, max, medium.")]);
    const opus45 = await withEffort('claude-opus-4-5-20251101', 'max');
    expect([opus45.status, opus45.json]).toEqual([400, refusal("This model does not support effort level 'max'. Supported levels: high, low, medium.")]);
  });

  it('is taken at the levels each model has', async () => {
    const taken: Array<[string, string]> = [
      ['claude-opus-4-5', 'high'],
      ['claude-sonnet-4-6', 'max'],
      ['claude-opus-4-6', 'max'],
      ['claude-opus-4-7', 'xhigh'],
      ['claude-sonnet-5', 'xhigh'],
    ];
    for (const [model, effort] of taken) {
      const r = await withEffort(model, effort);
      expect([r.status, r.json.type], `${model} ${effort}`).toEqual([200, 'message']);
    }
  });

  it('is no concern of a request without it, whatever the model', async () => {
    const r = await post({ model: 'claude-haiku-4-5', max_tokens: 1024, messages: [{ role: 'user', content: 'Say hi' }], output_config: { format: { type: 'json_schema', schema: { type: 'object' } } } });
    expect(r.status).toBe(200);
  });
});
