import { describe, expect, it } from 'vitest';
import { decideLaunch, hasDisplay, type LaunchFacts } from '../../main/cli/launch-decision.js';
import type { StartGateway } from '../../main/cli/io.js';
import type { StartOptions } from '../../main/cli/start.js';
import { runCli } from './run.js';

function fakeStart(fail?: Error) {
  const calls: StartOptions[] = [];
  let closed = 0;
  const start: StartGateway = async (opts) => {
    calls.push(opts);
    if (fail) throw fail;
    return {
      baseUrl: 'http://localhost:9123/v1',
      dockerBaseUrl: 'http://host.docker.internal:9123/v1',
      uiUrl: 'http://localhost:9123/ui/#token=tok',
      port: 9123,
      reachable: ['ollama', 'openai'],
      close: async () => {
        closed++;
      },
    };
  };
  return { start, calls, closed: () => closed };
}

describe('lynkr start', () => {
  it('passes flags, data dir and environment; prints one line with both URLs and reachable providers', async () => {
    const f = fakeStart();
    const run = await runCli(['start', '--port', '9123', '--host', '0.0.0.0', '--env-file', 'my.env', '--data-dir', '/tmp/dd'], {
      startGateway: f.start,
      env: { OPENAI_API_KEY: 'x' },
      onSignal: () => {},
    });
    expect(run.error).toBeUndefined();
    expect(f.calls).toHaveLength(1);
    expect(f.calls[0]).toMatchObject({ flags: { port: 9123, host: '0.0.0.0', envFile: 'my.env' }, dataDir: '/tmp/dd', env: { OPENAI_API_KEY: 'x' } });
    expect(run.out).toEqual([
      'Lynkr gateway on http://localhost:9123/v1 (Docker: http://host.docker.internal:9123/v1) · providers up: ollama, openai · dashboard: http://localhost:9123/ui/#token=tok',
    ]);
  });

  it('SIGINT closes the gateway then exits 0; a second signal exits 1 at once', async () => {
    const f = fakeStart();
    let signal: ((s: NodeJS.Signals) => void) | undefined;
    const exits: number[] = [];
    await runCli(['start'], { startGateway: f.start, onSignal: (h) => (signal = h), exit: (c) => exits.push(c) });
    signal?.('SIGTERM');
    signal?.('SIGINT');
    await new Promise((r) => setImmediate(r));
    expect(f.closed()).toBe(1);
    expect(exits).toEqual([1, 0]);
  });

  it('a port in use and a bad config are one readable line', async () => {
    const inUse = Object.assign(new Error('listen EADDRINUSE: address already in use 127.0.0.1:8081'), { code: 'EADDRINUSE' });
    const run = await runCli(['start', '--port', '8081'], { startGateway: fakeStart(inUse).start, onSignal: () => {} });
    expect(run.error?.message).toBe('port 8081 is already in use — is a gateway already running? (`lynkr status`) Or choose another with --port');
    const bad = Object.assign(new Error('settings: server.port: Too big (from PORT)'), { name: 'SettingsError' });
    expect((await runCli(['start'], { startGateway: fakeStart(bad).start })).error?.message).toBe('settings: server.port: Too big (from PORT)');
    expect((await runCli(['start', '--port', 'eighty'])).error?.message).toMatch(/expected a port number/);
  });
});

const facts = (over: Partial<LaunchFacts>): LaunchFacts => ({
  platform: 'linux',
  env: { DISPLAY: ':0' },
  electronPath: '/app/node_modules/electron/dist/electron',
  electronExists: true,
  desktopBuilt: true,
  ...over,
});

describe('npm start: desktop or headless', () => {
  it('runs Electron when its binary, a display and the built app are there', () => {
    expect(decideLaunch(facts({}))).toEqual({ kind: 'electron', electronPath: '/app/node_modules/electron/dist/electron' });
    expect(decideLaunch(facts({ platform: 'darwin', env: {} })).kind).toBe('electron');
    expect(decideLaunch(facts({ platform: 'win32', env: {} })).kind).toBe('electron');
    expect(decideLaunch(facts({ env: { WAYLAND_DISPLAY: 'wayland-0' } })).kind).toBe('electron');
  });

  it('says why it falls back to headless, and opens a browser only with a display', () => {
    // In our own words (launch.test.ts has the cases), never Electron's "delete node_modules/electron and try again".
    expect(decideLaunch(facts({ electronPath: undefined, electronError: 'Electron failed to install correctly', env: { ELECTRON_SKIP_BINARY_DOWNLOAD: '1' } }))).toMatchObject({
      kind: 'headless', reason: expect.stringContaining('ELECTRON_SKIP_BINARY_DOWNLOAD is set'), openBrowser: false,
    });
    expect(decideLaunch(facts({ electronPath: undefined, electronError: 'Electron failed to install correctly' }))).toMatchObject({
      kind: 'headless', reason: expect.stringContaining('Electron binary, which is missing'), openBrowser: true,
    });
    expect(decideLaunch(facts({ electronExists: false })).kind).toBe('headless');
    expect(decideLaunch(facts({ env: {} }))).toEqual({ kind: 'headless', reason: 'no display (DISPLAY and WAYLAND_DISPLAY are unset)', openBrowser: false });
    expect(decideLaunch(facts({ desktopBuilt: false }))).toMatchObject({ kind: 'headless', reason: expect.stringMatching(/desktop app is not built/), openBrowser: true });
    expect(decideLaunch(facts({ env: { DISPLAY: ':0', LYNKR_HEADLESS: '1' } }))).toEqual({ kind: 'headless', reason: 'LYNKR_HEADLESS is set', openBrowser: true });
    expect(decideLaunch(facts({ env: { DISPLAY: ':0', LYNKR_HEADLESS: '0' } })).kind).toBe('electron');
  });

  it('display detection per OS', () => {
    expect(hasDisplay('linux', {})).toBe(false);
    expect(hasDisplay('linux', { DISPLAY: ':1' })).toBe(true);
    expect(hasDisplay('freebsd', { WAYLAND_DISPLAY: 'w' })).toBe(true);
    expect(hasDisplay('darwin', {})).toBe(true);
  });
});
