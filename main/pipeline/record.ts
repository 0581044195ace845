// A request-log row from what the pipeline knows of a call when it ends.
import type { RequestRecord, RoutePlan } from '../core/ports.js';
import type { ChatRequest } from '../core/types.js';
import type { LoggedCall, RecordedOutcome, RouteMeta } from './pipeline.js';

export function requestRecord(
  call: LoggedCall,
  plan: RoutePlan | undefined,
  meta: RouteMeta | undefined,
  r: RecordedOutcome,
  opts: { latencyMs: number; storePrompt: boolean },
): RequestRecord {
  const target = meta && plan?.targets.find((t) => t.provider.id === meta.provider);
  return {
    id: call.requestId,
    time: call.receivedAt,
    clientFormat: call.format,
    requestedModel: plan?.mappedFrom ?? call.request.model,
    alias: plan?.alias,
    mappedFrom: plan?.mappedFrom,
    provider: meta?.provider,
    model: meta?.model,
    locality: target?.provider.locality,
    status: r.status,
    stream: call.request.stream,
    latencyMs: opts.latencyMs,
    ttfbMs: r.ttfbMs,
    inputTokens: r.usage?.inputTokens,
    outputTokens: r.usage?.outputTokens,
    cachedInputTokens: r.usage?.cachedInputTokens,
    cache: meta?.cache ?? 'off',
    fallbackFrom: r.fallbackFrom ?? meta?.fallbackFrom ?? [],
    dropped: meta?.dropped,
    tier: plan?.tier,
    error: r.error,
    userAgent: call.userAgent,
    prompt: opts.storePrompt ? lastUserText(call.request) : undefined,
  };
}

function lastUserText(req: ChatRequest): string | undefined {
  for (let i = req.messages.length - 1; i >= 0; i--) {
    const m = req.messages[i];
    if (m.role === 'user') return m.content.map((p) => (p.type === 'text' ? p.text : `[${p.type}]`)).join('');
  }
  return undefined;
}
