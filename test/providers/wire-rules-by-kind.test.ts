// Each kind's OpenAI chat wire rules come from its own definition (`openAIChat` in kinds/<kind>.ts), not from its
// name. This table is what wireRules() gave every kind before the facts moved there (issue 20): a kind whose rule
// changes fails here. The columns are the models below; reasoningModel depends on the model alone.
import { describe, expect, it } from 'vitest';
import { kindDefinition, kindNames, type ProviderKind } from '../../main/providers/kinds/index.js';
import { OpenAICompatibleProvider } from '../../main/providers/openai-compatible.js';
import { wireRules } from '../../main/providers/openai-fit.js';
import { makeProvider } from './helpers.js';

/** A known non-reasoning OpenAI model (bare and routed), two reasoning ones, and one OpenAI doesn't know. */
const MODELS = ['gpt-4o-mini', 'openai/gpt-4o', 'o4-mini', 'gpt-5', 'llama-3.1-8b-instant'] as const;
const REASONING_MODEL = [false, false, true, true, false];

const M = 'max_tokens';
const C = 'max_completion_tokens';
interface Expected {
  maxTokensField: readonly (typeof M | typeof C)[];
  reasoningEffort: readonly boolean[];
  topK: boolean;
}

const common: Expected = { maxTokensField: [M, M, C, C, M], reasoningEffort: [false, false, true, true, true], topK: false };
const llamaServer: Expected = { ...common, topK: true };

const BEFORE: Record<ProviderKind, Expected> = {
  ollama: common,
  openai: { maxTokensField: [C, C, C, C, C], reasoningEffort: [false, false, true, true, false], topK: false },
  openrouter: common,
  lmstudio: llamaServer,
  llamacpp: llamaServer,
  anthropic: common,
  bedrock: common,
  'azure-openai': { maxTokensField: [M, M, C, C, M], reasoningEffort: [false, false, true, true, false], topK: false },
  gemini: common,
  groq: common,
  mistral: common,
  deepseek: common,
  'openai-compatible': common,
};

/** Rules added since, for every model of the kind: Mistral and Groq refuse fields they lack (test/fakes/). */
const ADDED: Partial<Record<ProviderKind, object>> = {
  mistral: { onlyFields: expect.any(Set), seedField: 'random_seed', streamUsageUnasked: true, messageFields: expect.any(Object) },
  groq: { onlyFields: expect.any(Set), messageFields: expect.any(Object) },
};

const expectedFor = (kind: ProviderKind, i: number, outputLimit?: number) => ({
  maxTokensField: BEFORE[kind].maxTokensField[i],
  reasoningModel: REASONING_MODEL[i],
  reasoningEffort: BEFORE[kind].reasoningEffort[i],
  topK: BEFORE[kind].topK,
  outputLimit,
  ...ADDED[kind],
});

describe('OpenAI chat wire rules by kind', () => {
  it('the table covers every kind in the list', () => {
    expect(Object.keys(BEFORE).sort()).toEqual([...kindNames].sort());
  });

  for (const kind of kindNames) {
    it(`${kind}: each model's rules are what they were before the facts moved into the kind's file`, () => {
      const dialect = kindDefinition(kind)?.openAIChat ?? {};
      MODELS.forEach((model, i) => {
        expect(wireRules(dialect, model, undefined), `${kind} ${model}`).toEqual(expectedFor(kind, i));
        expect(wireRules(dialect, model, 4096).outputLimit).toBe(4096);
      });
    });
  }

  it("every OpenAI chat kind's adapter gets its definition's dialect from create()", () => {
    const openAIChatKinds: ProviderKind[] = [];
    for (const kind of kindNames) {
      const provider = makeProvider({ id: kind, kind, baseUrl: 'https://wire-rules.example/v1', apiKey: 'k' });
      if (!(provider instanceof OpenAICompatibleProvider)) continue;
      openAIChatKinds.push(kind);
      // The adapter adds the model's known output limit (openai-models.ts); the rest is the kind's.
      MODELS.forEach((model, i) => expect({ ...provider.rulesFor(model), outputLimit: undefined }, `${kind} ${model}`).toEqual(expectedFor(kind, i)));
    }
    expect(openAIChatKinds.sort()).toEqual(['azure-openai', 'deepseek', 'gemini', 'groq', 'llamacpp', 'lmstudio', 'mistral', 'openai', 'openai-compatible', 'openrouter']);
  });
});
