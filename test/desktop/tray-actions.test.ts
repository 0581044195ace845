// Each tray menu item does its one thing, in order, and a failure becomes a reported message, never a throw.
import { describe, expect, it } from 'vitest';
import { createTrayActions, type TrayActionDeps } from '../../main/desktop/tray-actions.js';
import type { TrayActionId } from '../../main/desktop/tray-model.js';

function recorder(fail?: keyof TrayActionDeps): { calls: string[]; act: (id: TrayActionId) => Promise<void> } {
  const calls: string[] = [];
  const step = (name: keyof TrayActionDeps, ...args: unknown[]): void => {
    if (name === fail) throw new Error(`${name} broke`);
    calls.push([name, ...args].join(' '));
  };
  const act = createTrayActions({
    setMode: async (mode) => step('setMode', mode),
    pollStatus: async () => step('pollStatus'),
    urls: () => ({ baseUrl: 'http://localhost:9/v1', dockerBaseUrl: 'http://host.docker.internal:9/v1' }),
    copyText: (text) => step('copyText', text),
    showWindow: () => step('showWindow'),
    pause: async () => step('pause'),
    resume: async () => step('resume'),
    toggleStartAtLogin: async () => step('toggleStartAtLogin'),
    checkForUpdates: async () => step('checkForUpdates'),
    installUpdate: () => step('installUpdate'),
    quit: async () => step('quit'),
    reportError: (message) => void calls.push(`reportError ${message}`),
  });
  return { calls, act };
}

describe('tray actions', () => {
  it.each<[TrayActionId, string[]]>([
    ['mode:local', ['setMode local', 'pollStatus']],
    ['mode:cloud', ['setMode cloud', 'pollStatus']],
    ['mode:auto', ['setMode auto', 'pollStatus']],
    ['copy-base-url', ['copyText http://localhost:9/v1']],
    ['copy-docker-url', ['copyText http://host.docker.internal:9/v1']],
    ['open-dashboard', ['showWindow']],
    ['pause', ['pause']],
    ['resume', ['resume', 'pollStatus']],
    ['start-at-login', ['toggleStartAtLogin']],
    ['check-updates', ['checkForUpdates']],
    ['install-update', ['installUpdate']],
    ['quit', ['quit']],
  ])('%s', async (id, expected) => {
    const { calls, act } = recorder();
    await act(id);
    expect(calls).toEqual(expected);
  });

  it('reports a failure in words and stops there', async () => {
    const { calls, act } = recorder('setMode');
    await expect(act('mode:cloud')).resolves.toBeUndefined();
    expect(calls).toEqual(['reportError setMode broke']);
  });
});
