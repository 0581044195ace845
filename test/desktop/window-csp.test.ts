// The desktop window's CSP and preload bridge against the real renderer bundle in Chromium: the header that
// window.ts adds (emulated here with a route that adds it, as onHeadersReceived does) must not break the UI,
// must really be enforced, and window.lynkr (what preload.cts exposes) must be enough to log in.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentSecurityPolicy } from '../../main/desktop/window-policy.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { ensureRendererBuilt, launchChromium, noBrowser } from '../e2e/browser.js';

let gw: TestGateway;
let browser: Browser;

async function openWindow(bridge: { adminBase: string; token: string } | undefined): Promise<{ page: Page; violations: string[]; errors: string[] }> {
  const page = await browser.newPage();
  const violations: string[] = [];
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.exposeFunction('__cspViolation', (d: string) => void violations.push(d));
  await page.addInitScript(`document.addEventListener('securitypolicyviolation', (e) => window.__cspViolation(e.violatedDirective + ' ' + e.blockedURI));`);
  if (bridge) await page.addInitScript(`window.lynkr = Object.freeze(${JSON.stringify(bridge)});`);
  // What session.webRequest.onHeadersReceived does in window.ts.
  await page.route(`${gw.baseUrl}/**`, async (route) => {
    const response = await route.fetch();
    await route.fulfill({ response, headers: { ...response.headers(), 'content-security-policy': contentSecurityPolicy() } });
  });
  // A late request (e.g. the favicon) must not outlive the page inside a route callback.
  const close = page.close.bind(page);
  page.close = async (opts) => {
    await page.unrouteAll({ behavior: 'ignoreErrors' });
    return close(opts);
  };
  return { page, violations, errors };
}

// Outside CI a machine without Chromium skips these; in CI (which installs it) a missing browser must fail.
describe.skipIf(noBrowser)('window CSP and preload bridge in Chromium', () => {
  beforeAll(async () => {
    ensureRendererBuilt();
    gw = await startTestGateway({});
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await gw?.close();
  });

  it('renders the dashboard under the strict CSP with only the preload bridge (no token in the URL)', async () => {
    const { page, violations, errors } = await openWindow({ adminBase: gw.baseUrl, token: gw.adminToken });
    const res = await page.goto(`${gw.baseUrl}/ui/index.html`);
    expect(res?.headers()['content-security-policy']).toBe(contentSecurityPolicy());
    await page.waitForSelector('[data-testid="overview"]', { timeout: 10_000 });
    await page.waitForTimeout(300); // let lazy chunks (charts) load under the policy too
    expect(violations).toEqual([]);
    expect(errors.filter((e) => /Content Security Policy/i.test(e))).toEqual([]);
    await page.close();
  });

  it('really enforces the policy: a request to another origin is blocked before it leaves', async () => {
    const { page, violations } = await openWindow({ adminBase: gw.baseUrl, token: gw.adminToken });
    await page.goto(`${gw.baseUrl}/ui/index.html`);
    await page.waitForSelector('[data-testid="overview"]', { timeout: 10_000 });
    // A loopback port nobody listens on: nothing leaves this machine even if the policy failed.
    const outcome = await page.evaluate<string>(`fetch('http://127.0.0.1:9/x').then(() => 'sent', (e) => 'blocked: ' + e.message)`);
    expect(outcome).toMatch(/^blocked/);
    await expect.poll(() => violations.some((v) => v.startsWith('connect-src http://127.0.0.1:9'))).toBe(true);
    await page.close();
  });

  it('without the bridge or a token the window says what is wrong in words', async () => {
    const { page } = await openWindow(undefined);
    await page.goto(`${gw.baseUrl}/ui/index.html`);
    await expect.poll(async () => (await page.textContent('body')) ?? '', { timeout: 10_000 }).toMatch(/token/i);
    await page.close();
  });
});
