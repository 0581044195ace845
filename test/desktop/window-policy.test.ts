import { describe, expect, it } from 'vitest';
import {
  contentSecurityPolicy,
  createCloseGuard,
  dashboardPage,
  isAllowedNavigation,
  isExternalLink,
  preloadConfigFor,
  statusPageUrl,
} from '../../main/desktop/window-policy.js';

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

describe('which page the window shows, and who gets the token', () => {
  const access = { origin: 'http://127.0.0.1:8081', token: 'tok/+=' };
  const text = (url: string | undefined): string => decodeURIComponent(url ?? '');

  it('shows /ui with the token in the fragment once running, after the gateway answers', () => {
    expect(dashboardPage({ phase: 'running' }, access)).toEqual({
      url: 'http://127.0.0.1:8081/ui/index.html#token=tok%2F%2B%3D',
      gatewayOrigin: 'http://127.0.0.1:8081',
    });
  });

  it('shows a status page when paused or stopped, and keeps the page while starting', () => {
    expect(text(dashboardPage({ phase: 'paused' }, access)?.url)).toContain('The gateway is paused');
    const conflict = { port: 8081, message: 'Port 8081 is already in use by nginx.' };
    expect(text(dashboardPage({ phase: 'stopped', error: 'port 8081 is in use', conflict }, undefined)?.url)).toContain('Port 8081 is already in use by nginx.');
    expect(text(dashboardPage({ phase: 'stopped', error: 'boom' }, undefined)?.url)).toContain('boom');
    expect(dashboardPage({ phase: 'stopped' }, undefined)?.gatewayOrigin).toBeUndefined();
    expect(dashboardPage({ phase: 'starting' }, access)).toBeUndefined();
    expect(dashboardPage({ phase: 'running' }, undefined)).toBeUndefined();
    expect(dashboardPage(undefined, undefined)).toBeUndefined();
  });

  it('gives the preload the admin base and token only on our own /ui page', () => {
    expect(preloadConfigFor('http://127.0.0.1:8081/ui/#/logs', access)).toEqual({ adminBase: 'http://127.0.0.1:8081', token: 'tok/+=' });
    expect(preloadConfigFor('http://127.0.0.1:8081/v1/models', access)).toBeNull();
    expect(preloadConfigFor('https://evil.example/ui/', access)).toBeNull();
    // Only the dashboard's own path: a sibling path on the same origin is not it.
    expect(preloadConfigFor('http://127.0.0.1:8081/uix', access)).toBeNull();
    expect(preloadConfigFor('http://127.0.0.1:8081/ui', access)).toEqual({ adminBase: 'http://127.0.0.1:8081', token: 'tok/+=' });
    expect(preloadConfigFor(undefined, access)).toBeNull();
    expect(preloadConfigFor('http://127.0.0.1:8081/ui/', undefined)).toBeNull();
  });
});
