// What a lookup answers (a hit, a miss or a bypass) and the counters each answer moves, behind /admin/cache's
// stats. The exact and the semantic side both answer through here, so the counts can't drift apart.
import { randomBytes } from 'node:crypto';
import type { CacheLookup } from '../core/ports.js';
import type { ChatResponse } from '../core/types.js';
import { estimateCostUsd } from './pricing.js';
import type { StoredEntry } from './store.js';

export class CacheCounters {
  hitsExact = 0;
  hitsSemantic = 0;
  misses = 0;
  bypasses = 0;
  tokensSaved = 0;
  costSavedUsd = 0;
  embedderFailures = 0;
  nearMissRejects = 0;

  constructor(private readonly now: () => number) {}

  /** The cache could not help (`bypass:<reason>`); the token still lets store() keep the answer. */
  bypass(reason: string, token?: unknown): CacheLookup {
    this.bypasses++;
    return { status: `bypass:${reason}`, token };
  }

  miss(token: unknown): CacheLookup {
    this.misses++;
    return { status: 'miss', token };
  }

  /** Serves a stored answer, counting the tokens and the cost it saved. */
  hit(kind: 'exact' | 'semantic', entry: StoredEntry, similarity?: number): CacheLookup {
    const cached = JSON.parse(entry.response) as ChatResponse;
    this.countHit(kind, cached, entry.local);
    // A hit gets its own id and timestamp, like any fresh answer.
    const response: ChatResponse = { ...cached };
    response.id = freshId(cached.id);
    response.created = Math.floor(this.now() / 1000);
    if (kind === 'semantic') return { status: 'hit-semantic', response, similarity };
    return { status: 'hit-exact', response };
  }

  private countHit(kind: 'exact' | 'semantic', cached: ChatResponse, local: number): void {
    const inTok = cached.usage?.inputTokens ?? 0;
    const outTok = cached.usage?.outputTokens ?? 0;
    this.tokensSaved += inTok + outTok;
    this.costSavedUsd += estimateCostUsd(cached.model, local === 1, inTok, outTok);
    if (kind === 'exact') this.hitsExact++;
    else this.hitsSemantic++;
  }
}

// A hit gets a new response id; unique is enough (crypto randomness per hit showed up in profiles).
const idPrefix = randomBytes(6).toString('hex');
let idCounter = 0;

function freshId(id: string): string {
  const cut = Math.max(id.lastIndexOf('-'), id.lastIndexOf('_'));
  const prefix = cut > 0 ? id.slice(0, cut + 1) : 'cache-';
  return `${prefix}${idPrefix}${(++idCounter).toString(16).padStart(12, '0')}`;
}
