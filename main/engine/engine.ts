import { randomBytes } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { ADMIN_EVENTS_PATH } from '../../app/admin/events.ts';
import { keyEnvOf } from '../../app/catalog/keyEnv.ts';
import { configJsonSchema } from '../../app/config/jsonSchema.ts';
import { keyWithId } from '../../app/routing/targets.ts';
import { ConfigStore, writeFileAtomic } from '../config/configFile.ts';
import { createConfigUpdater } from '../keys/configUpdates.ts';
import { BaseUrlCodes } from '../keys/baseUrlCodes.ts';
import { createOsKeychain, type Keychain } from '../keys/keychain.ts';
import { recordKeyHealth } from '../keys/keyHealth.ts';
import { KeyStore } from '../keys/keyStore.ts';
import type { ValidateKey } from '../keys/keyStatus.ts';
import { resolveProxyKey } from '../keys/proxyKey.ts';
import { SecretMask } from '../keys/secretMask.ts';
import { CONFIG_FILE_NAME, RUNTIME_FILE_NAME } from '../paths.ts';
import { createAdminHandlers } from '../admin/handlers.ts';
import { handleAdmin } from '../admin/router.ts';
import type { SendTestRequest } from '../admin/stateHandlers.ts';
import { startHttpServer, type RunningServer, type ServerTimeouts } from '../server/httpServer.ts';
import { sendError } from '../server/respond.ts';
import { errorEnvelopeFor } from '../proxy/adapters/registry.ts';
import { canonicalProxyPath } from '../proxy/paths.ts';
import { DATABASE_FILE_NAME, openDatabase } from '../store/database.ts';
import { redactBody } from '../store/bodyRedaction.ts';
import { tightenDataFolder } from '../store/fileModes.ts';
import { sqliteKeyStateStore } from '../store/keyState.ts';
import { threadLimiterStore } from '../store/quotaJournalThread.ts';
import { spendSince } from '../store/spendToday.ts';
import { RequestLogThread } from '../store/requestLogThread.ts';
import { sqliteResponseStore } from '../store/storedResponses.ts';
import type { UpstreamTimeouts } from '../upstream/client.ts';
import { startTeamFromConfig } from '../team/fromConfig.ts';
import type { Team } from '../team/team.ts';
import { VERSION } from '../version.ts';
import { EventHub } from './eventHub.ts';
import { createKeyValidator } from './keyValidator.ts';
import { createLimiterGate, type LimiterGate } from './limiterGate.ts';
import { localMidnight } from '../../app/routing/budgetDay.ts';
import { PaidSpend } from './paidSpend.ts';
import { createProxyService } from '../proxy/proxyService.ts';
import { CATALOG_UPDATE_FILE_NAME } from './providerDirectory.ts';
import { createRequestRecorder } from './requestRecorder.ts';
import { seedTargetsFor } from './seedTargets.ts';
import { createTestRequester } from './testRequest.ts';
import { createModels, type Models } from '../models/models.ts';
import { httpModelLister, type ListModels } from '../models/modelDiscovery.ts';
import { observeAttempts } from '../models/observeAttempts.ts';
import { QuotaForecaster } from '../models/quotaForecaster.ts';

export type EngineOptions = {
  host: string;
  port: number;
  allowRemote: boolean;
  dataDir: string;
  configPath?: string;
  dashboardDir: string;
  /** Connect, first-byte and idle limits for provider calls (tests shorten them). */
  upstreamTimeouts?: Partial<UpstreamTimeouts>;
  /** How long a client may take to send headers and body (tests shorten them). */
  serverTimeouts?: Partial<ServerTimeouts>;
  /** Overrides the proxy key kept in the keychain (SWITCHYARD_PROXY_KEY). */
  proxyKey?: string;
  /** The OS keychain by default; tests pass their own. */
  keychain?: Keychain;
  /** Checks a key against its provider on add, replace and test (a models call by default). */
  validateKey?: ValidateKey;
  /** Serves the dashboard's test request (a request through this engine's own proxy by default). */
  sendTestRequest?: SendTestRequest;
  /** Where `{"env": "NAME"}` keys and import candidates are read from (process.env by default). */
  env?: Record<string, string | undefined>;
  /** The clock the limiter and the log run on (tests and simulations pass their own). */
  clock?: () => number;
  /** How often a team member announces itself (team mode; tests shorten it). */
  teamHeartbeatMs?: number;
  log: (message: string) => void;
  /**
   * Shows a base-URL confirmation code to the person, outside the admin API, and says where (the
   * Electron shell: a dialog of its own). The engine's log by default, i.e. the terminal.
   */
  showCode?: (message: string) => string;
  /** Lists a key's models for discovery (the provider's models call by default). */
  listModels?: ListModels;
  /** How often each key's model list is fetched (every few hours by default; tests shorten it). */
  discoveryIntervalMs?: number;
};

