// Plain-text views of admin API answers for the terminal. Pure functions: the tests compare their output.
import type { CacheStats, MissingModel, ProviderView, RequestRecord, StatusResponse } from '../admin/contract.js';
import { healthText, providerHealth } from '../routing/health.js';

export interface StartedGateway {
  baseUrl: string;
  dockerBaseUrl: string;
  uiUrl: string;
  reachable: string[];
  missingModels?: MissingModel[];
}

/** The line `lynkr start` prints, and one more per model the routes name that Ollama does not have. */
export function startLine(g: StartedGateway): string {
  const up = g.reachable.length ? g.reachable.join(', ') : 'none yet';
  const line = `Lynkr gateway on ${g.baseUrl} (Docker: ${g.dockerBaseUrl}) · providers up: ${up} · dashboard: ${g.uiUrl}`;
  return [line, ...(g.missingModels ?? []).map(missingLine)].join('\n');
}

/** `model qwen2.5-coder:7b (chat-fast, auto) is not installed in Ollama: ollama pull qwen2.5-coder:7b` */
export function missingLine(m: MissingModel): string {
  return `model ${m.model} (${m.usedBy.join(', ')}) is not installed in ${m.provider}: ${m.pullCommand}`;
}

export function formatStatus(s: StatusResponse): string {
  const lines = [
    `Lynkr gateway ${s.version} · up ${duration(s.uptimeMs)} · mode ${s.mode}`,
    row('base URL', `${s.baseUrl}   (Docker: ${s.dockerBaseUrl})`),
    row('listening', s.listening.join(', ') || '-'),
    row('requests', `${s.requestsToday} today`),
    row('cache', `exact ${onOff(s.cache.exact)} · semantic ${onOff(s.cache.semantic)}${s.cache.disabledReason ? ` (${s.cache.disabledReason})` : ''}`),
    row('ollama', ollamaLine(s)),
    row('providers', s.providers.map((p) => `${p.id} (${p.locality}, ${health(p)})`).join(' · ') || '-'),
    row('LibreChat', s.librechatSeenAt ? `first seen ${new Date(s.librechatSeenAt).toISOString()}` : 'not seen yet'),
  ];
  for (const m of s.missingModels ?? []) lines.push(row('missing', missingLine(m)));
  if (s.gatewayKeyMasked) lines.push(row('inbound key', s.gatewayKeyMasked));
  for (const w of s.warnings) lines.push(row('warning', w));
  const pinned = Object.entries(s.pinned);
  if (pinned.length) lines.push(row('set at start', `${pinned.map(([path, by]) => `${path} by ${by}`).join(' · ')} (changes to these last until restart)`));
  return lines.join('\n');
}

/** In the health words: up, or down and why (not installed / installed but not running). */
function ollamaLine(s: StatusResponse): string {
  const o = s.ollama;
  const state = o.state === 'running' ? `up${o.version ? ` (${o.version})` : ''}` : o.state === 'installed-stopped' ? 'down: installed, not running (ollama serve starts it)' : 'down: not installed';
  const models = o.state === 'running' ? ` · ${o.models.length} model${o.models.length === 1 ? '' : 's'}` : '';
  const m = s.ollamaModel;
  const chosen = m ? ` · aliases use ${m.name}${m.chosenBy === 'installed' ? ' (picked from the installed models)' : m.chosenBy === 'user' ? ' (your choice)' : ''}` : '';
  return `${state} at ${o.endpoint}${models}${chosen}`;
}

export function formatProviders(providers: ProviderView[]): string {
  const header = ['ID', 'KIND', 'WHERE', 'ENABLED', 'HEALTH', 'KEY', 'URL', 'MODELS'];
  const rows = providers.map((p) => [
    p.id,
    p.kind,
    p.locality,
    p.enabled ? 'yes' : 'no',
    health(p),
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

/** The window's words (routing/health.ts); a gateway too old to send `health` gets it derived from the breaker. */
function health(p: ProviderView): string {
  return healthText(p.health ?? providerHealth(p.enabled, p.breaker));
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
