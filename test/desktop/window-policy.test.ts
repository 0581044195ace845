import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, createCloseGuard, isAllowedNavigation, isExternalLink, statusPageUrl } from '../../main/desktop/window-policy.js';

describe('window policy', () => {
  it('has a CSP without remote or inline scripts', () => {
    const csp = contentSecurityPolicy();
    const directives = Object.fromEntries(csp.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1)]));
    expect(directives['default-src']).toEqual(["'self'"]);
    expect(directives['script-src']).toEqual(["'self'"]);
    expect(directives['connect-src']).toEqual(["'self'"]);
    expect(directives['object-src']).toEqual(["'none'"]);
    expect(csp).not.toMatch(/unsafe-eval|https?:|\*/);
  });

  it('keeps the window on the gateway /ui pages', () => {
    const origin = 'http://127.0.0.1:8081';
    expect(isAllowedNavigation('http://127.0.0.1:8081/ui/#/logs', origin)).toBe(true);
    expect(isAllowedNavigation('http://127.0.0.1:8081/admin/status', origin)).toBe(false);
    expect(isAllowedNavigation('http://127.0.0.1:9999/ui/', origin)).toBe(false);
    expect(isAllowedNavigation('https://evil.example/ui/', origin)).toBe(false);
    expect(isAllowedNavigation('not a url', origin)).toBe(false);
  });

  it('opens only web links externally', () => {
    expect(isExternalLink('https://ollama.com/download')).toBe(true);
    expect(isExternalLink('file:///etc/passwd')).toBe(false);
    expect(isExternalLink('javascript:alert(1)')).toBe(false);
  });

  it('hides on close until a quit (including a quit for an update) is marked', () => {
    const g = createCloseGuard();
    expect(g.hideInsteadOfClose(true)).toBe(true);
    expect(g.hideInsteadOfClose(false)).toBe(false); // no tray: never strand a hidden window
    g.markQuitting();
    expect(g.isQuitting()).toBe(true);
    expect(g.hideInsteadOfClose(true)).toBe(false);
  });

  it('escapes the status page text', () => {
    const url = statusPageUrl('Port <8081> in use', 'by "x" & y');
    const html = decodeURIComponent(url.slice(url.indexOf(',') + 1));
    expect(html).toContain('Port &#60;8081&#62; in use');
    expect(html).toContain('by &#34;x&#34; &#38; y');
  });
});
