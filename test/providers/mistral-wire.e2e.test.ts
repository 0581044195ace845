// Mistral refuses every field it does not define (422 "Extra inputs are not permitted"), and sends stream usage
// unasked; its kind says so (kinds/mistral.ts) and the fake enforces it (test/fakes/mistral-rules.ts). Through a
// real gateway with the real SDKs: what each client sends reaches Mistral as Mistral takes it, what had to go is
// named in x-lynkr-dropped, and streamed answers still carry their usage to the client and the request log.
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialectGateway, type DialectGateway } from './dialect-gateway.js';

type Json = Record<string, unknown>;
let t: DialectGateway;
beforeAll(async () => {
  t = await dialectGateway('mistral', 'mistral', 'mistral-small-latest');
});
afterAll(() => t?.close());

const lastSent = (): Json => t.lastSent();
const model = 'mistral/mistral-small-latest';
const messages = [{ role: 'user' as const, content: 'Say hi' }];

describe('the Mistral fake refuses what Mistral refuses', () => {
  it('answers 422 extra_forbidden to OpenAI fields Mistral lacks, and takes its own', async () => {
    const post = (body: Json) => fetch(`${t.fake.url}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const refused = await post({ model: 'mistral-small-latest', messages, stream: true, stream_options: { include_usage: true } });
    expect(refused.status).toBe(422);
    expect(await refused.json()).toMatchObject({ object: 'error', message: { detail: [{ type: 'extra_forbidden', loc: ['body', 'stream_options'], msg: 'Extra inputs are not permitted' }] } });
    const named = await post({ model: 'mistral-small-latest', messages: [{ role: 'user', content: 'hi', name: 'bob' }] });
    expect(((await named.json()) as { message: { detail: Array<{ loc: unknown[] }> } }).message.detail[0].loc).toEqual(['body', 'messages', 0, 'user', 'name']);
    const developer = await post({ model: 'mistral-small-latest', messages: [{ role: 'developer', content: 'Be brief.' }, ...messages] });
    expect(((await developer.json()) as { message: { detail: Array<{ type: string }> } }).message.detail[0].type).toBe('union_tag_invalid');
    expect((await post({ model: 'mistral-small-latest', messages, random_seed: 7, safe_prompt: false })).status).toBe(200);
  });
});

describe('through the gateway', () => {
  it('an OpenAI client’s user, seed and logit_bias: the seed becomes random_seed, the others are named as dropped', async () => {
    const { data, response } = await t.sdk.chat.completions
      .create({ model, messages, user: 'librechat-user-42', seed: 7, logit_bias: { '50256': -100 }, temperature: 0.2 })
      .withResponse();
    expect(data.choices[0].message.content).toBeTruthy();
    const sent = lastSent();
    expect(sent).toMatchObject({ model: 'mistral-small-latest', random_seed: 7, temperature: 0.2 });
    expect(sent).not.toHaveProperty('user');
    expect(sent).not.toHaveProperty('seed');
    expect(sent).not.toHaveProperty('logit_bias');
    expect(response.headers.get('x-lynkr-dropped')?.split(', ').sort()).toEqual(['logit_bias', 'user']);
  });

  it('a message name, which Mistral refuses on user messages, is left out and named', async () => {
    const { response } = await t.sdk.chat.completions.create({ model, messages: [{ role: 'user', content: 'Say hi', name: 'ann' }] }).withResponse();
    expect(response.status).toBe(200);
    expect((lastSent().messages as object[])[0]).toEqual({ role: 'user', content: 'Say hi' });
    expect(response.headers.get('x-lynkr-dropped')).toBe('messages[].name');
  });

  it('a developer message and an assistant’s reasoning_content, which Mistral refuses, are rebuilt as Mistral takes them', async () => {
    const { data, response } = await t.sdk.chat.completions
      .create({
        model,
        messages: [
          { role: 'developer', content: 'Be brief.' },
          { role: 'user', content: 'Hi' },
          { role: 'assistant', content: 'Hello!', reasoning_content: 'The user greets me.' } as OpenAI.ChatCompletionAssistantMessageParam,
          { role: 'user', content: 'Say hi again' },
        ],
      })
      .withResponse();
    expect(data.choices[0].message.content).toBe('Hello from the fake OpenAI upstream.');
    expect(lastSent().messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: 'Hello!' },
      { role: 'user', content: 'Say hi again' },
    ]);
    expect(response.headers.get('x-lynkr-dropped')).toBe('messages[].reasoning_content');
  });

  it('a streamed OpenAI chat sends no stream_options, and the client still gets its usage, as does the request log', async () => {
    const stream = await t.sdk.chat.completions.create({ model, messages, stream: true, stream_options: { include_usage: true } });
    let text = '';
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? '';
      usage = chunk.usage ?? usage;
    }
    expect(text).toBe('Hello from the fake OpenAI upstream.');
    expect(usage?.completion_tokens).toBeGreaterThan(0);
    expect(lastSent()).toMatchObject({ stream: true });
    expect(lastSent()).not.toHaveProperty('stream_options');
    const { rows } = (await (await t.gw.admin('/admin/logs?limit=1')).json()) as { rows: Array<{ provider: string; outputTokens?: number }> };
    expect(rows[0]).toMatchObject({ provider: 'mistral', outputTokens: usage?.completion_tokens });
  });

  it('Claude Code’s request (metadata.user_id, streamed) reaches Mistral without user or stream_options', async () => {
    const claude = new Anthropic({ baseURL: t.gw.baseUrl, apiKey: 'unused', maxRetries: 0 });
    const stream = claude.messages.stream({ model, max_tokens: 256, messages, metadata: { user_id: 'user_abc_account_1_session_2' } });
    const final = await stream.finalMessage();
    expect(final.content[0]).toMatchObject({ type: 'text', text: 'Hello from the fake OpenAI upstream.' });
    expect(final.usage.output_tokens).toBeGreaterThan(0);
    const sent = lastSent();
    expect(sent).toMatchObject({ stream: true, max_tokens: 256 });
    expect(sent).not.toHaveProperty('user');
    expect(sent).not.toHaveProperty('stream_options');
  });

  it('Codex’s streamed Responses request (reasoning, include, prompt_cache_key) reaches Mistral as a chat Mistral takes', async () => {
    const stream = await t.sdk.responses.create({
      model,
      instructions: 'Be brief.',
      input: 'Say hi',
      store: false,
      stream: true,
      reasoning: { effort: 'low', summary: 'auto' },
      include: ['reasoning.encrypted_content'],
      prompt_cache_key: 'codex-session-1',
    });
    let completed: OpenAI.Responses.Response | undefined;
    for await (const event of stream) if (event.type === 'response.completed') completed = event.response;
    const text = completed?.output.flatMap((o) => (o.type === 'message' ? o.content : [])).map((c) => (c.type === 'output_text' ? c.text : ''));
    expect(text?.join('')).toBe('Hello from the fake OpenAI upstream.');
    expect(completed?.usage?.output_tokens).toBeGreaterThan(0);
    const sent = lastSent();
    expect(sent).toMatchObject({ stream: true, reasoning_effort: 'low' });
    expect(sent).not.toHaveProperty('stream_options');
  });
});
