import { z } from 'zod';
import { kindNames } from '../providers/kinds/index.js';

// One schema validates every source of config: the settings file (headless and desktop share it), .env,
// environment variables and CLI flags. Defaults live here and nowhere else.

export const SETTINGS_VERSION = 1;

const providerId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]{0,62}$/, 'lowercase letters, digits, ".", "_" or "-"; used as the prefix in "id/model"');

export const providerSchema = z.object({
  /** Name used in `id/model` targets. */
  id: providerId,
  /** One of the kinds in providers/kinds/. */
  kind: z.enum(kindNames),
  enabled: z.boolean().default(true),
  /** Base URL (for the OpenAI family ending in /v1). Defaults per kind (see providers/kinds/). */
  baseUrl: z.url().optional(),
  /** Plaintext key (headless). The desktop app keeps keys encrypted and injects them at start. */
  apiKey: z.string().min(1).optional(),
  /** Models this provider is known to serve; a bare model name in a request resolves to the provider listing it. */
  models: z.array(z.string().min(1)).default([]),
  /** Overrides the kind's locality (e.g. an OpenAI-compatible server on the LAN counts as local). */
  local: z.boolean().optional(),
  /** Extra request headers sent upstream. */
  headers: z.record(z.string(), z.string()).default({}),
  /** Bedrock region / Azure API version / Azure deployment. */
  region: z.string().optional(),
  apiVersion: z.string().optional(),
  deployment: z.string().optional(),
  /** Ollama keep_alive. */
  keepAlive: z.string().optional(),
  /** Turn JSON/XML tool calls written as text into real tool calls. Default: on for ollama, off otherwise. */
  parseTextToolCalls: z.boolean().optional(),
  /** Max concurrent upstream requests to this provider; more wait in a short queue, then get 429. */
  maxConcurrent: z.number().int().positive().max(10_000).default(64),
});
export type ProviderSettings = z.infer<typeof providerSchema>;

/** `provider/model`, e.g. `ollama/qwen2.5-coder:7b` or `openrouter/anthropic/claude-3.5-sonnet`. */
const target = z.string().regex(/^[a-z0-9][a-z0-9._-]*\/.+$/, 'a target is "provider/model"');

export const aliasSchema = z.object({
  description: z.string().default(''),
  /** Ordered: the first target that the mode allows and that answers wins. */
  targets: z.array(target).default([]),
  /** Score each request and pick the target from `tiers` instead. */
  tiered: z.boolean().default(false),
});
export type AliasSettings = z.infer<typeof aliasSchema>;

export const tierNames = ['SIMPLE', 'MEDIUM', 'COMPLEX', 'REASONING'] as const;
export type TierName = (typeof tierNames)[number];

