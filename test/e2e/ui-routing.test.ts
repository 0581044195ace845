// The Routing page in real Chromium against a real gateway and fake upstreams: a provider added through the API
// is routed to from the page and the next request goes there; an alias is created, renamed and deleted; the
// model map is edited and its tester answers; an invalid target is refused beside its field; Cloud warns first.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AliasView, RoutingView } from '../../main/admin/contract.js';
import { startFakeOllama, type FakeOllama } from '../fakes/ollama.js';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/openai.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { ensureRendererBuilt, launchChromium, noBrowser, screenshotOf, screenshotWanted } from './browser.js';


let ollama: FakeOllama;
let lan: FakeOpenAI;
let gw: TestGateway;
let browser: Browser;
let page: Page;

const chat = (model: string) =>
  fetch(`${gw.baseUrl}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'where do I go?' }] }),
  });
const aliases = async () => (await (await gw.admin('/admin/aliases')).json()) as AliasView[];
const routing = async () => (await (await gw.admin('/admin/routing')).json()) as RoutingView;
const show = async (name: string) => {
  await page.click(`nav a[href="#/${name}"]`);
  await page.waitForSelector(`[data-testid="${name}"]`);
};


describe.skipIf(noBrowser)('the Routing page in Chromium', () => {
  beforeAll(async () => {
    ensureRendererBuilt();
    [ollama, lan] = await Promise.all([
      startFakeOllama({ models: ['llama3.2:3b'], script: { text: 'from ollama' } }),
      startFakeOpenAI({ models: ['m-large', 'm-small'], script: { text: 'from the lan box' } }),
    ]);
    gw = await startTestGateway({
      mode: 'auto',
      cache: { exact: { enabled: false } },
      providers: [{ id: 'ollama', kind: 'ollama', baseUrl: ollama.url, models: ['llama3.2:3b'] }],
      aliases: {
        'chat-fast': { description: 'Quick answers', targets: ['ollama/llama3.2:3b'] },
        'chat-quality': { description: 'Best answers', targets: ['ollama/llama3.2:3b'] },
      },
    });
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: 'light' })).newPage();
    page.setDefaultTimeout(8000);
    page.on('pageerror', (e) => console.log('page error:', e.message));
    await page.goto(`${gw.baseUrl}/ui/#token=${gw.adminToken}`);
    await page.waitForSelector('[data-testid="overview"]');
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await gw?.close();
    await Promise.all([ollama?.close(), lan?.close()]);
  });

  it('routes an alias to a newly added provider from the page; the next request goes there', async () => {
    // Setup through the API: a cloud provider whose models the gateway discovers (it lists none itself).
    const added = await gw.admin('/admin/providers', { method: 'POST', body: JSON.stringify({ id: 'lan', kind: 'openai-compatible', baseUrl: lan.url, apiKey: 'sk-lan-0123456789' }) });
    expect(added.status).toBe(201);
    await show('routing');
    const fast = page.locator('[data-testid="alias-chat-fast"]');
    const picker = fast.locator('[data-testid="add-target-chat-fast"]');
    // The picker groups every provider's discovered models, with their locality.
    await expect.poll(() => picker.locator('optgroup').evaluateAll((gs) => gs.map((g) => g.getAttribute('label')))).toEqual(['ollama · local', 'lan · cloud']);
    await expect(picker.locator('optgroup[label="lan · cloud"] option').allTextContents()).resolves.toEqual(['m-large', 'm-small']);
    await picker.selectOption('lan/m-large');
    await fast.locator('button:has-text("Add target")').click();
    await fast.locator('button[aria-label="Move lan/m-large up"]').click();
    await fast.locator('button:text-is("Save")').click();
    await expect.poll(async () => (await aliases()).find((a) => a.name === 'chat-fast')?.ownTargets).toEqual(['lan/m-large', 'ollama/llama3.2:3b']);
    await fast.locator('.target-row:has-text("lan/m-large") .pill.cloud').waitFor();

    const before = lan.count('/chat/completions');
    const res = await chat('chat-fast');
    expect(res.status).toBe(200);
    expect([res.headers.get('x-lynkr-alias'), res.headers.get('x-lynkr-provider')]).toEqual(['chat-fast', 'lan']);
    expect(lan.count('/chat/completions')).toBe(before + 1);
    expect(lan.requests.at(-1)?.body).toMatchObject({ model: 'm-large' });
  });

  it('refuses a typed target for an unknown provider beside the field', async () => {
    const fast = page.locator('[data-testid="alias-chat-fast"]');
    await fast.locator('[data-testid="add-target-chat-fast"]').selectOption('__typed');
    await fast.locator('[data-testid="add-target-chat-fast-typed"]').fill('nobody/some-model');
    await fast.locator('button:has-text("Add target")').click();
    await fast.locator('button:text-is("Save")').click();
    const error = fast.locator('li:has-text("nobody/some-model") .field-error');
    await expect(error.textContent()).resolves.toContain("no provider 'nobody'");
    await fast.locator('button:text-is("Undo")').click();
    expect((await aliases()).find((a) => a.name === 'chat-fast')?.ownTargets).toEqual(['lan/m-large', 'ollama/llama3.2:3b']);
  });

  it('creates, renames and deletes an alias', async () => {
    await page.click('[data-testid="new-alias-open"]');
    const form = page.locator('[data-testid="new-alias"]');
    await form.locator('input[aria-label="New alias name"]').fill('chat-code');
    await form.locator('input[aria-label="New alias description"]').fill('Code questions');
    await form.locator('[data-testid="new-alias-target"]').selectOption('lan/m-small');
    await form.locator('button:has-text("Create")').click();
    const card = page.locator('[data-testid="alias-chat-code"]');
    await card.waitFor();
    const created = (await aliases()).find((a) => a.name === 'chat-code');
    expect([created?.description, created?.ownTargets]).toEqual(['Code questions', ['lan/m-small']]);
    const res = await chat('chat-code');
    expect([res.status, res.headers.get('x-lynkr-provider')]).toEqual([200, 'lan']);

    await card.locator('input[aria-label="Name of chat-code"]').fill('chat-coder');
    await card.locator('button:text-is("Save")').click();
    await page.locator('[data-testid="alias-chat-coder"]').waitFor();
    expect((await aliases()).map((a) => a.name)).not.toContain('chat-code');

    const renamed = page.locator('[data-testid="alias-chat-coder"]');
    await renamed.locator('button[aria-label="Delete chat-coder"]').click();
    await renamed.locator('button:has-text("Delete chat-coder")').click();
    await expect.poll(() => page.locator('[data-testid="alias-chat-coder"]').count()).toBe(0);
    expect((await aliases()).map((a) => a.name)).not.toContain('chat-coder');
    expect((await chat('chat-coder')).status).toBe(404);
  });

  it('edits the model map and the tester says where a name goes', async () => {
    const map = page.locator('[data-testid="model-map"]');
    const tester = page.locator('#tester-name');
    await tester.fill('my-editor-model');
    await expect(page.locator('[data-testid="tester-result"]').textContent()).resolves.toContain('404');
    await map.locator('[data-testid="map-add"]').click();
    const rows = map.locator('[data-testid="map-row"]');
    const last = rows.last();
    await last.locator('input[aria-label^="Pattern"]').fill('my-editor-*');
    await last.locator('input[aria-label^="Alias for pattern"]').fill('chat-fast');
    await map.locator('[data-testid="map-save"]').click();
    await expect.poll(async () => (await routing()).modelMap.at(-1)).toEqual({ pattern: 'my-editor-*', alias: 'chat-fast' });
    const result = page.locator('[data-testid="tester-result"]');
    await expect.poll(() => result.textContent()).toMatch(/alias chat-fast \(pattern my-editor-\*\).*lan\/m-large.*ollama\/llama3\.2:3b/);
    const res = await chat('my-editor-model');
    expect([res.status, res.headers.get('x-lynkr-alias'), res.headers.get('x-lynkr-provider')]).toEqual([200, 'chat-fast', 'lan']);

    // A pattern naming no alias is refused beside its field.
    await last.locator('input[aria-label^="Alias for pattern"]').fill('no-such-alias');
    await map.locator('[data-testid="map-save"]').click();
    await expect(last.locator('.field-error').textContent()).resolves.toContain("no alias 'no-such-alias'");
    await map.locator('button:text-is("Undo")').click();
  });

  it('saves the fallback settings and the tiers', async () => {
    const fb = page.locator('[data-testid="fallback"]');
    await fb.locator('[data-testid="fallback-retries"]').fill('9');
    await page.locator('button:has-text("Save fallback")').click();
    await expect(fb.locator('.field-error').textContent()).resolves.toContain('retries');
    await fb.locator('[data-testid="fallback-retries"]').fill('2');
    await fb.locator('[data-testid="fallback-cooldownS"]').fill('45');
    await page.locator('button:has-text("Save fallback")').click();
    await expect.poll(async () => (await routing()).fallback).toMatchObject({ retries: 2, breakerCooldownMs: 45_000 });

    await page.locator('[data-testid="tier-COMPLEX"]').selectOption('lan/m-large');
    await page.locator('button:has-text("Save tiers")').click();
    await expect.poll(async () => (await routing()).tiers.COMPLEX).toBe('lan/m-large');
    if (screenshotWanted('routing')) {
      // The picture shows the tester answering.
      await page.locator('#tester-name').fill('my-editor-model');
      await page.locator('[data-testid="tester-result"]').waitFor();
      await page.locator('#tester-name').blur();
      await page.evaluate('window.scrollTo(0, 0)');
      await screenshotOf(page, 'routing');
    }
  });

  it('Cloud warns first, naming the aliases it would leave without a target, and offers to add one', async () => {
    await show('overview');
    await page.click('[data-testid="mode-switch"] button:has-text("Cloud")');
    const warning = page.locator('[data-testid="mode-warning"]');
    await warning.waitFor();
    // chat-quality has only the local model; chat-fast has the lan box now.
    await expect(warning.locator('li').allTextContents()).resolves.toEqual(expect.arrayContaining(['chat-quality']));
    await expect(warning.locator('li').allTextContents()).resolves.not.toContain('chat-fast');
    expect(((await (await gw.admin('/admin/status')).json()) as { mode: string }).mode).toBe('auto');

    await warning.locator('[data-testid="mode-add-target"]').click();
    await page.waitForSelector('[data-testid="routing"]');
    await show('overview');
    await page.click('[data-testid="mode-switch"] button:has-text("Cloud")');
    await page.click('[data-testid="mode-switch-anyway"]');
    await page.waitForSelector('[data-testid="mode-switch"] [aria-checked="true"]:has-text("Cloud")');
    const res = await chat('chat-quality');
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain('add a cloud target to chat-quality');
    await page.click('[data-testid="mode-switch"] button:has-text("Auto")');
    await page.waitForSelector('[data-testid="mode-switch"] [aria-checked="true"]:has-text("Auto")');
  });
});
