// Hostile bytes below the JSON layer: random methods, paths, header names and values, Host and Origin lines,
// keys, content lengths, sent over a raw socket. Every answer is a status line below 500 (or Node's own 400
// and a closed connection for bytes that are not HTTP); the gateway keeps answering /health afterwards.
import fc from 'fast-check';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/openai.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

let cloud: FakeOpenAI;
let gw: TestGateway;

beforeAll(async () => {
  cloud = await startFakeOpenAI({ record: false, script: { text: 'ok', chunks: 1 } });
  gw = await startTestGateway({
    providers: [
      { id: 'oa', kind: 'openai', baseUrl: cloud.url, apiKey: 'sk-rawfuzz-upstream-0000000000', models: ['gpt-4o-mini'] },
      { id: 'ollama', kind: 'ollama', baseUrl: cloud.url.replace(/\/v1$/, ''), enabled: false },
    ],
    aliases: { cloud: { targets: ['oa/gpt-4o-mini'] } },
    defaultModel: 'cloud',
    server: { apiKey: 'lk-rawfuzz-gateway-key-000000000', bodyLimitBytes: 64 * 1024 },
    log: { level: 'silent' },
  });
});
afterAll(async () => {
  await gw?.close();
  await cloud?.close();
});

/** Sends raw bytes, resolves with what came back before the server closed (or 1.5 s passed). */
function rawExchange(bytes: Buffer): Promise<string> {
  return new Promise((resolve) => {
    const sock = connect(gw.port, '127.0.0.1');
    let got = '';
    const done = (): void => {
      clearTimeout(timer);
      sock.destroy();
      resolve(got);
    };
    const timer = setTimeout(done, 1_500);
    sock.on('data', (d) => {
      got += d.toString('latin1');
      // One complete response is enough.
      if (/\r\n\r\n/.test(got) && (/content-length: 0\r\n/i.test(got) || /\r\n\r\n[\s\S]*[}\]]\s*$/.test(got))) done();
    });
    sock.on('error', () => done());
    sock.on('close', done);
    sock.end(bytes);
  });
}

const token = fc.stringMatching(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,20}$/);
// Mostly printable (so requests get past Node's parser into our code), sometimes control characters.
const anyLine = fc
  .oneof({ weight: 4, arbitrary: fc.string({ unit: 'grapheme-ascii', maxLength: 80 }) }, { weight: 1, arbitrary: fc.string({ unit: 'binary-ascii', maxLength: 80 }) })
  .map((s) => s.replace(/\r|\n/g, ' '));
const path = fc.oneof(
  fc.constantFrom('/v1/chat/completions', '/v1/messages', '/v1/responses', '/v1/embeddings', '/v1/models', '/admin/status', '/health', '/health/ready', '/metrics', '/ui/', '/'),
  fc.constantFrom('/v1/../admin/status', '//admin/status', '/ADMIN/status', '/admin%2fstatus', '/%00', '/v1/chat/completions?x=%E0%A4%A', `/${'a'.repeat(8000)}`, '*', 'http://evil.example/v1/models'),
  fc.webPath(),
);
const header = fc.oneof(
  fc.tuple(fc.constantFrom('Host', 'Origin', 'Authorization', 'x-api-key', 'Sec-Fetch-Site', 'Content-Type', 'Transfer-Encoding', 'Content-Length', 'Connection', 'Expect'), anyLine),
  fc.tuple(token, anyLine),
  fc.constantFrom<[string, string]>(
    ['Authorization', 'Bearer lk-rawfuzz-gateway-key-00000000'],
    ['Authorization', 'Bearer '],
    ['x-api-key', 'lk-rawfuzz-gateway-key-000000000 '],
    ['Transfer-Encoding', 'chunked, identity'],
    ['Content-Length', '-1'],
    ['Content-Length', '99999999999999999999'],
    ['Host', 'localhost:99999'],
    ['Host', '[::1'],
    ['Expect', '100-continue'],
  ),
);

const request = fc
  .record({
    method: fc.oneof(fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'HEAD', 'PATCH', 'TRACE', 'CONNECT'), token),
    path,
    host: fc.oneof({ weight: 3, arbitrary: fc.constant('127.0.0.1') }, { weight: 2, arbitrary: fc.constant('localhost') }, { weight: 1, arbitrary: anyLine }),
    headers: fc.array(header, { maxLength: 4 }),
    body: fc.oneof(fc.constant(''), fc.constant('{"model":"cloud","messages":[{"role":"user","content":"hi"}]}'), fc.string({ maxLength: 200 })),
    lengthMode: fc.constantFrom('exact', 'none', 'short', 'long'),
  })
  .map(({ method, path: p, host, headers, body, lengthMode }) => {
    const lines = [`${method} ${p} HTTP/1.1`, `Host: ${host}`, ...headers.map(([k, v]) => `${k}: ${v}`), 'Connection: close'];
    const len = Buffer.byteLength(body);
    if (lengthMode !== 'none') lines.push(`Content-Length: ${lengthMode === 'exact' ? len : lengthMode === 'short' ? Math.max(0, len - 5) : len + 5}`);
    return Buffer.from(`${lines.join('\r\n')}\r\n\r\n${body}`, 'latin1');
  });

describe('raw HTTP hostility', () => {
  it('never a 5xx, never a crash', async () => {
    const seen = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(request, async (bytes) => {
        const got = await rawExchange(bytes);
        const m = /^HTTP\/1\.1 (\d{3})/.exec(got);
        seen.set(m?.[1] ?? 'none', (seen.get(m?.[1] ?? 'none') ?? 0) + 1);
        // No answer at all is fine only when the request was incomplete (a longer Content-Length than sent).
        if (!m) return;
        expect(Number(m[1]), `${bytes.toString('latin1').slice(0, 300)}\n→ ${got.slice(0, 300)}`).toBeLessThan(500);
      }),
      { numRuns: 500, endOnFailure: true },
    );
    // Not vacuous: most requests got an answer, of several kinds.
    expect(seen.get('none') ?? 0, JSON.stringify([...seen])).toBeLessThan(250);
    expect([...seen.keys()].filter((k) => k !== 'none').length, JSON.stringify([...seen])).toBeGreaterThanOrEqual(4);
    console.log('raw HTTP fuzz statuses', JSON.stringify([...seen].sort()));
    expect((await fetch(`${gw.baseUrl}/health`)).status).toBe(200);
  }, 120_000);

  it('path tricks never reach the admin API without the token', async () => {
    for (const p of ['/v1/../admin/status', '//admin/status', '/ADMIN/status', '/admin%2fstatus', '/admin/./status', '/./admin/status']) {
      const got = await rawExchange(Buffer.from(`GET ${p} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`));
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(got)?.[1]);
      expect([400, 401, 403, 404], `${p} → ${got.slice(0, 200)}`).toContain(status);
      expect(got).not.toContain('"service"');
    }
  });
});
