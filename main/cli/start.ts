// The composition root: builds every service from settings and starts the HTTP server. `lynkr start`, the
// desktop shell and the tests all start the gateway through startGateway().
import { createServer, type Server } from 'node:http';
import { createAdminRouter } from '../admin/index.js';
import type { AdminDeps, ServerControl } from '../admin/deps.js';
import { registerCacheRoutes } from '../admin/routes/cache.js';
import { routingRoutes } from '../admin/routes/routing.js';
import { gatewayUrls } from '../core/urls.js';
import { packageVersion } from '../core/version.js';
import { boundHeapGrowth } from '../core/heap.js';
import { createCache } from '../cache/cache.js';
import { createLogger, type Logger } from '../observability/logger.js';
import { createMetrics } from '../observability/metrics.js';
import { createRequestLog } from '../observability/request-log.js';
import { registerSecret, registerSettingsSecrets } from '../observability/secrets.js';
import { createOllamaManager, ollamaEndpointFrom } from '../ollama/manager.js';
import { ModelCatalog } from '../pipeline/catalog.js';
import { Pipeline } from '../pipeline/pipeline.js';
import { createProviderRegistry } from '../providers/registry.js';
import { createRouter } from '../routing/router.js';
import { anthropicMessagesFormat } from '../server/anthropic-messages/index.js';
import { createRequestListener } from '../server/app.js';
import { createProviderLimiters } from '../server/limits/concurrency.js';
import { applyTimeouts, httpServerOptions } from '../server/limits/timeouts.js';
import { openaiChatFormat } from '../server/openai-chat/index.js';
import { openaiResponsesFormat } from '../server/openai-responses/index.js';
import { adminGuard } from '../server/security/admin-guard.js';
import { planBind } from '../server/security/bind-policy.js';
import { hostCheck } from '../server/security/host-check.js';
import { inboundAuth } from '../server/security/inbound-auth.js';
import { listenAll } from '../server/security/listen.js';
import { addressOf, switchListeners } from '../server/rebind.js';
import { v1Cors } from '../server/security/origin.js';
import { errorRendererOf, type Middleware } from '../server/security/render.js';
import { createShutdown, shuttingDownError } from '../server/shutdown.js';
import { loadOrCreateAdminToken } from '../settings/admin-token.js';
import { securePrivateDir } from '../settings/paths.js';
import { generateGatewayKey } from '../core/keys.js';
import { isLoopback } from '../server/security/bind-policy.js';
import { claimInstance, otherInstance, sharedDataDirWarning } from './instance.js';
import { loadSettings, type CliFlags } from '../settings/load.js';
import type { Settings } from '../settings/schema.js';
import { createSettingsStore } from '../settings/store.js';
import { openSettingsFile } from '../settings/file.js';
import { readiness } from '../routing/health.js';
import { createInstalledModelChooser, missingModels } from '../routing/installed-model.js';
import type { MissingModel } from '../admin/contract.js';

const version = packageVersion();

export interface StartOptions {
  flags?: CliFlags;
  dataDir?: string;
  /** Environment to read Lynkr's variables from (default process.env). */
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Persist settings changes (mode, providers) to the settings file. Default true. */
  persist?: boolean;
  /** Where pino writes (default stdout). */
  logDestination?: NodeJS.WritableStream;
  /** Provider id → API key decrypted by the desktop shell. With it, keys are never written to the settings file. */
  secrets?: Record<string, string>;
  /** Extra warnings to show in the window (e.g. no OS secret store). */
  warnings?: () => string[];
}

export interface RunningGateway {
  baseUrl: string;
  dockerBaseUrl: string;
  uiUrl: string;
  port: number;
  adminToken: string;
  dataDir: string;
  /** Providers that answered at start. */
  reachable: string[];
  /** Models the routes name that the running Ollama does not have (the start-up line shows their `ollama pull`). */
  missingModels: MissingModel[];
  settings: AdminDeps['settings'];
  logger: Logger;
  close(): Promise<void>;
}

function withSecrets(settings: Settings, secrets: Record<string, string> | undefined): Settings {
  if (!secrets) return settings;
  return { ...settings, providers: settings.providers.map((p) => (secrets[p.id] ? { ...p, apiKey: secrets[p.id] } : p)) };
}

