import type { NetworkInterfaceInfo } from 'node:os';
import { describe, expect, it } from 'vitest';
import { dockerBridgeAddress, isLoopback, planBind } from '../../main/server/security/bind-policy.js';

const iface = (address: string, family: 'IPv4' | 'IPv6', internal = false): NetworkInterfaceInfo =>
  ({ address, family, internal, netmask: '', mac: '00:00:00:00:00:00', cidr: null }) as NetworkInterfaceInfo;

const lo = { lo: [iface('127.0.0.1', 'IPv4', true), iface('::1', 'IPv6', true)] };
const eth = { eth0: [iface('192.168.1.20', 'IPv4')] };
const docker0 = { docker0: [iface('172.18.5.1', 'IPv4'), iface('fe80::1', 'IPv6')] };

describe('planBind', () => {
  it('defaults to 127.0.0.1 and ::1 only', () => {
    const plan = planBind({ host: '127.0.0.1', allowDocker: false }, { platform: 'linux', interfaces: { ...lo, ...eth, ...docker0 } });
    expect(plan.addresses).toEqual(['127.0.0.1', '::1']);
    expect(plan.bridgeAddress).toBeUndefined();
  });

  it('skips ::1 on an IPv4-only host', () => {
    const plan = planBind({ host: 'localhost', allowDocker: false }, { platform: 'linux', interfaces: { lo: [iface('127.0.0.1', 'IPv4', true)] } });
    expect(plan.addresses).toEqual(['127.0.0.1']);
  });

  it('adds the docker0 address (whatever it is) on Linux with allowDocker, not 0.0.0.0', () => {
    const plan = planBind({ host: '127.0.0.1', allowDocker: true }, { platform: 'linux', interfaces: { ...lo, ...eth, ...docker0 } });
    expect(plan.addresses).toEqual(['127.0.0.1', '::1', '172.18.5.1']);
    expect(plan.bridgeAddress).toBe('172.18.5.1');
    expect(plan.addresses).not.toContain('0.0.0.0');
  });

  it('falls back to 172.17.0.1 only when some interface has it', () => {
    const renamed = { br0: [iface('172.17.0.1', 'IPv4')] };
    expect(dockerBridgeAddress({ ...lo, ...renamed })).toBe('172.17.0.1');
    expect(dockerBridgeAddress({ ...lo, ...eth })).toBeUndefined();
  });

  it('uses 0.0.0.0 with a stated reason when Linux has no bridge', () => {
    const plan = planBind({ host: '127.0.0.1', allowDocker: true }, { platform: 'linux', interfaces: { ...lo, ...eth } });
    expect(plan.addresses).toEqual(['0.0.0.0']);
    expect(plan.reason).toMatch(/no docker0/);
    expect(plan.reason).toMatch(/gateway key/);
  });

  it('stays on loopback on macOS and Windows (Docker Desktop forwards to loopback)', () => {
    for (const platform of ['darwin', 'win32'] as const) {
      const plan = planBind({ host: '127.0.0.1', allowDocker: true }, { platform, interfaces: { ...lo, ...eth, ...docker0 } });
      expect(plan.addresses).toEqual(['127.0.0.1', '::1']);
      expect(plan.reason).toMatch(/Docker Desktop/);
    }
  });

  it('an explicit HOST wins over everything', () => {
    const env = { platform: 'linux' as const, interfaces: { ...lo, ...eth, ...docker0 } };
    expect(planBind({ host: '0.0.0.0', allowDocker: true }, env).addresses).toEqual(['0.0.0.0']);
    expect(planBind({ host: '192.168.1.20', allowDocker: false }, env).addresses).toEqual(['192.168.1.20']);
    expect(planBind({ host: '[fd00::5]', allowDocker: false }, env).addresses).toEqual(['fd00::5']);
  });
});

describe('isLoopback', () => {
  it.each(['127.0.0.1', '127.5.6.7', '::1', '::ffff:127.0.0.1', '::FFFF:127.1.2.3', '0:0:0:0:0:0:0:1'])('%s is loopback', (a) => {
    expect(isLoopback(a)).toBe(true);
  });
  it.each(['172.17.0.2', '192.168.1.5', '::ffff:10.0.0.1', 'fe80::1', '::', '0.0.0.0', '128.0.0.1', '127.0.0.1.evil', '', undefined])(
    '%s is not loopback',
    (a) => {
      expect(isLoopback(a)).toBe(false);
    },
  );
});