export type Engine = {
  url: string;
  proxyUrl: string;
  dashboardUrl: string;
  adminToken: string;
  proxyKey: string;
  dataDir: string;
  configPath: string;
  config: ConfigStore;
  server: RunningServer;
  /** Keys, the request log, the limiter and the event stream. */
  state: EngineState;
  /** While paused, the proxy answers 503 (the tray's "pause routing"). */
  readonly paused: boolean;
  setPaused: (paused: boolean) => void;
  /** Stops the engine, letting in-flight requests finish for up to `graceMs`. */
  stop: (graceMs?: number) => Promise<void>;
};

export type EngineState = {
  keychain: Keychain;
  keys: KeyStore;
  requestLog: RequestLogThread;
  limiter: LimiterGate;
  events: EventHub;
  models: Models;
  /** The limiter's view with each window's run-out forecast (the gauges, the tray, GET /admin/quota). */
  quotaView: () => ReturnType<LimiterGate['view']>;
  /** Team mode, when the config has a `team`. */
  team?: Team;
};

function newSecret(): string {
  return randomBytes(24).toString('base64url');
}

/** Runs `close` for everything opened so far, newest first, when start-up fails half-way. */
function closer() {
  const steps: Array<() => unknown> = [];
  return {
    add: (step: () => unknown) => steps.unshift(step),
    run: async () => {
      for (const step of steps) await Promise.resolve(step()).catch(() => undefined);
    },
  };
}

