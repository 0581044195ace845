// Issue 7's secrets check: run a full set of requests — successes, upstream failures that echo the key back,
// refused connections, cut streams, wrong inbound keys, admin calls, key rotation — then grep everything the
// gateway produced (log lines at trace level, the data directory's databases, every response body and header)
// for the upstream keys, the gateway key and the admin token. Each secret carries a canary in its middle, so
// partial leaks are caught too; the UI's masked form (`…` + last 4) cannot contain the canary.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeAnthropic, type FakeAnthropic } from '../fakes/anthropic.js';
import { closedPortUrl, startFakeOpenAI, type FakeOpenAI } from '../fakes/openai.js';
import { startFakeOllama, type FakeOllama } from '../fakes/ollama.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const OPENAI_KEY = 'sk-proj-CANARYOPENAI1-a8f3c9d2e7b4f1a6c3e8d5b2a9f4c7e1';
const ANTHROPIC_KEY = 'sk-ant-api03-CANARYANTHROPIC2-q7w8e9r0t1y2u3i4o5p6';
// Not key-shaped (no sk- prefix): only the registered-secret scrubbing can catch this one.
const CUSTOM_KEY = 'zx9-CANARYCUSTOM3-ffee12ab34cd56ef78gh90ij';
const GATEWAY_KEY = 'lk-CANARYGATEWAY4-Zm9vYmFyYmF6cXV4cXV1eHF1dXg';
const ROTATED_KEY = 'rotated-CANARYROTATED5-91b2c3d4e5f6a7b8c9d0';
// Issue 22: credentials in a base URL and provider header values are secrets too.
const URL_PASSWORD = 'pw-CANARYURLPASS6-c0ffee0123456789';
const HEADER_SECRET = 'hdr-CANARYHEADER7-0a1b2c3d4e5f6a7b8c9d';
const CANARIES = ['CANARYOPENAI1', 'CANARYANTHROPIC2', 'CANARYCUSTOM3', 'CANARYGATEWAY4', 'CANARYROTATED5', 'CANARYURLPASS6', 'CANARYHEADER7'];
// A secret echoed in base64 (a `Basic` header dumped back) carries no readable canary: look for its encoding too.
const ENCODED = [OPENAI_KEY, CUSTOM_KEY, HEADER_SECRET, `lynkr:${URL_PASSWORD}`].map((s) => Buffer.from(s).toString('base64').slice(0, 24));

let openai: FakeOpenAI;
let anthropic: FakeAnthropic;
let custom: FakeOpenAI;
let ollama: FakeOllama;
let creds: FakeOpenAI;
let credsUrl: string;
let gw: TestGateway;
/** Every response body and header value the gateway sent during the run. */
const seen: string[] = [];

beforeAll(async () => {
  openai = await startFakeOpenAI({ models: ['gpt-4o-mini', 'text-embedding-3-small'] });
  anthropic = await startFakeAnthropic();
  custom = await startFakeOpenAI({ models: ['custom-model'] });
  ollama = await startFakeOllama({ models: ['llama3.2:latest'] });
  creds = await startFakeOpenAI({ models: ['creds-model'] });
  credsUrl = creds.url.replace('http://', `http://lynkr:${URL_PASSWORD}@`);
  gw = await startTestGateway({
    providers: [
      { id: 'openai', kind: 'openai', baseUrl: openai.url, apiKey: OPENAI_KEY, models: ['gpt-4o-mini', 'text-embedding-3-small'] },
      { id: 'anthropic', kind: 'anthropic', baseUrl: anthropic.url, apiKey: ANTHROPIC_KEY, models: ['claude-3-5-haiku-latest'] },
      { id: 'custom', kind: 'openai-compatible', baseUrl: custom.url, apiKey: CUSTOM_KEY, models: ['custom-model'], headers: { 'x-custom-auth': CUSTOM_KEY, 'x-extra': HEADER_SECRET } },
      { id: 'creds', kind: 'openai-compatible', baseUrl: credsUrl, models: ['creds-model'] },
      { id: 'dead', kind: 'openai-compatible', baseUrl: await closedPortUrl(), apiKey: CUSTOM_KEY, models: ['dead-model'] },
      { id: 'ollama', kind: 'ollama', baseUrl: ollama.url, models: ['llama3.2:latest'] },
    ],
    aliases: {
      cloud: { targets: ['openai/gpt-4o-mini'] },
      claude: { targets: ['anthropic/claude-3-5-haiku-latest'] },
      chain: { targets: ['dead/dead-model', 'custom/custom-model'] },
    },
    defaultModel: 'cloud',
    server: { apiKey: GATEWAY_KEY, requireKeyOnLoopback: true, firstByteTimeoutMs: 400, idleChunkTimeoutMs: 400 },
    fallback: { enabled: true, retries: 0 },
    cache: { exact: { enabled: true } },
    log: { level: 'trace', storePrompts: true },
  });
  await runEverything();
}, 60_000);

