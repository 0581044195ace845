import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { adminBaseFor, createAdminClient, isHealthy, waitForHealth } from '../../main/desktop/admin-client.js';

let server: http.Server | undefined;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

describe('desktop admin client', () => {
  it('sends the bearer token and JSON, and surfaces error messages', async () => {
    const seen: { method?: string; url?: string; auth?: string; body: string }[] = [];
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push({ method: req.method, url: req.url, auth: req.headers.authorization, body });
        res.setHeader('content-type', 'application/json');
        if (req.url === '/admin/mode') {
          const mode = (JSON.parse(body) as { mode: string }).mode;
          if (mode === 'bogus') {
            res.statusCode = 400;
            res.end(JSON.stringify({ error: { message: 'mode: Invalid option' } }));
          } else res.end(JSON.stringify({ mode }));
        } else res.end(JSON.stringify({ service: 'lynkr-desktop', port: 8081, mode: 'auto', requestsToday: 5 }));
      });
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    expect(adminBaseFor(port)).toBe(`http://127.0.0.1:${port}`);
    const client = createAdminClient(adminBaseFor(port), 'tok-123');
    expect((await client.status()).requestsToday).toBe(5);
    expect(await client.setMode('local')).toBe('local');
    await expect(client.setMode('bogus' as 'local')).rejects.toThrow('PUT /admin/mode: HTTP 400: mode: Invalid option');
    expect(seen[0]).toEqual({ method: 'GET', url: '/admin/status', auth: 'Bearer tok-123', body: '' });
    expect(seen[1]).toEqual({ method: 'PUT', url: '/admin/mode', auth: 'Bearer tok-123', body: '{"mode":"local"}' });
  });
});

describe('gateway health', () => {
  it('waits until /health answers, and gives up after the timeout', async () => {
    let healthy = false;
    server = http.createServer((req, res) => {
      res.statusCode = req.url === '/health' && healthy ? 200 : 503;
      res.end();
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const base = adminBaseFor((server.address() as AddressInfo).port);
    expect(await isHealthy(base)).toBe(false);
    const started = Date.now();
    await waitForHealth(base, 300);
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    setTimeout(() => (healthy = true), 150);
    await waitForHealth(base, 5_000);
    expect(await isHealthy(base)).toBe(true);
    expect(Date.now() - started).toBeLessThan(2_000);
    // Nothing listening: false, not a throw.
    expect(await isHealthy('http://127.0.0.1:1')).toBe(false);
  });
});
