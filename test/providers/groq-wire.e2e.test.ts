// Groq refuses logprobs, logit_bias, top_logprobs and a message's `name` with a 400 (console.groq.com/docs/openai);
// its kind says so (kinds/groq.ts) and the fake enforces it (test/fakes/groq-rules.ts). Through a real gateway with
// the OpenAI SDK, a LibreChat-like body reaches Groq without them, and `x-lynkr-dropped` names each.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialectGateway, type DialectGateway } from './dialect-gateway.js';

let t: DialectGateway;
beforeAll(async () => {
  t = await dialectGateway('groq', 'groq', 'llama-3.1-8b-instant');
});
afterAll(() => t?.close());

const model = 'groq/llama-3.1-8b-instant';

describe('Groq', () => {
  it('the fake answers 400 to logprobs and to a message name, as Groq does', async () => {
    const post = (body: object) => fetch(`${t.fake.url}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const logprobs = await post({ model: 'llama-3.1-8b-instant', messages: [{ role: 'user', content: 'hi' }], logprobs: true });
    expect(logprobs.status).toBe(400);
    expect(await logprobs.json()).toMatchObject({ error: { message: '`logprobs` is not supported with this model', type: 'invalid_request_error' } });
    expect((await post({ model: 'llama-3.1-8b-instant', messages: [{ role: 'user', content: 'hi', name: 'ann' }] })).status).toBe(400);
  });

  it('logprobs, top_logprobs, logit_bias and message names stay out, each named; user and seed reach it', async () => {
    const { data, response } = await t.sdk.chat.completions
      .create({
        model,
        messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Say hi', name: 'ann' }],
        logprobs: true,
        top_logprobs: 2,
        logit_bias: { '50256': -100 },
        user: 'librechat-user-42',
        seed: 3,
        stream: false,
      })
      .withResponse();
    expect(data.choices[0].message.content).toBe('Hello from the fake OpenAI upstream.');
    const sent = t.lastSent();
    expect(sent).toMatchObject({ user: 'librechat-user-42', seed: 3, messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Say hi' }] });
    for (const field of ['logprobs', 'top_logprobs', 'logit_bias']) expect(sent).not.toHaveProperty(field);
    expect((sent.messages as object[])[1]).not.toHaveProperty('name');
    expect(response.headers.get('x-lynkr-dropped')?.split(', ').sort()).toEqual(['logit_bias', 'logprobs', 'messages[].name', 'top_logprobs']);
  });

  it('a streamed chat still asks for usage (Groq takes stream_options) and gets it', async () => {
    const stream = await t.sdk.chat.completions.create({ model, messages: [{ role: 'user', content: 'Say hi' }], stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    expect(text).toBe('Hello from the fake OpenAI upstream.');
    expect(t.lastSent()).toMatchObject({ stream: true, stream_options: { include_usage: true } });
  });
});
