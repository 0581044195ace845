// What the request log offers its readers (the admin API's logs, status and traffic routes); request-log.ts
// implements it.
import type { RequestRecord } from '../core/ports.js';
import type { TrafficSeries } from './traffic.js';

export interface RequestLogReader {
  query(opts: { limit?: number; before?: number; q?: string }): RequestRecord[];
  /** Live feed of finished requests; returns the unsubscribe function. */
  subscribe(listener: (r: RequestRecord) => void): () => void;
  requestsToday(): number;
  traffic(): TrafficSeries;
  /** Epoch ms of the first request whose user agent looks like LibreChat. */
  librechatSeenAt(): number | undefined;
}