afterAll(async () => {
  await gw?.close();
  await Promise.all([openai?.close(), anthropic?.close(), custom?.close(), ollama?.close(), creds?.close()]);
});

async function hit(path: string, init: RequestInit & { key?: string | null } = {}): Promise<Response> {
  const { key = GATEWAY_KEY, ...rest } = init;
  const headers: Record<string, string> = { 'content-type': 'application/json', ...(rest.headers as Record<string, string>) };
  if (key) headers.authorization = `Bearer ${key}`;
  const res = await fetch(`${gw.baseUrl}${path}`, { ...rest, headers });
  seen.push(`${path} ${res.status} ${JSON.stringify([...res.headers])}\n${await res.text()}`);
  return res;
}

const chat = (model: string, stream = false, extra: Record<string, unknown> = {}) =>
  hit('/v1/chat/completions', { method: 'POST', body: JSON.stringify({ model, stream, messages: [{ role: 'user', content: `hello ${Math.random()}` }], ...extra }) });

async function runEverything(): Promise<void> {
  // Successes in every format.
  await chat('cloud');
  await chat('cloud', true);
  await chat('chain');
  await chat('ollama/llama3.2:latest', true);
  await hit('/v1/messages', { method: 'POST', headers: { 'anthropic-version': '2023-06-01' }, body: JSON.stringify({ model: 'claude', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] }) });
  await hit('/v1/messages', { method: 'POST', key: null, headers: { 'x-api-key': GATEWAY_KEY, 'anthropic-version': '2023-06-01' }, body: JSON.stringify({ model: 'claude', stream: true, max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] }) });
  await hit('/v1/responses', { method: 'POST', body: JSON.stringify({ model: 'cloud', input: 'hi' }) });
  await hit('/v1/embeddings', { method: 'POST', body: JSON.stringify({ model: 'openai/text-embedding-3-small', input: 'hi' }) });
  await hit('/v1/models');

  // Upstreams that echo the key back in their errors (as OpenAI's "Incorrect API key provided: …" does).
  openai.setFault({ status: 401, body: { error: { message: `Incorrect API key provided: ${OPENAI_KEY}`, type: 'invalid_request_error', code: 'invalid_api_key' } } }, { times: 2 });
  await chat('cloud');
  await chat('cloud', true);
  anthropic.setFault({ status: 403, body: { type: 'error', error: { type: 'permission_error', message: `key ${ANTHROPIC_KEY} lacks access` } } }, { times: 1 });
  await hit('/v1/messages', { method: 'POST', headers: { 'anthropic-version': '2023-06-01' }, body: JSON.stringify({ model: 'claude', max_tokens: 16, messages: [{ role: 'user', content: 'x' }] }) });
  custom.setFault({ status: 500, body: `<html><body>upstream proxy error; request headers: Authorization: Bearer ${CUSTOM_KEY}; x-custom-auth: ${CUSTOM_KEY}</body></html>` }, { times: 1 });
  await chat('custom/custom-model');
  custom.setFault({ status: 400, body: { error: { message: `bad key ${CUSTOM_KEY} for model` } } }, { times: 1 });
  await chat('custom/custom-model', true);
  // Echoes in other forms: a key without its prefix, a key in base64, URL credentials and a header value.
  openai.setFault({ status: 401, body: { error: { message: `key ${OPENAI_KEY.slice('sk-proj-'.length)} rejected (auth ${Buffer.from(OPENAI_KEY).toString('base64')})` } } }, { times: 1 });
  await chat('cloud');
  custom.setFault({ status: 502, body: `proxy: x-extra=${HEADER_SECRET} ${Buffer.from(HEADER_SECRET).toString('base64')} bare=${CUSTOM_KEY.slice(4)}` }, { times: 1 });
  await chat('custom/custom-model');
  creds.setFault({ status: 500, body: `GET ${credsUrl}/chat/completions failed; Authorization: Basic ${Buffer.from(`lynkr:${URL_PASSWORD}`).toString('base64')}` }, { times: 1 });
  await chat('creds/creds-model');
  await chat('creds/creds-model', true);
  // Cut mid-stream, hang before headers, refused connection.
  openai.setFault('cut-mid-stream', { times: 1, afterChunks: 2 });
  await chat('cloud', true);
  openai.setFault('hang-before-headers', { times: 1 });
  await chat('cloud', true);
  await chat('dead/dead-model');
  // Clients with a wrong or missing gateway key, and an unknown model that lists what exists.
  await hit('/v1/chat/completions', { method: 'POST', key: 'lk-wrong-key-000000000000', body: '{}' });
  await hit('/v1/chat/completions', { method: 'POST', key: null, body: '{}' });
  await chat('no-such-model');
  await hit('/v1/chat/completions', { method: 'POST', body: '{"model": "cloud", "messages": [' });

  // Probes and the admin API.
  await hit('/health', { key: null });
  await hit('/health/ready', { key: null });
  await hit('/metrics', { key: null });
  for (const path of ['/admin/status', '/admin/providers', '/admin/aliases', '/admin/logs?limit=500', '/admin/traffic', '/admin/cache/stats', '/admin/librechat']) {
    const r = await gw.admin(path);
    seen.push(`${path} ${r.status}\n${await r.text()}`);
  }
  openai.setFault({ status: 401, body: { error: { message: `Incorrect API key provided: ${OPENAI_KEY}` } } }, { times: 5 });
  for (const id of ['openai', 'custom', 'dead']) {
    const r = await gw.admin(`/admin/providers/${id}/test`, { method: 'POST', body: '{}' });
    seen.push(`test ${id} ${r.status}\n${await r.text()}`);
  }
  openai.setFault(null);
  const put = await gw.admin('/admin/providers/custom', { method: 'PUT', body: JSON.stringify({ id: 'custom', kind: 'openai-compatible', baseUrl: custom.url, apiKey: ROTATED_KEY, models: ['custom-model'] }) });
  seen.push(`put ${put.status}\n${await put.text()}`);
  await chat('custom/custom-model');
  const rotate = await gw.admin('/admin/server/rotate-key', { method: 'POST', body: '{}' });
  seen.push(`rotate ${rotate.status}\n${await rotate.text()}`);
  // The old gateway key no longer works; the answer must not echo it.
  await hit('/v1/models');
  const logs = await gw.admin('/admin/logs?limit=500');
  seen.push(`logs again\n${await logs.text()}`);
  // Let the request log flush its batch to disk.
  await new Promise((r) => setTimeout(r, 300));
}

