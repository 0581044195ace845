// Plain-text views of admin API answers for the terminal. Pure functions: the tests compare their output.
import type { BreakerView, CacheStats, ProviderView, RequestRecord, StatusResponse } from '../admin/contract.js';

export interface StartedGateway {
  baseUrl: string;
  dockerBaseUrl: string;
  uiUrl: string;
  reachable: string[];
}

/** The one line `lynkr start` prints. */
export function startLine(g: StartedGateway): string {
  const up = g.reachable.length ? g.reachable.join(', ') : 'none yet';
  return `Lynkr gateway on ${g.baseUrl} (Docker: ${g.dockerBaseUrl}) · providers up: ${up} · dashboard: ${g.uiUrl}`;
}

export function formatStatus(s: StatusResponse): string {
  const lines = [
    `Lynkr gateway ${s.version} · up ${duration(s.uptimeMs)} · mode ${s.mode}`,
    row('base URL', `${s.baseUrl}   (Docker: ${s.dockerBaseUrl})`),
    row('listening', s.listening.join(', ') || '-'),
    row('requests', `${s.requestsToday} today`),
    row('cache', `exact ${onOff(s.cache.exact)} · semantic ${onOff(s.cache.semantic)}${s.cache.disabledReason ? ` (${s.cache.disabledReason})` : ''}`),
    row('ollama', `${s.ollama.state}${s.ollama.version ? ` (${s.ollama.version})` : ''} at ${s.ollama.endpoint} · ${s.ollama.models.length} model${s.ollama.models.length === 1 ? '' : 's'}`),
    row('providers', s.providers.map((p) => `${p.id} (${p.locality}${p.enabled ? '' : ', disabled'}, ${breaker(p.breaker)})`).join(' · ') || '-'),
    row('LibreChat', s.librechatSeenAt ? `first seen ${new Date(s.librechatSeenAt).toISOString()}` : 'not seen yet'),
  ];
  if (s.gatewayKeyMasked) lines.push(row('inbound key', s.gatewayKeyMasked));
  for (const w of s.warnings) lines.push(row('warning', w));
  const pinned = Object.entries(s.pinned);
  if (pinned.length) lines.push(row('set at start', `${pinned.map(([path, by]) => `${path} by ${by}`).join(' · ')} (changes to these last until restart)`));
  return lines.join('\n');
}

export function formatProviders(providers: ProviderView[]): string {
  const header = ['ID', 'KIND', 'WHERE', 'ENABLED', 'BREAKER', 'KEY', 'URL', 'MODELS'];
  const rows = providers.map((p) => [
    p.id,
    p.kind,
    p.locality,
    p.enabled ? 'yes' : 'no',
    breaker(p.breaker),
    p.apiKeyMasked ?? '-',
    p.baseUrl ?? '-',
    p.models.length ? p.models.join(', ') : '-',
  ]);
  return table([header, ...rows]);
}

export function formatCacheStats(c: CacheStats): string {
  const hits = c.hits.exact + c.hits.semantic;
  const lookups = hits + c.misses;
  const rate = lookups ? `${((100 * hits) / lookups).toFixed(1)}%` : '-';
  const lines = [
    row('entries', `${c.entries} (${bytes(c.bytes)})`),
    row('hits', `${hits} (exact ${c.hits.exact}, semantic ${c.hits.semantic}) · hit rate ${rate}`),
    row('misses', String(c.misses)),
    row('bypasses', String(c.bypasses)),
    row('tokens saved', String(c.tokensSaved)),
    row('cost saved', `$${c.costSavedUsd.toFixed(4)}`),
    row('semantic', `threshold ${c.threshold} · embedder ${c.embedder} · ${c.embedderFailures} embedder failures`),
  ];
  if (c.disabledReason) lines.push(row('disabled', c.disabledReason));
  return lines.join('\n');
}

/** One request as one line: time, status, latency, route, cache, tokens, fallback, error. */
export function formatLogRow(r: RequestRecord): string {
  const time = new Date(r.time).toISOString().replace('T', ' ').slice(0, 19);
  const target = r.provider ? `${r.provider}/${r.model ?? '?'}` : '-';
  const route = r.requestedModel === target ? target : `${r.requestedModel || '(default)'} → ${target}`;
  const parts = [
    time,
    String(r.status),
    r.stream ? 'stream' : 'json  ',
    `${Math.round(r.latencyMs)}ms`.padStart(7),
    route,
    `cache=${r.cache}`,
  ];
  if (r.tier) parts.push(`tier=${r.tier}`);
  if (r.inputTokens !== undefined || r.outputTokens !== undefined) parts.push(`tokens=${r.inputTokens ?? 0}/${r.outputTokens ?? 0}`);
  if (r.fallbackFrom.length) parts.push(`fallback from ${r.fallbackFrom.join('; ')}`);
  if (r.error) parts.push(`error: ${r.error}`);
  return parts.join('  ');
}

function breaker(b: BreakerView): string {
  if (b.state === 'closed') return 'ok';
  const last = b.lastError ? `: ${b.lastError}` : '';
  return `${b.state}${last}`;
}

const row = (label: string, value: string): string => `  ${label.padEnd(12)} ${value}`;
const onOff = (b: boolean): string => (b ? 'on' : 'off');

function duration(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s`;
  const h = Math.floor(m / 60);
  return h < 48 ? `${h}h ${m % 60}m` : `${Math.floor(h / 24)}d ${h % 24}h`;
}

function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 ** 2).toFixed(1)} MiB`;
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]))).join('  ')).join('\n');
}
