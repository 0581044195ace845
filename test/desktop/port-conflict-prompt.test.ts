// The start-up loop when the port is taken: what the dialog asks, and what each answer does (a fake controller
// and a scripted user; the real controller's conflict detection is in gateway-controller.test.ts).
import { describe, expect, it } from 'vitest';
import type { ControllerState, PortConflict } from '../../main/desktop/gateway-controller.js';
import { conflictQuestion, startAskingOnConflict, type ConflictQuestion } from '../../main/desktop/port-conflict-prompt.js';

const conflict = (freePort?: number): PortConflict => ({ port: 8081, freePort, message: 'Port 8081 is already in use by nginx (pid 7).' });
const blocked = (freePort?: number): ControllerState => ({ phase: 'stopped', port: 8081, error: 'port 8081 is in use', conflict: conflict(freePort) });
const runningOn = (port: number): ControllerState => ({ phase: 'running', port });

/** Answers the controller's starts from `results` in order and the user's questions from `answers`. */
function script(results: ControllerState[], answers: string[]) {
  const starts: (number | undefined)[] = [];
  const asked: ConflictQuestion[] = [];
  const remembered: number[] = [];
  let forgot = 0;
  const run = startAskingOnConflict({
    controller: {
      start: async (port?: number) => (starts.push(port), results.shift()!),
      forgetPort: () => void forgot++,
    },
    ask: async (q) => (asked.push(q), q.buttons.indexOf(answers.shift()!)),
    rememberPort: (port) => void remembered.push(port),
  });
  return { run, starts, asked, remembered, forgot: () => forgot };
}

describe('port conflict prompt', () => {
  it('asks with the next free port first and LibreChat in the detail', () => {
    expect(conflictQuestion(conflict(8082))).toEqual({
      message: 'The gateway cannot listen on port 8081',
      detail: 'Port 8081 is already in use by nginx (pid 7).\n\nIf you use another port, update the base URL in LibreChat.',
      buttons: ['Use port 8082', 'Try again', 'Quit'],
    });
    expect(conflictQuestion(conflict()).buttons).toEqual(['Try again', 'Quit']);
  });

  it('starts without asking when the port is free', async () => {
    const s = script([runningOn(8081)], []);
    expect(await s.run).toEqual(runningOn(8081));
    expect(s.asked).toEqual([]);
    expect(s.remembered).toEqual([]);
  });

  it('"Use port" starts there, remembers it and forgets the explicit choice', async () => {
    const s = script([blocked(8082), runningOn(8082)], ['Use port 8082']);
    expect(await s.run).toEqual(runningOn(8082));
    expect(s.starts).toEqual([undefined, 8082]);
    expect(s.remembered).toEqual([8082]);
    expect(s.forgot()).toBe(1);
  });

  it('"Try again" retries the configured port and remembers nothing; it asks again while the conflict stays', async () => {
    const s = script([blocked(8082), blocked(8083), runningOn(8081)], ['Try again', 'Try again']);
    expect(await s.run).toEqual(runningOn(8081));
    expect(s.starts).toEqual([undefined, undefined, undefined]);
    expect(s.asked.map((q) => q.buttons[0])).toEqual(['Use port 8082', 'Use port 8083']);
    expect(s.remembered).toEqual([]);
    expect(s.forgot()).toBe(0);
  });

  it('"Quit" gives up', async () => {
    const s = script([blocked()], ['Quit']);
    expect(await s.run).toBeUndefined();
    expect(s.starts).toEqual([undefined]);
  });

  it('does not remember a picked port that failed for another reason', async () => {
    const failed: ControllerState = { phase: 'stopped', port: 8082, error: 'boom' };
    const s = script([blocked(8082), failed], ['Use port 8082']);
    expect(await s.run).toEqual(failed);
    expect(s.remembered).toEqual([]);
  });
});