/** Starts the engine: config, stores, keys, limiter, proxy, admin API. The Electron shell and the CLI both call this. */
export async function startEngine(options: EngineOptions): Promise<Engine> {
  const clock = options.clock ?? Date.now;
  const env = options.env ?? process.env;
  const cleanup = closer();
  // Every secret the engine holds, for the one mask that all outbound text goes through: the
  // client's answers, the request log, the admin API, the event stream and the log. Sources join
  // as they come into being (the proxy key and the key store are made further down).
  const adminToken = newSecret();
  const held: Array<() => Iterable<string>> = [() => [adminToken]];
  const mask = new SecretMask(function* () {
    for (const source of held) yield* source();
  });
  const maskText = (text: string) => mask.mask(text);
  const log = (message: string) => options.log(mask.mask(message));
  try {
    const tightened = tightenDataFolder(options.dataDir);
    if (tightened) log(tightened);
    const configPath = options.configPath ?? join(options.dataDir, CONFIG_FILE_NAME);
    const config = await ConfigStore.open(configPath);
    cleanup.add(() => config.close());
    await writeSchemaBeside(configPath);
    config.on('invalid', (errors) => {
      log(
        `config: your edit of ${configPath} was not applied; the last good config stays live:\n  ${errors.join('\n  ')}`,
      );
    });
    config.on('change', () => log(`config: reloaded ${configPath}`));
    config.watch();

    const dbPath = join(options.dataDir, DATABASE_FILE_NAME);
    const db = openDatabase(dbPath);
    cleanup.add(() => db.close());
    const events = new EventHub({ mask: maskText });
    cleanup.add(() => events.close());
    config.on('change', () => events.publish('config.changed', { at: clock() }));
    const keychain = options.keychain ?? createOsKeychain();
    cleanup.add(() => keychain.close());
    const updateConfig = createConfigUpdater(config);
    // Before the limiter: its quota journal commits in the log's thread too.
    const requestLog = new RequestLogThread({
      path: dbPath,
      settings: () => config.current.settings,
      log,
      onRecord: (request, attempts) => events.publish('request.finished', { request, attempts }),
      now: clock,
    });
    cleanup.add(() => requestLog.close());

    // Team mode: read at start; a change of `team` takes effect on the next start.
    const team = await startTeamFromConfig(config.current.team, {
      env,
      keychain,
      version: VERSION,
      clock,
      secret: (keyId) => keys.resolveSecret(keyId),
      log,
      onStatus: () => events.publish('config.changed', { at: clock() }),
      ...(options.teamHeartbeatMs === undefined ? {} : { heartbeatMs: options.teamHeartbeatMs }),
    });
    if (team !== undefined) cleanup.add(() => team.stop());
    const forecaster = new QuotaForecaster();
    const limiter = createLimiterGate({
      ...(team === undefined ? {} : { shared: team.pools }),
      clock,
      store: threadLimiterStore(db, requestLog),
      onChange: (view, state) =>
        events.publish('quota.changed', { view: forecaster.annotate(view), state }),
      onError: (err) =>
        log(`limiter: could not load or save its counts: ${(err as Error).message}`),
    });
    cleanup.add(() => limiter.stop());

    const proxyKey =
      options.proxyKey !== undefined
        ? { key: options.proxyKey, source: 'env' as const }
        : await resolveProxyKey(keychain, env, log);
    held.push(() => [proxyKey.key]);

    let paused = false;
    let proxyUrl = '';
    // The proxy, the key store and the recorder need one another; the closures below run only
    // once requests arrive, after all three exist.
    const proxy = createProxyService({
      config,
      secret: (keyId) => keys.resolveSecret(keyId),
      observer: {
        requestStarted: (req, route) => recorder.requestStarted(req, route),
        requestFinished: (summary) => recorder.requestFinished(summary),
      },
      limiter,
      catalogUpdatePath: join(options.dataDir, CATALOG_UPDATE_FILE_NAME),
      paidSpendToday: (route) => spend.today(route),
      clock,
      log,
      mask: maskText,
      responses: sqliteResponseStore(db, clock),
      ...(options.upstreamTimeouts ? { timeouts: options.upstreamTimeouts } : {}),
    });
    cleanup.add(() => proxy.close());
    const keys: KeyStore = new KeyStore({
      config,
      baseUrlOf: (provider) => proxy.providers.baseUrls(provider),
      update: updateConfig,
      keychain,
      validateKey:
        options.validateKey ?? createKeyValidator(proxy.providers, proxy.upstream, clock),
      env,
      state: sqliteKeyStateStore(db),
      keyEnv: () => keyEnvOf(proxy.providers.catalog),
      log,
      onStatus: (event) => {
        events.publish('key.status', event);
        // A replaced or re-tested key starts clean: no invalid mark, cooldown or park left over.
        if (event.status === 'ok') limiter.clearKey(event.provider, event.id);
        if (event.status === 'ok') models.discovery.keyAdded(event.provider, event.id);
      },
    });
    held.push(() => keys.heldSecrets());
    await keys.recordMissingBaseUrls();
    const isPaid = (keyId: string) => keyWithId(config.current.keys, keyId)?.tier === 'paid';
    const spend = new PaidSpend(clock, isPaid, spendSince(db, localMidnight(clock())));
    const recorder = createRequestRecorder({
      requestLog,
      events,
      providers: proxy.providers,
      logBodies: () => config.current.settings.logBodies,
      mask: maskText,
      redactBody,
      onRecorded: (request, attempts) => {
        if (spend.record(request.route, attempts)) events.publish('spend.changed', spend.view());
        recordKeyHealth(keys, attempts);
      },
      onFinished: (summary) => observeAttempts(models.watch, summary),
    });
    const models = createModels({
      db,
      providers: proxy.providers,
      // A caller that stands in for the provider's models call to check keys (tests) stands in
      // for discovery's too, so no test lists a real provider's models by accident.
      list:
        options.listModels ??
        (options.validateKey
          ? async () => undefined
          : httpModelLister(proxy.upstream, (keyId) => keys.resolveSecret(keyId), log)),
      config: () => config.current,
      update: updateConfig,
      clock,
      log,
      onChange: (modelWatch) => events.publish('models.watch', { modelWatch }),
      ...(options.discoveryIntervalMs ? { intervalMs: options.discoveryIntervalMs } : {}),
    });
    cleanup.add(() => models.discovery.stop());
    config.on('change', () => models.watch.refresh());
    const quotaView = () => forecaster.annotate(limiter.view());
    const seed = () => limiter.seed(seedTargetsFor(config.current, proxy.providers));
    seed();
    config.on('change', seed);

    const startedAt = clock();
    const status = () => ({
      version: VERSION,
      proxyUrl,
      dataDir: options.dataDir,
      configPath,
      configErrors: [...config.lastErrors],
      startedAt: new Date(startedAt).toISOString(),
      paused,
      ...(team === undefined ? {} : { team: team.status() }),
    });
    const setPaused = (value: boolean) => {
      if (paused === value) return;
      paused = value;
      log(value ? 'routing paused: the proxy answers 503 until it is resumed' : 'routing resumed');
      events.publish('config.changed', { at: clock() });
    };
    const handlers = createAdminHandlers({
      config,
      update: updateConfig,
      keychain,
      keys,
      requestLog,
      proxyKey: () => ({ proxyKey: proxyKey.key, proxyUrl, source: proxyKey.source }),
      baseUrlCodes: new BaseUrlCodes(clock),
      showCode:
        options.showCode ??
        ((message) => {
          log(message);
          return 'the terminal where Switchyard runs (its log)';
        }),
      sendTestRequest:
        options.sendTestRequest ??
        createTestRequester(
          () => proxyUrl,
          () => proxyKey.key,
          clock,
        ),
      providers: proxy.providers,
      limiter,
      paidSpend: () => spend.view(),
      status,
      setPaused,
      testRules: (input) => proxy.testRules(input),
      quotaView,
      models,
    });

    const pausable = (req: IncomingMessage, res: ServerResponse, url: URL) => {
      if (!paused || url.pathname === '/v1/models') return proxy.handler(req, res, url);
      req.resume();
      sendError(
        res,
        errorEnvelopeFor(url.pathname, req.headers),
        503,
        'Routing is paused in Switchyard. Resume it from the tray menu or the dashboard.',
        'routing_paused',
        { 'retry-after': '30' },
      );
    };

    const server = await startHttpServer(options.host, options.port, {
      allowRemote: options.allowRemote,
      proxyKey: () => proxyKey.key,
      adminToken,
      dashboardDir: options.dashboardDir,
      proxy: pausable,
      proxyErrors: errorEnvelopeFor,
      proxyPath: canonicalProxyPath,
      allowedOrigins: () => config.current.settings.allowedOrigins,
      admin: (req, res, url) =>
        url.pathname === ADMIN_EVENTS_PATH
          ? events.attach(req, res)
          : handleAdmin(handlers, req, res, url, log, maskText),
      log,
      ...(options.serverTimeouts ? { timeouts: options.serverTimeouts } : {}),
    });

    const hostForUrl = options.host.includes(':') ? `[${options.host}]` : options.host;
    const url = `http://${hostForUrl}:${server.port}`;
    proxyUrl = `${url}/v1`;
    const runtimeFile = join(options.dataDir, RUNTIME_FILE_NAME);
    // The admin token is a per-run session token, like Jupyter's runtime file: it lets
    // `switchyard status` and `keys` reach this engine. The file is the user's alone (0600).
    await writeFileAtomic(
      runtimeFile,
      JSON.stringify({
        url,
        proxyUrl,
        adminToken,
        pid: process.pid,
        startedAt: new Date(startedAt).toISOString(),
      }),
    );

    let stopping: Promise<void> | undefined;
    const stop = (graceMs = 10_000): Promise<void> => {
      stopping ??= (async () => {
        config.close();
        events.close();
        await server.close(graceMs);
        limiter.stop();
        await models.discovery.stop();
        await team?.stop();
        await proxy.close();
        await recorder.settled();
        await requestLog.close();
        db.close();
        keychain.close();
        await rm(runtimeFile, { force: true });
      })();
      return stopping;
    };

    models.discovery.start();
    const state: EngineState = {
      keychain,
      keys,
      requestLog,
      limiter,
      events,
      models,
      quotaView,
      ...(team === undefined ? {} : { team }),
    };
    return {
      url,
      proxyUrl,
      // The token rides in the fragment, which a browser never sends to a server; the page moves
      // it to sessionStorage and sends it as a header.
      dashboardUrl: `${url}/#token=${adminToken}`,
      adminToken,
      proxyKey: proxyKey.key,
      dataDir: options.dataDir,
      configPath,
      config,
      server,
      state,
      get paused() {
        return paused;
      },
      setPaused,
      stop,
    };
  } catch (err) {
    await cleanup.run();
    throw err;
  }
}

/** Puts the JSON Schema next to the config so `"$schema": "./config.schema.json"` resolves in editors. */
async function writeSchemaBeside(configPath: string): Promise<void> {
  const target = join(configPath, '..', 'config.schema.json');
  const text = `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
  const existing = await readFile(target, 'utf8').catch(() => '');
  if (existing !== text) await writeFileAtomic(target, text);
}
