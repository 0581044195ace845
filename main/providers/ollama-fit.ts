// Fits a request to one Ollama model before it is sent (Provider.fit): `think` only where the model thinks, tools
// only where it calls tools, and a `num_ctx` that holds the whole prompt and its answer.
import { contextLengthExceeded, invalidRequest } from '../core/errors.js';
import type { ProviderRequest, ToolDef } from '../core/types.js';
import type { OllamaModelFacts } from './ollama-capabilities.js';
import { nearestEffort, requestedEffort, withoutEffort, type EffortLevel } from '../core/provider-options.js';
import { estimatePromptTokens, planContext } from './ollama-context.js';

/** A request fitted by `fitToModel`: what `toOllamaChatRequest` sends as `options.num_ctx`. */
export interface OllamaFittedRequest extends ProviderRequest {
  ollamaNumCtx?: number;
}

export type OllamaThink = boolean | 'low' | 'medium' | 'high';

/** Ollama has no tool_choice: 'none' sends no tools, a named choice sends only that tool. */
export function toolsToSend(req: ProviderRequest): ToolDef[] {
  const choice = req.toolChoice;
  if (choice === 'none') return [];
  return typeof choice === 'object' ? (req.tools ?? []).filter((t) => t.name === choice.name) : (req.tools ?? []);
}

/**
 * gpt-oss takes only levels, and ignores true/false (docs.ollama.com/capabilities/thinking; ollama-python's
 * examples/thinking-levels.py). Other thinking models take a boolean (the `think` field of ollama-js 0.6's
 * ChatRequest: `boolean | 'high' | 'medium' | 'low'`).
 */
const takesLevels = (model: string): boolean => /(^|\/)gpt-oss/i.test(model);

/** The levels gpt-oss takes (Ollama's `think`: 'low' | 'medium' | 'high'). */
const THINK_LEVELS: readonly EffortLevel[] = ['low', 'medium', 'high'];

/**
 * The `think` value for a request that asked for thinking, else undefined: an effort in either format (OpenAI
 * `reasoning_effort` or Anthropic `output_config.effort`; `none` is `false`, and gpt-oss gets the nearest of its
 * levels: minimal is low, xhigh and max are high), or else an Anthropic thinking budget. An effort that names no
 * level asks for nothing here (fitToModel names it dropped).
 */
export function ollamaThink(req: ProviderRequest): OllamaThink | undefined {
  const effort = requestedEffort(req)?.level;
  const budget = req.thinkingBudget;
  if (effort === undefined && budget === undefined) return undefined;
  if (effort === 'none' || (effort === undefined && budget === 0)) return false;
  if (!takesLevels(req.upstreamModel)) return true;
  if (effort !== undefined) return nearestEffort(effort, THINK_LEVELS) as OllamaThink;
  return (budget ?? 0) <= 2048 ? 'low' : (budget ?? 0) <= 8192 ? 'medium' : 'high';
}

export interface FitResult {
  request: OllamaFittedRequest;
  dropped: string[];
}

/**
 * `facts.capabilities` undefined means the lookup failed: `think` is then left out (a model that can't think
 * answers 400 to it, and a thinking model thinks by default anyway), and tools are sent (Ollama's own 400 is
 * clear if the model can't take them; refusing on a failed lookup would break working agents).
 */
export function fitToModel(req: ProviderRequest, facts: OllamaModelFacts, provider: string, floor?: number): FitResult {
  const model = req.upstreamModel;
  const caps = facts.capabilities;
  const dropped: string[] = [];
  let request: OllamaFittedRequest = { ollamaNumCtx: undefined, ...req };

  if (caps && !caps.has('completion')) {
    throw invalidRequest(`${model} on ${provider} is an embedding model (Ollama reports no "completion" capability); it can't chat. Use a chat model.`, 'model', 'model_not_supported');
  }
  const tools = toolsToSend(req);
  // Refused rather than dropped: an agent whose tools silently vanish gets prose back and stops or loops.
  if (tools.length && caps && !caps.has('tools')) {
    throw invalidRequest(
      `${model} on ${provider} can't call tools (Ollama reports no "tools" capability for it), and this request sends ${tools.length}. ` +
        'Route tool-using clients to a model with tools (qwen2.5-coder, qwen3, llama3.1…; `ollama show <model>` lists a model\'s capabilities), or send no tools.',
      'tools',
      'tools_not_supported',
    );
  }
  const asked = requestedEffort(req);
  if (asked && asked.level === undefined) {
    request = withoutEffort(request);
    dropped.push(asked.option);
  }
  const think = ollamaThink(request);
  if (think !== undefined && think !== false && !caps?.has('thinking')) {
    request = withoutEffort({ ...request, thinkingBudget: undefined });
    dropped.push('think');
  }

  const promptTokens = estimatePromptTokens(req, tools);
  const plan = planContext({ promptTokens, maxTokens: req.maxTokens, contextLength: facts.contextLength, floor: Math.max(floor ?? 0, facts.modelfileNumCtx ?? 0) });
  if (!plan.fits) {
    throw contextLengthExceeded(
      `This model's maximum context length is ${plan.limit} tokens (${model} on ${provider}). However, your messages are about ` +
        `${promptTokens} tokens (estimated), and the answer needs at least ${plan.needed - promptTokens} more. Please reduce the length of the messages.`,
      provider,
      { prompt: plan.needed, limit: plan.limit },
    );
  }
  request.ollamaNumCtx = plan.numCtx;
  request.maxTokens = plan.numPredict;
  if (plan.clampedTo !== undefined) dropped.push(`max_tokens>${plan.clampedTo}`);
  return { request, dropped };
}