export async function startGateway(opts: StartOptions = {}): Promise<RunningGateway> {
  boundHeapGrowth();
  const loaded = loadSettings({ flags: opts.flags, env: opts.env, cwd: opts.cwd, dataDir: opts.dataDir });
  const { dataDir } = loaded;
  const settings = createSettingsStore(dataDir, withSecrets(loaded.settings, opts.secrets), { persist: opts.persist ?? true, keysOutOfFile: opts.secrets !== undefined });
  const current = (): Settings => settings.get();
  const logger = createLogger(current().log.level, opts.logDestination);
  settings.onChange((next) => {
    logger.level = next.log.level;
  });
  for (const w of loaded.warnings) logger.warn(w);
  for (const problem of securePrivateDir(dataDir)) logger.warn(problem);

  // Containers reach the gateway off loopback, where it demands its key: allowDocker set in the settings file gets
  // a key now, as the window's switch does (admin/routes/server.ts). Without one every container got 401.
  if (current().server.allowDocker && !current().server.apiKey) settings.update((d) => void (d.server.apiKey = generateGatewayKey()));

  const adminToken = loadOrCreateAdminToken(dataDir);
  registerSecret(adminToken);
  registerSettingsSecrets(current());
  settings.onChange((next) => registerSettingsSecrets(next));

  const providers = createProviderRegistry(current, settings.onChange, (p) => logger.warn({ provider: p.id }, p.message));
  const router = createRouter({ settings: current, providers, logger });
  // The default aliases use an installed Ollama model when theirs is missing (routing/installed-model.ts).
  const chooser = createInstalledModelChooser({ settings, providers, logger, choices: () => ({ file: openSettingsFile(dataDir).read(), origins: loaded.origins }) });
  const catalog = new ModelCatalog(() => providers.all(), (id, models) => (router.setDiscoveredModels(id, models), chooser.noteModels(id, models.map((m) => m.id))));
  // A provider added or changed in the window: learn its models now, so its bare model names resolve at once.
  settings.onChange((next, prev) => void (JSON.stringify(next.providers) !== JSON.stringify(prev.providers) && catalog.probeAll({ force: true })));
  // Ollama's model list changes outside the gateway too (`ollama pull` in a terminal).
  const rediscover = setInterval(() => void catalog.probeAll({ localOnly: true }), 30_000);
  rediscover.unref();
  const cache = createCache(current(), { dataDir, providers, logger });
  settings.onChange((next) => cache.applySettings(next));
  const requestLog = createRequestLog(dataDir, current, logger);
  const metrics = createMetrics();
  const shutdown = createShutdown({
    graceMs: current().server.shutdownGraceMs,
    renderError: (err, req) => errorRendererOf(req)(err),
    log: (msg, data) => logger.info(data ?? {}, msg),
  });
  const unlimited = Promise.resolve((): void => {});
  const limiters = createProviderLimiters(current().providers);
  const pipeline = new Pipeline({
    router,
    // Every pipeline call ends in exactly one record: that is when the shutdown stops waiting for it. A call the
    // shutdown stopped reads as the client's abort to the provider; its row says what happened.
    // Both take the row in memory at once; the request log writes its rows to SQLite later, in batches.
    sink: {
      record(r) {
        const row = shutdown.endWork(r.id) ? { ...r, status: 503, error: shuttingDownError().message } : r;
        requestLog.record(row);
        metrics.record(row);
      },
    },
    settings: current,
    // Always there: a cache turned off answers `bypass:disabled` at once, and one turned on in the window works at once.
    cache,
    limiter: { acquire: (id, signal) => limiters(id)?.acquire(signal) ?? unlimited },
  });
  // At the shutdown deadline, calls still waiting on their upstream are aborted (see shutdown.beginWork).
  const handle = pipeline.handle.bind(pipeline);
  pipeline.handle = (call) => (shutdown.beginWork(call.requestId, call.clientAbort), handle(call));
  const embed = pipeline.embed.bind(pipeline);
  pipeline.embed = (call) => (shutdown.beginWork(call.requestId, call.clientAbort), embed(call));
  // The manager re-checks every 30 s in the background; status reads never wait for a detection.
  const ollama = createOllamaManager({ endpoint: () => ollamaEndpointFrom(current()), maxAgeMs: 60_000 });

  let bind = planBind(current().server);
  let servers: Server[] = [];
  let port = current().server.port;
  let configuredPort = port;
  const startedAt = Date.now();

  const serverControl: ServerControl = {
    info: () => ({ port, listening: servers.map((s) => addressOf(s)), startedAt }),
    rebind: async () => {
      const next = planBind(current().server);
      // Same configured port (e.g. 0 in tests): keep the port we have, so clients' URLs stay valid.
      const wanted = current().server.port === configuredPort ? port : current().server.port;
      const { set, error } = await switchListeners({ servers, port }, next.addresses, wanted, makeServer);
      ({ servers, port } = set);
      if (error) throw error;
      configuredPort = current().server.port;
      bind = next;
    },
  };

  const deps: AdminDeps = {
    version,
    settings,
    providers,
    breakers: router,
    cache,
    requests: requestLog,
    ollama,
    server: serverControl,
    warnings: () => [...(opts.warnings?.() ?? []), ...loaded.warnings],
    pinned: Object.fromEntries(loaded.origins),
    probeLocal: (o) => catalog.probeAll({ localOnly: true, force: o?.force }),
    ollamaModelChosenBy: chooser.chosenBy,
  };

  // Getters: the allowlists, the bind plan and the key policy follow live settings without a restart.
  const hostGuard = hostCheck(() => ({ allowedHosts: current().server.allowedHosts, bridgeAddress: bind.bridgeAddress, listenAddresses: bind.addresses }));
  const corsGuard = v1Cors({ origins: () => current().server.corsOrigins });
  const keyGuard = inboundAuth({ key: () => current().server.apiKey, requireKeyOnLoopback: () => current().server.requireKeyOnLoopback });

  const listener = createRequestListener({
    version,
    settings: current,
    pipeline,
    router,
    catalog,
    formats: [openaiChatFormat, anthropicMessagesFormat, openaiResponsesFormat],
    guards: [
      (req, res, next) => shutdown.track(req, res, next),
      hostGuard,
      corsGuard,
      keyExceptAdminAndLiveness(keyGuard),
    ],
    admin: createAdminRouter(deps, adminGuard({ token: () => adminToken }), [routingRoutes({ router, catalog }), registerCacheRoutes]),
    metricsText: () => metrics.text(),
    readiness: async () => {
      const { ready, ...health } = readiness(await catalog.probeAll(), (id) => router.view(id));
      const body = { ...health, cache: cache.health(), requestLog: requestLog.health?.() };
      return { status: ready ? 200 : 503, body };
    },
    inflight: shutdown,
  });

  function makeServer(): Server {
    const server = createServer(httpServerOptions(current().server), listener);
    applyTimeouts(server, current().server);
    shutdown.addServer(server);
    return server;
  }
  const listening = await listenAll(makeServer, bind.addresses, port);
  servers = listening.servers;
  port = listening.port;
  for (const s of listening.skipped) logger.info(s, 'address skipped');
  // Anything wider than loopback is said, with why (e.g. 0.0.0.0 because there is no docker0 bridge).
  if (bind.addresses.some((a) => !isLoopback(a))) logger.warn({ addresses: bind.addresses }, `listening beyond loopback: ${bind.reason}`);
  const other = otherInstance(dataDir);
  if (other) {
    loaded.warnings.push(sharedDataDirWarning(dataDir, other, port));
    logger.warn(loaded.warnings.at(-1));
  }
  const releaseInstance = other ? () => {} : claimInstance(dataDir, { pid: process.pid, port, startedAt });

  shutdown.onClosed(async () => {
    releaseInstance();
    ollama.close?.();
    clearInterval(rediscover);
    await providers.close();
    cache.close();
    requestLog.close();
  });

  const probes = await catalog.probeAll();
  const reachable = probes.filter((p) => p.reachable).map((p) => p.id);
  await chooser.refresh();
  const installed = new Map(probes.filter((p) => p.kind === 'ollama' && p.reachable).map((p) => [p.id, p.models]));
  return {
    ...gatewayUrls(port),
    uiUrl: `http://localhost:${port}/ui/#token=${adminToken}`,
    port,
    adminToken,
    dataDir,
    reachable,
    missingModels: missingModels(current(), installed),
    settings,
    logger,
    close: async () => {
      await shutdown.shutdown();
    },
  };
}

/**
 * The admin API has its own stricter guard. `/`, `/health` and `/health/live` stay open so probes work without
 * a key; `/health/ready` names provider endpoints and errors, so it needs the key like /v1.
 */
function keyExceptAdminAndLiveness(auth: Middleware): Middleware {
  const open = new Set(['/', '/health', '/health/live']);
  return (req, res, next) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path.startsWith('/admin') || open.has(path)) return next();
    return auth(req, res, next);
  };
}

