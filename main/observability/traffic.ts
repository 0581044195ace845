// Per-minute traffic for the window's charts, last 60 minutes, in memory. Latency p50 comes from a bounded
// sample per minute so memory stays flat at any request rate.
import type { RequestRecord } from '../core/ports.js';

export interface TrafficBucket {
  /** Epoch ms of the minute. */
  t: number;
  requests: number;
  errors: number;
  p50LatencyMs: number;
  cacheHits: number;
  tokensSaved: number;
}
export interface TrafficSeries {
  buckets: TrafficBucket[];
}

const MINUTE = 60_000;
const WINDOW_MINUTES = 60;
const SAMPLE_SIZE = 256;

interface Minute {
  t: number;
  requests: number;
  errors: number;
  cacheHits: number;
  tokensSaved: number;
  latencies: number[];
}

export class TrafficWindow {
  private readonly minutes = new Map<number, Minute>();

  constructor(private readonly now: () => number = Date.now) {}

  add(r: RequestRecord): void {
    const t = Math.floor(r.time / MINUTE) * MINUTE;
    if (t <= this.now() - WINDOW_MINUTES * MINUTE) return;
    let m = this.minutes.get(t);
    if (!m) {
      m = { t, requests: 0, errors: 0, cacheHits: 0, tokensSaved: 0, latencies: [] };
      this.minutes.set(t, m);
      this.evict();
    }
    m.requests++;
    if (r.status >= 400) m.errors++;
    if (r.cache === 'hit-exact' || r.cache === 'hit-semantic') {
      m.cacheHits++;
      m.tokensSaved += (r.inputTokens ?? 0) + (r.outputTokens ?? 0);
    }
    // Reservoir sampling: every request has the same chance to be in the sample.
    if (m.latencies.length < SAMPLE_SIZE) m.latencies.push(r.latencyMs);
    else {
      const j = Math.floor(Math.random() * m.requests);
      if (j < SAMPLE_SIZE) m.latencies[j] = r.latencyMs;
    }
  }

  /** One bucket per minute, oldest first, empty minutes included so charts have no gaps. */
  series(): TrafficSeries {
    const last = Math.floor(this.now() / MINUTE) * MINUTE;
    const buckets: TrafficBucket[] = [];
    for (let t = last - (WINDOW_MINUTES - 1) * MINUTE; t <= last; t += MINUTE) {
      const m = this.minutes.get(t);
      buckets.push(
        m
          ? { t, requests: m.requests, errors: m.errors, p50LatencyMs: median(m.latencies), cacheHits: m.cacheHits, tokensSaved: m.tokensSaved }
          : { t, requests: 0, errors: 0, p50LatencyMs: 0, cacheHits: 0, tokensSaved: 0 },
      );
    }
    return { buckets };
  }

  private evict(): void {
    const oldest = this.now() - WINDOW_MINUTES * MINUTE;
    for (const t of this.minutes.keys()) if (t <= oldest) this.minutes.delete(t);
  }
}

function median(xs: number[]): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}