function leaks(text: string): string[] {
  return [...CANARIES, ...ENCODED].filter((c) => text.includes(c));
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

describe('secrets never leave the gateway', () => {
  it('the run exercised what it claims (upstreams were called with the keys, failures happened)', () => {
    expect(openai.requests.some((r) => r.headers.authorization === `Bearer ${OPENAI_KEY}`)).toBe(true);
    expect(anthropic.requests.some((r) => r.headers['x-api-key'] === ANTHROPIC_KEY)).toBe(true);
    expect(custom.requests.some((r) => r.headers['x-custom-auth'] === CUSTOM_KEY && r.headers['x-extra'] === HEADER_SECRET)).toBe(true);
    // Credentials in the base URL reach the upstream as Basic auth, as a browser or curl would send them.
    expect(creds.requests.some((r) => r.headers.authorization === `Basic ${Buffer.from(`lynkr:${URL_PASSWORD}`).toString('base64')}`)).toBe(true);
    const statuses = seen.map((s) => Number(/^\S+ (\d{3})/.exec(s)?.[1]));
    expect(statuses.filter((s) => s >= 400).length).toBeGreaterThan(8);
    expect(seen.length).toBeGreaterThan(35);
  });

  it('no response body or header carries a secret', () => {
    const bad = seen.filter((s) => leaks(s).length > 0);
    expect(bad.map((s) => { const c = leaks(s)[0]; const i = s.indexOf(c); return `${c} @ ${s.slice(0, 60)} … ${s.slice(Math.max(0, i - 200), i + 60)}`; })).toEqual([]);
  });

  it('no file the gateway wrote (request log, cache databases, WAL) carries a secret', () => {
    // settings.json is the headless settings file: plaintext keys there are by design (the desktop app keeps
    // them encrypted); the admin token file holds the admin token and nothing else.
    const all = filesUnder(gw.dataDir);
    const files = all.filter((f) => !/settings\.json$/.test(f) && !/admin[-_.]?token/i.test(f));
    expect(files.length).toBeGreaterThan(0);
    // The scan can see a canary where one is expected (the settings file), so an empty result means something.
    expect(all.filter((f) => leaks(readFileSync(f).toString('latin1')).length > 0).some((f) => f.endsWith('settings.json'))).toBe(true);
    const leaking = files.filter((f) => leaks(readFileSync(f).toString('latin1')).length > 0);
    expect(leaking).toEqual([]);
  });

  it('the admin token never shows up in a response', () => {
    const token = gw.adminToken;
    expect(seen.filter((s) => s.includes(token)).map((s) => s.slice(0, 200))).toEqual([]);
  });

  it('no log line (pino, trace level, through shutdown) carries a secret or the admin token', async () => {
    // Errors carrying keys, as a provider or a crash handler would log them.
    gw.gateway.logger.error({ err: new Error(`upstream rejected ${CUSTOM_KEY}`), headers: { authorization: `Bearer ${GATEWAY_KEY}` } }, `request failed for ${OPENAI_KEY}`);
    await gw.close();
    const log = gw.logs();
    expect(log).toContain('shutdown: done');
    expect(log).toContain('request failed for');
    const lines = log.split('\n').filter((l) => leaks(l).length > 0 || l.includes(gw.adminToken));
    expect(lines.map((l) => l.slice(0, 400))).toEqual([]);
  });
});
