// Loads test/data/tier-prompts.json as ChatRequests (shared by the scorer test and bench/routing.ts).
import { readFileSync } from 'node:fs';
import type { Tier } from '../../main/core/ports.js';
import type { ChatRequest, Message, ToolDef } from '../../main/core/types.js';

interface LabelledPrompt {
  label: Tier;
  prompt: string;
  system?: string;
  tools?: number;
  history?: number;
  thinking?: boolean;
}

export interface LabelledRequest {
  label: Tier;
  prompt: string;
  request: ChatRequest;
}

const text = (role: Message['role'], t: string): Message => ({ role, content: [{ type: 'text', text: t }] });

function toRequest(p: LabelledPrompt): ChatRequest {
  const messages: Message[] = [];
  // Earlier exchanges of an agent session: short, neutral turns, so depth (not content) is what they add.
  for (let i = 0; i < (p.history ?? 0); i++) {
    messages.push(text('user', `Step ${i + 1}: continue.`), text('assistant', 'Done. The change is applied.'));
  }
  messages.push(text('user', p.prompt));
  const tools: ToolDef[] = Array.from({ length: p.tools ?? 0 }, (_, i) => ({
    name: `tool_${i}`,
    description: 'A tool of the coding agent.',
    parameters: { type: 'object', properties: { path: { type: 'string' } } },
  }));
  return {
    model: 'auto',
    system: p.system,
    messages,
    tools: tools.length > 0 ? tools : undefined,
    thinkingBudget: p.thinking ? 4096 : undefined,
    stream: false,
  };
}

/** `tuning`: the set the scorer was tuned on; `holdout`: labelled after tuning, never tuned on. */
export function loadTierPrompts(
  set: 'tuning' | 'holdout' = 'tuning',
  file = new URL('../data/tier-prompts.json', import.meta.url),
): LabelledRequest[] {
  const doc = JSON.parse(readFileSync(file, 'utf8')) as { prompts: LabelledPrompt[]; holdout: LabelledPrompt[] };
  const list = set === 'tuning' ? doc.prompts : doc.holdout;
  return list.map((p) => ({ label: p.label, prompt: p.prompt, request: toRequest(p) }));
}

/** A worst case for the scorer: 80 earlier turns, a 40 kB system prompt and a 200 kB pasted file. */
export function largeConversation(): ChatRequest {
  const file = Array.from({ length: 4000 }, (_, i) => `  const value${i} = compute(${i}); // refactor later`).join('\n');
  const messages: Message[] = [];
  for (let i = 0; i < 40; i++) messages.push(text('user', `step ${i}`), text('assistant', 'done'));
  // JSON-parsed like a real request body, so the strings are flat (not concatenation ropes).
  messages.push(JSON.parse(JSON.stringify(text('user', `Refactor this file and prove it is equivalent:\n\`\`\`ts\n${file}\n\`\`\``))) as Message);
  return { model: 'auto', system: 'x'.repeat(40_000), messages, stream: false };
}
