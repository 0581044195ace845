// Shared builders for the cache tests: requests, plans, settings and a cache in a temp dir.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ProviderRegistry } from '../../main/providers/registry.js';
import { createCache, type Cache, type CacheDeps } from '../../main/cache/cache.js';
import { createNgramEmbedder } from '../../main/cache/embedders/index.js';
import type { CacheContext, RouteTarget } from '../../main/core/ports.js';
import type { Locality, Provider } from '../../main/core/provider.js';
import type { ChatRequest, ChatResponse } from '../../main/core/types.js';
import { settingsSchema, type Settings, type SettingsInput } from '../../main/settings/schema.js';

export function fakeProvider(id = 'openai', locality: Locality = 'cloud', extra: Partial<Provider> = {}): Provider {
  const fail = (): never => {
    throw new Error('not used');
  };
  return { id, kind: 'openai', locality, endpoint: 'http://127.0.0.1', chat: fail, stream: fail, listModels: fail, ...extra };
}

export function target(label = 'openai/gpt-4o-mini', provider = fakeProvider()): RouteTarget {
  return { provider, upstreamModel: label.split('/').slice(1).join('/'), label };
}

export function ctxFor(opts: Partial<CacheContext> & { alias?: string } = {}): CacheContext {
  return {
    plan: opts.plan ?? { alias: opts.alias ?? 'chat-fast', targets: [target()] },
    scope: opts.scope ?? '',
    noRead: opts.noRead ?? false,
    noStore: opts.noStore ?? false,
    native: opts.native,
  };
}

export function ask(text: string, extra: Partial<ChatRequest> = {}): ChatRequest {
  return { model: 'chat-fast', messages: [{ role: 'user', content: [{ type: 'text', text }] }], stream: false, ...extra };
}

export function answer(text: string, extra: Partial<ChatResponse> = {}): ChatResponse {
  return {
    id: 'chatcmpl-abc123',
    model: 'gpt-4o-mini',
    text,
    toolCalls: [],
    finishReason: 'stop',
    usage: { inputTokens: 1000, outputTokens: 500 },
    created: 1_700_000_000,
    ...extra,
  };
}

/** These tests are about the cache's mechanics, so the exact cache answers every request (policy `always`) unless a test says otherwise. */
export function settings(input: SettingsInput = {}): Settings {
  const exact = { policy: 'always' as const, ...input.cache?.exact };
  return settingsSchema.parse({ ...input, cache: { ...input.cache, exact } });
}

export const semanticOn = (extra: Record<string, unknown> = {}): Settings =>
  settings({ cache: { semantic: { enabled: true, threshold: 0.5, ...extra } } });

export const noProviders: ProviderRegistry = { get: () => undefined, all: () => [] };

export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'lynkr-cache-'));
}

/** A cache in a temp dir with the (fast, deterministic) n-gram embedder unless told otherwise. */
export function openCache(s: Settings, deps: Partial<CacheDeps> = {}): Cache & { dir: string } {
  const dir = deps.dataDir ?? tempDir();
  const cache = createCache(s, { dataDir: dir, providers: noProviders, embedder: createNgramEmbedder(), ...deps });
  return Object.assign(cache, { dir });
}

/** lookup + store of a fresh answer, as the pipeline would on a miss. */
export async function roundTrip(cache: Cache, req: ChatRequest, ctx: CacheContext, res: ChatResponse, by: RouteTarget = target()) {
  const l = await cache.lookup(req, ctx);
  if (!l.status.startsWith('hit')) cache.store(req, ctx, l, res, by);
  return l;
}
