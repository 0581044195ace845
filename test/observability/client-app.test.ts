// The Client column: which app sent a request, from the user agents the real clients send.
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RequestRecord } from '../../main/admin/contract.js';
import { detectClient } from '../../main/observability/client-app.js';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/openai.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

describe('detectClient', () => {
  it.each([
    // Claude Code 2.1.197's own template: `claude-cli/${VERSION} (external, ${CLAUDE_CODE_ENTRYPOINT ?? "cli"}…)`.
    ['claude-cli/2.1.197 (external, cli)', 'Claude Code'],
    ['claude-cli/2.1.197 (external, sdk-ts, agent-sdk/0.2.1)', 'Claude Code'],
    // codex-rs get_codex_user_agent: `{originator}/{version} ({os} {os version}; {arch}) {terminal}`.
    ['codex_exec/0.171.0 (Ubuntu 22.4.0; x86_64) unknown', 'Codex'],
    ['codex_cli_rs/0.38.0 (Ubuntu 24.04.2 LTS; x86_64) WindowsTerminal', 'Codex'],
    ['codex-tui/0.171.0 (Mac OS 15.1.0; arm64) iTerm.app/3.5.0', 'Codex'],
    // LibreChat's agents send the OpenAI JS SDK's UA; our yaml adds X-Lynkr-Client (appended by clientLabel).
    ['OpenAI/JS 6.49.0 (librechat)', 'LibreChat'],
    ['OpenAI/JS 6.49.0: librechat-azure-openai-v2', 'LibreChat'],
    ['OpenAI/JS 6.49.0', 'OpenAI SDK (JS)'],
    ['OpenAI/JS 6.49.0 (my-agent)', 'my-agent'],
    ['OpenAI/Python 1.99.1', 'OpenAI SDK (Python)'],
    ['Anthropic/Python 0.60.0', 'Anthropic SDK (Python)'],
    ['ollama-js/0.5.16 (x64 linux Node.js/v20.19.0)', 'Ollama JS'],
    ['curl/8.5.0', 'curl'],
    ['python-requests/2.32.3', 'Python requests'],
    ['Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36', 'Browser'],
    ['SomeTool/3.1 (build 7; linux)', 'SomeTool'],
  ])('%s → %s', (ua, name) => {
    expect(detectClient(ua)).toBe(name);
  });

  it('no user agent: no client', () => {
    expect(detectClient(undefined)).toBeUndefined();
    expect(detectClient('  ')).toBeUndefined();
  });
});

describe('the request log names the client', () => {
  let cloud: FakeOpenAI;
  let gw: TestGateway;
  const rows = async (n: number): Promise<RequestRecord[]> => {
    await new Promise((r) => setTimeout(r, 60));
    return ((await (await gw.admin(`/admin/logs?limit=${n}`)).json()) as { rows: RequestRecord[] }).rows;
  };

  beforeAll(async () => {
    cloud = await startFakeOpenAI({ models: ['gpt-4o-mini'] });
    gw = await startTestGateway({
      providers: [{ id: 'openai', kind: 'openai', baseUrl: cloud.url, apiKey: 'sk-client-test-0123456789', models: ['gpt-4o-mini'] }],
      mode: 'cloud',
      cache: { exact: { enabled: false } },
    });
  });
  afterAll(async () => {
    await gw?.close();
    await cloud?.close();
  });

  it('the real SDKs, X-Lynkr-Client and curl-like agents each get their name, searchable by it', async () => {
    const messages = [{ role: 'user' as const, content: 'hi' }];
    await new OpenAI({ baseURL: `${gw.baseUrl}/v1`, apiKey: 'x', maxRetries: 0 }).chat.completions.create({ model: 'openai/gpt-4o-mini', messages });
    await new OpenAI({ baseURL: `${gw.baseUrl}/v1`, apiKey: 'x', maxRetries: 0, defaultHeaders: { 'X-Lynkr-Client': 'librechat' } }).chat.completions.create({
      model: 'openai/gpt-4o-mini',
      messages,
    });
    await new Anthropic({ baseURL: gw.baseUrl, apiKey: 'x', maxRetries: 0 }).messages.create({ model: 'openai/gpt-4o-mini', max_tokens: 20, messages });
    await fetch(`${gw.baseUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'claude-cli/2.1.197 (external, cli)' },
      body: JSON.stringify({ model: 'openai/gpt-4o-mini', messages }),
    });
    const got = (await rows(10)).map((r) => r.client);
    expect(got).toEqual(expect.arrayContaining(['OpenAI SDK (JS)', 'LibreChat', 'Anthropic SDK (JS)', 'Claude Code']));
    const found = ((await (await gw.admin('/admin/logs?q=claude%20code')).json()) as { rows: RequestRecord[] }).rows;
    expect(found.map((r) => r.client)).toEqual(['Claude Code']);
  });

  it('a row carries an estimated cost for cloud tokens', async () => {
    cloud.reply({ text: 'ok', usage: { prompt_tokens: 1_000_000, completion_tokens: 0 } });
    await new OpenAI({ baseURL: `${gw.baseUrl}/v1`, apiKey: 'x', maxRetries: 0 }).chat.completions.create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'price' }] });
    const [row] = await rows(1);
    // gpt-4o-mini's list price: $0.15 per million input tokens (cache/pricing.ts).
    expect(row.costUsd).toBeCloseTo(0.15, 6);
  });
});
