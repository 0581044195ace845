// The `x-lynkr-route` header: why this request went where it went.
import type { RoutePlan } from '../core/ports.js';

/** A plan as the router returns it: the tier's score travels with it for the header. */
export type ScoredPlan = RoutePlan & { score?: number };

// Header values must be visible ASCII; alias names come from settings and mappedFrom from the client.
const clean = (s: string): string => s.replace(/[^\x20-\x7e]/g, '?').replace(/;/g, ',').slice(0, 200);

/** e.g. `tier=COMPLEX; score=62; reasons=code-block,refactor,long-prompt; alias=auto`, or `alias=chat-fast; mapped-from=claude-3-5-haiku-latest`, or `direct`. */
export function formatRouteHeader(plan: ScoredPlan): string {
  const parts: string[] = [];
  if (plan.tier) {
    parts.push(`tier=${plan.tier}`);
    if (plan.score !== undefined) parts.push(`score=${plan.score}`);
    parts.push(`reasons=${plan.reasons && plan.reasons.length > 0 ? plan.reasons.join(',') : 'none'}`);
  }
  if (plan.alias) parts.push(`alias=${clean(plan.alias)}`);
  if (plan.mappedFrom) parts.push(`mapped-from=${clean(plan.mappedFrom)}`);
  return parts.length > 0 ? parts.join('; ') : 'direct';
}
