// A rough USD price table (per million tokens, input/output) to estimate what cache hits saved. It is an
// estimate: list prices by model-name prefix, local models cost nothing, unknown cloud models use a middling price.
const PRICES: [prefix: string, input: number, output: number][] = [
  ['gpt-4o-mini', 0.15, 0.6],
  ['gpt-4o', 2.5, 10],
  ['gpt-4.1-nano', 0.1, 0.4],
  ['gpt-4.1-mini', 0.4, 1.6],
  ['gpt-4.1', 2, 8],
  ['gpt-5-nano', 0.05, 0.4],
  ['gpt-5-mini', 0.25, 2],
  ['gpt-5', 1.25, 10],
  ['o3-mini', 1.1, 4.4],
  ['o4-mini', 1.1, 4.4],
  ['o3', 2, 8],
  ['claude-3-5-haiku', 0.8, 4],
  ['claude-haiku', 1, 5],
  ['claude-3-haiku', 0.25, 1.25],
  ['claude-opus', 15, 75],
  ['claude-3-opus', 15, 75],
  ['claude', 3, 15],
  ['gemini-2.5-pro', 1.25, 10],
  ['gemini-2.5-flash', 0.3, 2.5],
  ['gemini', 0.3, 2.5],
  ['deepseek', 0.3, 1.1],
  ['mistral', 0.4, 2],
  ['llama', 0.2, 0.6],
];
const DEFAULT: (typeof PRICES)[number] = ['', 1, 4];

/** Estimated USD for a response's tokens. The model may carry a provider prefix (`anthropic/claude-…`). */
export function estimateCostUsd(model: string, local: boolean, inputTokens: number, outputTokens: number): number {
  if (local) return 0;
  const name = model.slice(model.lastIndexOf('/') + 1).toLowerCase();
  const [, input, output] = PRICES.find(([prefix]) => name.startsWith(prefix)) ?? DEFAULT;
  return (inputTokens * input + outputTokens * output) / 1e6;
}
