// Display formatting shared by the pages.
import type { RequestRecord } from './types.js';

export const fmtInt = (n: number | undefined): string => (n === undefined ? '—' : Math.round(n).toLocaleString('en-US'));

export function fmtMs(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '—';
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

export function fmtBytes(b: number): string {
  const units = ['B', 'KB', 'MB', 'GB'];
  let i = 0;
  while (b >= 1024 && i < units.length - 1) {
    b /= 1024;
    i++;
  }
  return `${i === 0 ? b : b.toFixed(1)} ${units[i]}`;
}

export const fmtTime = (t: number): string =>
  new Date(t).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit' });

export const fmtPct = (x: number | undefined): string => (x === undefined || !Number.isFinite(x) ? '—' : `${(x * 100).toFixed(1)}%`);

export function fmtAgo(t: number, now = Date.now()): string {
  const s = Math.max(0, Math.round((now - t) / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  return `${Math.round(s / 3600)} h ago`;
}

export function fmtUptime(ms: number): string {
  const s = Math.floor(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h} h ${m} min` : m > 0 ? `${m} min ${s % 60} s` : `${s} s`;
}

/** `alias → provider/model`, or whichever parts exist. */
export function routeLabel(r: RequestRecord): string {
  const target = r.provider ? `${r.provider}/${r.model ?? '?'}` : '';
  const from = r.alias ?? r.requestedModel;
  return target ? `${from} → ${target}` : from;
}

export const cacheLabel = (c: RequestRecord['cache']): string =>
  c === 'hit-exact' ? 'hit (exact)' : c === 'hit-semantic' ? 'hit (semantic)' : c.startsWith('bypass:') ? `bypass (${c.slice(7)})` : c;

export const tokensLabel = (r: RequestRecord): string =>
  r.inputTokens === undefined && r.outputTokens === undefined ? '—' : `${r.inputTokens ?? 0} → ${r.outputTokens ?? 0}`;
