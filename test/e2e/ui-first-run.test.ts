// The first run in real Chromium: the user's model (OLLAMA_MODEL) is missing from a running Ollama, so the Overview
// says so with the exact `ollama pull`, and its Pull button pulls with progress until the warning goes; a stopped
// Ollama reads "down" in the providers' health and "Installed, stopped"/"Not found" in the panel, never a green dot.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOllama, type FakeOllama } from '../fakes/ollama.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { ensureRendererBuilt, launchChromium, noBrowser } from './browser.js';


describe.skipIf(noBrowser)('first run in the window', () => {
  let ollama: FakeOllama;
  let gw: TestGateway;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    // The renderer bundle must be current: `npx vite build renderer` (ui.test.ts rebuilds it when stale).
    ollama = await startFakeOllama({ models: ['llama3.2:3b'], pullSteps: 10, pullDelayMs: 100 });
    gw = await startTestGateway({ cache: { exact: { enabled: false } }, providers: [{ id: 'ollama', kind: 'ollama', baseUrl: ollama.url }] }, { env: { OLLAMA_MODEL: 'qwen2.5-coder:7b' } });
    ensureRendererBuilt();
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    page.setDefaultTimeout(8000);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await gw?.close();
    await ollama?.close();
  });

  it('warns that the aliases\' model is missing, shows the ollama pull, and its Pull button fixes it with progress', async () => {
    await page.goto(`${gw.baseUrl}/ui/#token=${gw.adminToken}`);
    const warning = page.locator('[data-testid="missing-model"]');
    await warning.waitFor();
    expect(await warning.innerText()).toContain('qwen2.5-coder:7b is not installed');
    expect(await warning.locator('code').innerText()).toBe('ollama pull qwen2.5-coder:7b');
    expect(await page.locator('[data-testid="health-ollama"] [data-testid="health-state"]').innerText()).toBe('up');
    await warning.locator('button', { hasText: 'Pull qwen2.5-coder:7b' }).click();
    await page.locator('[data-testid="pull-progress"]').waitFor();
    expect(await page.inputValue('[data-testid="pull-model"]')).toBe('qwen2.5-coder:7b');
    await page.locator('text=Pulled qwen2.5-coder:7b.').waitFor({ timeout: 15_000 });
    await warning.waitFor({ state: 'detached', timeout: 10_000 });
    expect(ollama.models).toContain('qwen2.5-coder:7b');
  });

  it('a stopped Ollama is down in the providers\' health, never a green dot beside "Not found"', async () => {
    await ollama.stop();
    // A request that finds it stopped: its health changes at once (the last request could not connect).
    const res = await fetch(`${gw.baseUrl}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'chat-fast', messages: [{ role: 'user', content: 'hi' }] }) });
    expect(res.status).toBe(502);
    await page.reload();
    const state = page.locator('[data-testid="health-ollama"] [data-testid="health-state"]');
    await page.waitForFunction(`document.querySelector('[data-testid="health-ollama"] [data-testid="health-state"]')?.textContent === 'down'`);
    expect(await state.innerText()).toBe('down');
    expect(await page.locator('[data-testid="health-ollama"] .dot').getAttribute('class')).toContain('bad');
    await ollama.restart();
  });
});
