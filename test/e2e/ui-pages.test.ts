// The Logs, Cache and LibreChat pages in real Chromium against a real gateway and fake upstreams: a row's details
// (client app, alias, the fallback chain with its failure, x-lynkr-* values, tokens and cost, prompt), one-line
// errors; the semantic cache switch, embedder choice with Pull, exact policy, "Saved"; reveal and copy of the
// gateway key, where the gateway listens and why, the compose override only with Docker. Screenshots of the three.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CacheStats, LibreChatSetup } from '../../main/admin/contract.js';
import { closedPort } from '../fakes/fake-server.js';
import { startFakeOllama, type FakeOllama } from '../fakes/ollama.js';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/openai.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { ensureRendererBuilt, launchChromium, noBrowser, screenshotOf } from './browser.js';


let ollama: FakeOllama;
let openai: FakeOpenAI;
let gw: TestGateway;
let browser: Browser;
let context: BrowserContext;
let page: Page;

const settingsFile = () => JSON.parse(readFileSync(join(gw.dataDir, 'settings.json'), 'utf8')) as {
  cache: { exact?: { policy?: string }; semantic?: { enabled?: boolean; threshold?: number; embedder?: string; embedderModel?: string } };
  server: { apiKey?: string };
};

const post = (body: unknown, userAgent: string) =>
  fetch(`${gw.baseUrl}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'user-agent': userAgent },
    body: JSON.stringify(body),
  });

const show = async (name: string): Promise<void> => {
  await page.click(`nav a[href="#/${name}"]`);
  await page.waitForSelector(`[data-testid="${name}"]`);
};

const screenshot = (name: string) => screenshotOf(page, name);


describe.skipIf(noBrowser)('Logs, Cache and LibreChat pages in Chromium', () => {
  beforeAll(async () => {
    ensureRendererBuilt();
    [ollama, openai] = await Promise.all([
      startFakeOllama({ models: ['qwen2.5-coder:7b', 'all-minilm:latest'], pullSteps: 6, pullDelayMs: 80 }),
      startFakeOpenAI({ models: ['gpt-4o-mini'] }),
    ]);
    gw = await startTestGateway({
      // A fixed port: "Allow Docker containers" rebinds and must come back on the same one.
      server: { port: await closedPort() },
      mode: 'auto',
      log: { storePrompts: true },
      // Chosen explicitly: the default may pick an installed Ollama embedding model (auto).
      cache: { semantic: { embedder: 'builtin' } },
      providers: [
        { id: 'ollama', kind: 'ollama', baseUrl: ollama.url, models: ['qwen2.5-coder:7b'] },
        { id: 'openai', kind: 'openai', baseUrl: openai.url, apiKey: 'sk-test-upstream-key-0123456789', models: ['gpt-4o-mini'] },
      ],
      aliases: { 'chat-fast': { description: 'Quick answers', targets: ['ollama/qwen2.5-coder:7b', 'openai/gpt-4o-mini'] } },
      modelMap: [{ pattern: 'claude-*', alias: 'chat-fast' }],
      fallback: { retries: 0 },
    });
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 860 }, colorScheme: 'light' });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: gw.baseUrl });
    page = await context.newPage();
    page.setDefaultTimeout(8000);
    page.on('pageerror', (e) => console.log('page error:', e.message));
    await page.goto(`${gw.baseUrl}/ui/#token=${gw.adminToken}`);
    await page.waitForSelector('[data-testid="overview"]');
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await gw?.close();
    await Promise.all([ollama?.close(), openai?.close()]);
  });

  it('a log row names its client app and opens its details: route, attempts with the failure, headers, tokens, prompt', async () => {
    // Ollama fails once: chat-fast falls back to OpenAI. Claude Code's own User-Agent; the model map sends claude-* to chat-fast.
    ollama.setFault({ status: 500, body: { error: 'llama runner process has terminated: out of memory' } }, { times: 1 });
    openai.reply({ text: 'answered by the cloud', usage: { prompt_tokens: 1200, completion_tokens: 300 } });
    const ok = await post({ model: 'claude-3-5-haiku-latest', messages: [{ role: 'user', content: 'Where does this go?' }] }, 'claude-cli/2.1.197 (external, cli)');
    expect(ok.status).toBe(200);
    expect(ok.headers.get('x-lynkr-fallback-from')).toContain('ollama/qwen2.5-coder:7b');
    // A refused request with a long error: one line in the table.
    const bad = await post({ model: `no-such-model-${'x'.repeat(40)}`, messages: [{ role: 'user', content: 'hi' }] }, 'codex_exec/0.171.0 (Ubuntu 22.4.0; x86_64) unknown');
    expect(bad.status).toBe(404);

    await show('logs');
    const rows = page.locator('[data-testid="log-row"]');
    await expect.poll(() => page.locator('[data-testid="log-client"]').allTextContents(), { timeout: 6000 }).toEqual([
      expect.stringContaining('Codex'),
      expect.stringContaining('Claude Code'),
    ]);
    // The failure: cache "—" (not "off"), its error on one line, so the row stays one line tall.
    const failed = rows.first();
    await expect(failed.locator('[data-testid="log-cache"]').textContent()).resolves.toBe('—');
    await expect(failed.locator('[data-testid="log-error"]').textContent()).resolves.toContain('no-such-model');
    const heights = await Promise.all([failed.boundingBox(), rows.nth(1).boundingBox()]);
    for (const box of heights) expect(box!.height).toBeLessThan(48);

    await rows.nth(1).click();
    const details = page.locator('[data-testid="log-details"]');
    await details.waitFor();
    await expect(details.locator('[data-testid="log-details-client"]').textContent()).resolves.toContain('Claude Code · claude-cli/2.1.197 (external, cli)');
    await expect(details.locator('[data-testid="log-details-alias"]').textContent()).resolves.toContain('chat-fast');
    await expect(details.textContent()).resolves.toContain('model map sent it to alias chat-fast');
    const chain = await details.locator('[data-testid="log-details-chain"] li').allTextContents();
    expect(chain).toEqual([expect.stringMatching(/^ollama\/qwen2\.5-coder:7b \(.*(out of memory|500).*\)$/), 'openai/gpt-4o-mini answered']);
    const headers = (await details.locator('[data-testid="log-details-headers"]').textContent()) ?? '';
    expect(headers).toContain('x-lynkr-provider: openai');
    expect(headers).toContain('x-lynkr-alias: chat-fast');
    expect(headers).toContain('x-lynkr-mapped-from: claude-3-5-haiku-latest');
    expect(headers).toContain(`x-lynkr-fallback-from: ${ok.headers.get('x-lynkr-fallback-from')}`);
    // gpt-4o-mini list price: 1200 × $0.15/M + 300 × $0.60/M = $0.00036.
    await expect(details.locator('[data-testid="log-details-tokens"]').textContent()).resolves.toBe('1200 in, 300 out · est. $0.000360');
    await expect(details.locator('[data-testid="log-details-prompt"]').textContent()).resolves.toContain('Where does this go?');
    await screenshot('logs');

    // The failed row: no target answered, its whole error in the details; clicking again closes.
    await details.locator('[data-testid="log-details-close"]').click();
    await failed.click();
    await expect(details.locator('[data-testid="log-details-error"]').textContent()).resolves.toContain(`no-such-model-${'x'.repeat(40)}`);
    await expect(details.locator('[data-testid="log-details-target"]').textContent()).resolves.toContain('no target answered');
    await failed.click();
    await expect.poll(() => details.count()).toBe(0);
  });

  it('the semantic cache switch, threshold, embedder (with Pull) and exact policy save with a visible "Saved"', async () => {
    await show('cache');
    await expect(page.textContent('[data-testid="cache-embedder"]')).resolves.toBe('Built-in (word vectors + n-grams)');
    const threshold = page.locator('[data-testid="threshold"]');
    expect(await threshold.isDisabled()).toBe(true); // only used with the semantic cache on

    await page.click('label.switch:has-text("Semantic cache")');
    await page.locator('[data-testid="cache-saved"]:has-text("Saved")').waitFor();
    expect(settingsFile().cache.semantic?.enabled).toBe(true);
    expect(((await (await gw.admin('/admin/status')).json()) as { cache: { semantic: boolean } }).cache.semantic).toBe(true);

    await threshold.fill('0.85');
    await expect.poll(() => settingsFile().cache.semantic?.threshold).toBe(0.85);
    await page.locator('[data-testid="cache-saved"]:has-text("Saved")').waitFor();

    // Automatic first; the installed Ollama embedding model, by name; nomic-embed-text offered to pull.
    const embedder = page.locator('[data-testid="embedder"]');
    const labels = await embedder.locator('option').allTextContents();
    expect(labels).toEqual([
      'Automatic (an installed Ollama embedding model, else built-in)',
      'Built-in (word vectors + n-grams)',
      'Ollama · all-minilm',
      'Ollama · nomic-embed-text (not installed)',
      'OpenAI-compatible · text-embedding-3-small (openai)',
    ]);
    await embedder.selectOption({ label: 'Ollama · all-minilm' });
    await expect.poll(() => settingsFile().cache.semantic).toMatchObject({ embedder: 'ollama', embedderModel: 'all-minilm' });
    await expect
      .poll(async () => ((await (await gw.admin('/admin/cache/stats')).json()) as CacheStats).embedderLabel, { timeout: 5000 })
      .toBe('Ollama · all-minilm');

    await embedder.selectOption({ label: 'Ollama · nomic-embed-text (not installed)' });
    await page.click('[data-testid="pull-embedder"]');
    await expect.poll(() => ollama.models, { timeout: 8000 }).toContain('nomic-embed-text:latest');
    await expect.poll(() => embedder.locator('option').allTextContents(), { timeout: 8000 }).toContain('Ollama · nomic-embed-text');

    // Automatic: saved as auto, and the page says which model it picked (the pulled nomic-embed-text ranks first).
    expect(await page.locator('[data-testid="embedder-in-use"]').count()).toBe(0);
    await embedder.selectOption({ label: 'Automatic (an installed Ollama embedding model, else built-in)' });
    await expect.poll(() => settingsFile().cache.semantic?.embedder).toBe('auto');
    await page.locator('[data-testid="cache-saved"]:has-text("Saved")').waitFor();
    await expect.poll(() => page.textContent('[data-testid="embedder-in-use"]'), { timeout: 8000 }).toBe('Using now: Ollama · nomic-embed-text');
    await expect.poll(() => page.textContent('[data-testid="cache-embedder"]'), { timeout: 8000 }).toBe('Ollama · nomic-embed-text');

    await page.locator('[data-testid="exact-policy"]').selectOption('always');
    await expect.poll(() => settingsFile().cache.exact?.policy).toBe('always');
    await page.locator('[data-testid="cache-saved"]:has-text("Saved")').waitFor();
    await screenshot('cache');

    // Off again: the switch, the file and the status agree.
    await page.click('label.switch:has-text("Semantic cache")');
    await expect.poll(() => settingsFile().cache.semantic?.enabled).toBe(false);
    await page.locator('[data-testid="exact-policy"]').selectOption('deterministic');
    await expect.poll(() => settingsFile().cache.exact?.policy).toBe('deterministic');
  });

  // Last: it rebinds the gateway.
  it('LibreChat: compose override only with Docker; where it listens and why; the key revealed and copied on request', async () => {
    await show('librechat');
    expect(await page.locator('[data-testid="compose-override"]').count()).toBe(0);
    expect(await page.locator('[data-testid="reveal-key"]').count()).toBe(0); // no key yet

    await page.click('label.switch:has-text("Allow Docker containers")');
    await page.locator('[data-testid="compose-override"]').waitFor({ timeout: 8000 });
    const setup = (await (await gw.admin('/admin/librechat')).json()) as LibreChatSetup;
    const bind = (await page.textContent('[data-testid="bind-info"]')) ?? '';
    expect(bind).toContain(`Listening on ${setup.listening!.join(', ')}: ${setup.bindReason}`);
    if (setup.allInterfaces) expect(bind).toContain('Other machines on your network can reach it');

    const key = settingsFile().server.apiKey!;
    expect(key).toMatch(/^lk-/);
    expect(await page.content()).not.toContain(key);
    await page.click('[data-testid="copy-key"]');
    await page.locator('[data-testid="copy-key"]:has-text("Copied")').waitFor();
    expect(await page.evaluate<string>('navigator.clipboard.readText()')).toBe(key);
    expect(await page.content()).not.toContain(key); // copied, never shown

    await page.click('[data-testid="reveal-key"]');
    await expect(page.textContent('[data-testid="gateway-key-plain"]')).resolves.toBe(key);
    await page.click('button:text-is("Hide")');
    await expect.poll(() => page.content()).not.toContain(key);
    await screenshot('librechat');

    await page.click('label.switch:has-text("Allow Docker containers")');
    await expect.poll(() => page.locator('[data-testid="compose-override"]').count(), { timeout: 8000 }).toBe(0);
    await expect.poll(async () => (await gw.admin('/admin/status')).status).toBe(200);
  });
});
