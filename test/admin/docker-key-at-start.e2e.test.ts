// allowDocker written into the settings file by hand: the gateway makes its key at start (containers got 401
// before), says where it listens and why, reveals the key only on POST /admin/server/key/reveal, and a second
// gateway on the same data dir warns that it shares it.
import { request } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LibreChatSetup, StatusResponse } from '../../main/admin/contract.js';
import { claimInstance, instanceFile, otherInstance } from '../../main/cli/instance.js';
import { currentBindEnv, planBind } from '../../main/server/security/bind-policy.js';
import { startTestGateway } from '../helpers/gateway.js';

const lanAddress = Object.values(currentBindEnv().interfaces)
  .flat()
  .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;

/** Status of GET /v1/models from `address`, as a container would call it (Host: host.docker.internal). */
function modelsVia(address: string, port: number, key?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { host: `host.docker.internal:${port}`, ...(key ? { authorization: `Bearer ${key}` } : {}) };
    request({ host: address, port, path: '/v1/models', headers, agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    })
      .on('error', reject)
      .end();
  });
}

describe('allowDocker set in the settings file', () => {
  it('gets a key at start; a non-loopback client needs it; the key is revealed only by the POST', async () => {
    const gw = await startTestGateway({ server: { port: 0, allowDocker: true } });
    try {
      const saved = (JSON.parse(readFileSync(join(gw.dataDir, 'settings.json'), 'utf8')) as { server: { apiKey?: string } }).server.apiKey;
      expect(saved).toMatch(/^lk-[\w-]{40,}$/);

      const status = (await (await gw.admin('/admin/status')).json()) as StatusResponse;
      expect(JSON.stringify(status)).not.toContain(saved);
      const setup = (await (await gw.admin('/admin/librechat')).json()) as LibreChatSetup;
      expect(JSON.stringify(setup)).not.toContain(saved);
      const plan = planBind({ host: '127.0.0.1', allowDocker: true });
      expect(setup.bindReason).toBe(plan.reason);
      expect(setup.allInterfaces).toBe(plan.addresses.includes('0.0.0.0'));
      expect(setup.listening?.length).toBeGreaterThan(0);
      // Said in the log too, with the reason.
      expect(gw.logs()).toContain(`listening beyond loopback: ${plan.reason}`);

      const reveal = await gw.admin('/admin/server/key/reveal', { method: 'POST' });
      expect(reveal.status).toBe(200);
      expect(reveal.headers.get('cache-control')).toBe('no-store');
      expect(await reveal.json()).toEqual({ key: saved });
      // The admin token is required, like every admin route.
      expect((await fetch(`${gw.baseUrl}/admin/server/key/reveal`, { method: 'POST' })).status).toBe(401);

      // From off loopback (the bridge, or the LAN address when the plan is 0.0.0.0), the key is what lets a container in.
      const outside = plan.bridgeAddress ?? (plan.addresses.includes('0.0.0.0') ? lanAddress : undefined);
      if (outside) {
        expect(await modelsVia(outside, gw.port)).toBe(401);
        expect(await modelsVia(outside, gw.port, saved)).toBe(200);
      }
    } finally {
      await gw.close();
    }
  });

  it('a key already in the file is kept; no key and no Docker: reveal is a 404 that says how to get one', async () => {
    const withKey = await startTestGateway({ server: { port: 0, allowDocker: true, apiKey: 'lk-chosen-by-the-user-0123456789abcdef' } });
    try {
      expect(await (await withKey.admin('/admin/server/key/reveal', { method: 'POST' })).json()).toEqual({ key: 'lk-chosen-by-the-user-0123456789abcdef' });
    } finally {
      await withKey.close();
    }
    const plain = await startTestGateway({});
    try {
      const res = await plain.admin('/admin/server/key/reveal', { method: 'POST' });
      expect(res.status).toBe(404);
      const body = (await res.json()) as { error: { message: string; code: string } };
      expect(body.error.code).toBe('no_gateway_key');
      expect(body.error.message).toContain('Allow Docker containers');
      const setup = (await (await plain.admin('/admin/librechat')).json()) as LibreChatSetup;
      expect(setup.bindReason).toBe('loopback only (default)');
      expect(setup.allInterfaces).toBe(false);
    } finally {
      await plain.close();
    }
  });
});

describe('a second gateway on the same data dir', () => {
  it('warns, naming the first one and --data-dir; the first one alone does not', async () => {
    const first = await startTestGateway({});
    try {
      expect(first.logs()).not.toContain('already uses the data directory');
      // The first gateway runs in this process; a second process would find it by its pid in gateway.json.
      const record = JSON.parse(readFileSync(instanceFile(first.dataDir), 'utf8')) as { pid: number; port: number };
      expect(record).toMatchObject({ pid: process.pid, port: first.port });
      writeFileSync(instanceFile(first.dataDir), JSON.stringify({ ...record, pid: process.ppid }));
      const second = await startTestGateway({}, { dataDir: first.dataDir, keepSettingsFile: true });
      try {
        expect(second.logs()).toContain(`another Lynkr gateway (pid ${process.ppid}, port ${first.port}) already uses the data directory ${first.dataDir}`);
        expect(second.logs()).toContain('--data-dir');
        const status = (await (await second.admin('/admin/status')).json()) as StatusResponse;
        expect(status.warnings.join('\n')).toContain('already uses the data directory');
      } finally {
        await second.close();
      }
      // The second one never claimed the file, so closing it leaves the first one's record.
      expect(JSON.parse(readFileSync(instanceFile(first.dataDir), 'utf8'))).toMatchObject({ pid: process.ppid });
    } finally {
      await first.close();
    }
  });

  it('a stale record (a crashed gateway) is ignored', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lynkr-instance-'));
    try {
      // Above Linux's pid_max (4194304): no such process.
      claimInstance(dir, { pid: 2 ** 22 + 12345, port: 1, startedAt: 0 });
      expect(otherInstance(dir)).toBeUndefined();
      expect(otherInstance(dir, () => true)).toMatchObject({ port: 1 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
