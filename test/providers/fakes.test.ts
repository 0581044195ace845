// The fakes are what every other test trusts, so check them against the real client libraries.
import { Ollama } from 'ollama';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closedPortUrl, startFakeOpenAI, type FakeOpenAI } from '../fakes/openai.js';
import { startFakeOllama, type FakeOllama } from '../fakes/ollama.js';

describe('fake OpenAI upstream', () => {
  let fake: FakeOpenAI;
  let client: OpenAI;
  beforeAll(async () => {
    fake = await startFakeOpenAI();
    client = new OpenAI({ baseURL: fake.url, apiKey: 'sk-test', maxRetries: 0 });
  });
  afterAll(() => fake.close());

  it('answers chat, streams with usage and tool calls, lists models, embeds', async () => {
    fake.reply({ text: 'one two three' });
    const r = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    expect(r.choices[0].message.content).toBe('one two three');
    expect(r.usage?.completion_tokens).toBe(3);

    fake.reply({ toolCalls: [{ name: 'get_weather', arguments: { city: 'Paris' } }] });
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'weather?' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let args = '';
    let usage = 0;
    for await (const c of stream) {
      args += c.choices[0]?.delta.tool_calls?.[0]?.function?.arguments ?? '';
      usage += c.usage?.total_tokens ?? 0;
    }
    expect(JSON.parse(args)).toEqual({ city: 'Paris' });
    expect(usage).toBeGreaterThan(0);

    expect((await client.models.list()).data.map((m) => m.id)).toContain('gpt-4o-mini');
    const e1 = await client.embeddings.create({ model: 'e', input: ['a', 'b'] });
    const e2 = await client.embeddings.create({ model: 'e', input: 'a' });
    expect(e1.data[0].embedding).toHaveLength(8);
    expect(e1.data[0].embedding[0]).toBeCloseTo(e2.data[0].embedding[0], 6);
    expect(e1.data[1].embedding).not.toEqual(e1.data[0].embedding);
    expect(fake.count('/chat/completions')).toBe(2);
    expect(fake.requests[0].headers.authorization).toBe('Bearer sk-test');
  });

  it('injects faults for the next N requests', async () => {
    fake.reply({});
    fake.setFault({ status: 429, body: { error: { message: 'slow down' } }, headers: { 'retry-after': '1' } }, { times: 1 });
    await expect(client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({ status: 429 });
    const ok = await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] });
    expect(ok.choices[0].message.content).toContain('fake');
  });

  it('closedPortUrl refuses connections', async () => {
    const c = new OpenAI({ baseURL: await closedPortUrl(), apiKey: 'x', maxRetries: 0 });
    await expect(c.models.list()).rejects.toThrow(/Connection error/i);
  });
});

describe('fake Ollama', () => {
  let fake: FakeOllama;
  beforeAll(async () => {
    fake = await startFakeOllama();
  });
  afterAll(() => fake.close());

  it('speaks NDJSON to the ollama client, lists tags, embeds, pulls, stops and restarts', async () => {
    const client = new Ollama({ host: fake.url });
    fake.reply({ text: 'a b c', chunks: 3 });
    const parts: string[] = [];
    for await (const p of await client.chat({ model: 'llama3.2', messages: [{ role: 'user', content: 'hi' }], stream: true })) {
      parts.push(p.message.content);
      if (p.done) expect(p.eval_count).toBe(3);
    }
    expect(parts.join('')).toBe('a b c');
    expect(parts.length).toBe(4);
    fake.reply({ toolCalls: [{ name: 'f', arguments: { x: 1 } }] });
    const r = await client.chat({ model: 'llama3.2', messages: [{ role: 'user', content: 'hi' }] });
    expect(r.message.tool_calls?.[0].function).toEqual({ name: 'f', arguments: { x: 1 } });
    expect((await client.list()).models.map((m) => m.name)).toContain('qwen2.5-coder:7b');
    expect((await client.embed({ model: 'nomic-embed-text', input: ['x'] })).embeddings[0]).toHaveLength(8);
    const statuses: string[] = [];
    for await (const p of await client.pull({ model: 'phi3', stream: true })) statuses.push(p.status);
    expect(statuses.at(-1)).toBe('success');
    expect(fake.models).toContain('phi3:latest');

    await fake.stop();
    await expect(client.list()).rejects.toThrow();
    await fake.restart();
    expect((await client.list()).models.length).toBeGreaterThan(0);
  });
});