export const settingsSchema = z.object({
  version: z.number().int().default(SETTINGS_VERSION),
  server: z
    .object({
      port: z.number().int().min(0).max(65535).default(8081),
      host: z.string().min(1).default('127.0.0.1'),
      /** Also listen where Docker containers can reach us (the docker bridge on Linux). */
      allowDocker: z.boolean().default(false),
      /** Extra Host header names accepted (DNS-rebinding allowlist). */
      allowedHosts: z.array(z.string()).default([]),
      /** Origins allowed to call /v1 from a browser. The admin API never has CORS. */
      corsOrigins: z.array(z.string()).default([]),
      /** Inbound key required from non-loopback peers (and from loopback when requireKeyOnLoopback). */
      apiKey: z.string().min(16).optional(),
      requireKeyOnLoopback: z.boolean().default(false),
      bodyLimitBytes: z.number().int().positive().default(20 * 1024 * 1024),
      /** Whole-request upstream deadline for non-streaming calls. */
      upstreamTimeoutMs: z.number().int().positive().default(120_000),
      connectTimeoutMs: z.number().int().positive().default(5_000),
      firstByteTimeoutMs: z.number().int().positive().default(60_000),
      /** Max silence between stream chunks. */
      idleChunkTimeoutMs: z.number().int().positive().default(60_000),
      /** Whole-call deadline of streams. */
      streamTimeoutMs: z.number().int().positive().default(1_800_000),
      /** Cap on a non-streamed upstream answer; over it the call is cut and the client gets a 502. */
      maxResponseBytes: z.number().int().positive().default(64 * 1024 * 1024),
      /** Cap on one SSE event or NDJSON line of an upstream stream. */
      maxEventBytes: z.number().int().positive().default(16 * 1024 * 1024),
      /** On shutdown, in-flight streams get this long to finish. */
      shutdownGraceMs: z.number().int().nonnegative().default(5_000),
    })
    .prefault({}),
  mode: z.enum(['local', 'cloud', 'auto']).default('auto'),
  /** Used when a request names no model or an unknown-but-empty one; an alias or a target. */
  defaultModel: z.string().default('chat-fast'),
  providers: z.array(providerSchema).default([]),
  aliases: z.record(z.string().min(1), aliasSchema).default({}),
  tiers: z.partialRecord(z.enum(tierNames), target).default({}),
  /** Client-hard-coded names (claude-*, gpt-5*) → alias, by glob pattern, first match wins. */
  modelMap: z.array(z.object({ pattern: z.string().min(1), alias: z.string().min(1) })).default([]),
  /**
   * Built-in defaults the user removed (settings/defaults.ts adds the rest at every load): default aliases deleted
   * or renamed, and built-in model-map patterns taken out. Written by the routing admin routes.
   */
  removedDefaults: z
    .object({
      aliases: z.array(z.string().min(1)).default([]),
      modelMap: z.array(z.string().min(1)).default([]),
    })
    .prefault({}),
  fallback: z
    .object({
      enabled: z.boolean().default(true),
      /** Lynkr's FALLBACK_PROVIDER: an extra last-resort target (`provider` or `provider/model`). */
      provider: z.string().optional(),
      retries: z.number().int().min(0).max(5).default(1),
      backoffMs: z.number().int().nonnegative().default(200),
      breakerThreshold: z.number().int().positive().default(5),
      breakerCooldownMs: z.number().int().positive().default(30_000),
    })
    .prefault({}),
  cache: z
    .object({
      exact: z
        .object({
          enabled: z.boolean().default(true),
          /**
           * Which requests the exact cache answers: `deterministic` (temperature 0 or a seed, and no tool results),
           * `always`, or `off`. A cache that replays a sampled answer to Regenerate is wrong, not fast.
           */
          policy: z.enum(['deterministic', 'always', 'off']).default('deterministic'),
          ttlMs: z.number().int().positive().default(300_000),
        })
        .prefault({}),
      semantic: z
        .object({
          enabled: z.boolean().default(false),
          /**
           * Chosen by measurement (bench/cache.ts, builtin embedder, near-miss guard on): precision 1.0 on the four
           * tuning sets at 0.8; 0.91 (10 right, 1 wrong hit) on held-out 3, which nobody tuned on.
           */
          threshold: z.number().min(0).max(1).default(0.8),
          ttlMs: z.number().int().positive().default(3_600_000),
          /**
           * `auto` (default): an installed Ollama embedding model (the one named here or in ollama.embeddingsModel,
           * else the best known one), else the builtin; looked at again every few minutes. A user who has pulled an
           * embedding model expects it to be used, and it recalls far more paraphrases than the builtin word vectors;
           * the near-miss guard, which decides precision, is the same for every embedder.
           */
          embedder: z.enum(['auto', 'builtin', 'ollama', 'openai']).default('auto'),
          /** Model for the ollama/openai embedders (e.g. nomic-embed-text); for `auto`, the Ollama model to prefer. */
          embedderModel: z.string().optional(),
          /** Provider id for the openai embedder. */
          embedderProvider: z.string().optional(),
          /** Requests with a higher temperature skip the semantic cache. */
          maxTemperature: z.number().min(0).default(1),
        })
        .prefault({}),
      maxEntries: z.number().int().positive().default(100_000),
      maxBytes: z.number().int().positive().default(512 * 1024 * 1024),
      scope: z.enum(['global', 'user']).default('global'),
    })
    .prefault({}),
  log: z
    .object({
      level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
      /** Store prompts in the request log. Off by default. */
      storePrompts: z.boolean().default(false),
      retentionDays: z.number().int().positive().default(14),
      maxRows: z.number().int().positive().default(200_000),
    })
    .prefault({}),
  ollama: z
    .object({
      /** Embeddings model (Lynkr's OLLAMA_EMBEDDINGS_MODEL). */
      embeddingsModel: z.string().default('nomic-embed-text'),
      /** Model used by the default aliases (Lynkr's OLLAMA_MODEL). */
      model: z.string().default('qwen2.5-coder:7b'),
    })
    .prefault({}),
});

export type Settings = z.infer<typeof settingsSchema>;
export type SettingsInput = z.input<typeof settingsSchema>;
