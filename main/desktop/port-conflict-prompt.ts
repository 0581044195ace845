// Starting the gateway when its port is taken: ask the user (use the next free port, try again, or quit) until it
// runs or they give up. Electron-free: the dialog reaches it as `ask`, so the loop is unit-tested without Electron.
import type { ControllerState, GatewayController, PortConflict } from './gateway-controller.js';

export interface ConflictQuestion {
  message: string;
  detail: string;
  buttons: string[];
}

export interface ConflictPromptDeps {
  controller: Pick<GatewayController, 'start' | 'forgetPort'>;
  /** Shows the question and answers with the index of the button pressed. */
  ask(question: ConflictQuestion): Promise<number>;
  /** Keeps the port the user picked for the next launch. */
  rememberPort(port: number): void;
}

export function conflictQuestion(conflict: PortConflict): ConflictQuestion {
  return {
    message: `The gateway cannot listen on port ${conflict.port}`,
    detail: `${conflict.message}\n\nIf you use another port, update the base URL in LibreChat.`,
    buttons: conflict.freePort ? [`Use port ${conflict.freePort}`, 'Try again', 'Quit'] : ['Try again', 'Quit'],
  };
}

/** Starts the gateway, asking while its port is taken. Undefined when the user chose Quit. */
export async function startAskingOnConflict(deps: ConflictPromptDeps): Promise<ControllerState | undefined> {
  let state = await deps.controller.start();
  while (state.conflict) {
    const { conflict } = state;
    const question = conflictQuestion(conflict);
    const choice = question.buttons[await deps.ask(question)];
    if (choice === 'Quit') return undefined;
    const picked = choice !== 'Try again';
    state = await deps.controller.start(picked ? conflict.freePort : undefined);
    if (picked && state.phase === 'running' && state.port !== undefined) {
      deps.rememberPort(state.port);
      // From now on the file holds it; a later port change in the window must not be undone by a resume.
      deps.controller.forgetPort();
    }
  }
  return state;
}
