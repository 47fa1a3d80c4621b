import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { SendTestRequest } from '../admin/stateHandlers.ts';
import { keyEnvOf } from '../../app/catalog/keyEnv.ts';
import { localMidnight } from '../../app/routing/budgetDay.ts';
import { keyWithId } from '../../app/routing/targets.ts';
import type { ConfigStore } from '../config/configFile.ts';
import { createConfigUpdater } from '../keys/configUpdates.ts';
import { createOsKeychain, type Keychain } from '../keys/keychain.ts';
import { recordKeyHealth } from '../keys/keyHealth.ts';
import { KeyStore } from '../keys/keyStore.ts';
import type { ValidateKey } from '../keys/keyStatus.ts';
import { resolveProxyKey } from '../keys/proxyKey.ts';
import { SecretCache } from '../keys/secretCache.ts';
import { SecretMask } from '../keys/secretMask.ts';
import { createModels, type Models } from '../models/models.ts';
import { httpModelLister, type ListModels } from '../models/modelDiscovery.ts';
import { observeAttempts } from '../models/observeAttempts.ts';
import { QuotaForecaster } from '../models/quotaForecaster.ts';
import { CONFIG_FILE_NAME, RUNTIME_FILE_NAME } from '../paths.ts';
import { errorEnvelopeFor } from '../proxy/adapters/registry.ts';
import { canonicalProxyPath } from '../proxy/paths.ts';
import { createProxyService, openProviderDirectory } from '../proxy/proxyService.ts';
import { startHttpServer, type RunningServer, type ServerTimeouts } from '../server/httpServer.ts';
import { redactBody } from '../store/bodyRedaction.ts';
import { DATABASE_FILE_NAME, openDatabase } from '../store/database.ts';
import { tightenDataFolder } from '../store/fileModes.ts';
import { sqliteKeyStateStore } from '../store/keyState.ts';
import { RequestLogThread } from '../store/requestLogThread.ts';
import { spendSince } from '../store/spendToday.ts';
import { threadResponseStore } from '../store/responseStoreThread.ts';
import { resolveTeamLink, startTeamFromLink, teamLinkSecrets } from '../team/fromConfig.ts';
import type { Team } from '../team/team.ts';
import { UpstreamClient, type UpstreamTimeouts } from '../upstream/client.ts';
import { VERSION } from '../version.ts';
import { adminRoute } from './adminWiring.ts';
import { openConfig, watchConfig } from './engineConfig.ts';
import { EventHub } from './eventHub.ts';
import { createKeyValidator } from './keyValidator.ts';
import { createLimiterGate, type LimiterGate } from './limiterGate.ts';
import { sqliteLimiterSnapshots } from '../store/limiterSnapshot.ts';
import { journalFileStore } from '../store/quotaJournalFile.ts';
import { journalFolder } from '../store/quotaJournalSegments.ts';
import { PaidSpend } from './paidSpend.ts';
import type { QuietHeapRelease } from './quietHeapRelease.ts';
import { CATALOG_UPDATE_FILE_NAME } from './providerDirectory.ts';
import { createRequestRecorder } from './requestRecorder.ts';
import { routingPause } from './routingPause.ts';
import { seedTargetsFor } from './seedTargets.ts';
import { closer, stopSequence, writeRuntimeFile } from './shutdown.ts';

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
  /**
   * Gives V8's spare heap back when the server goes quiet: the shells pass one, since the heap is
   * their process's; in-process tests leave it out rather than collect the test runner's heap.
   */
  heapRelease?: QuietHeapRelease;
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

/**
 * Starts the engine. The parts are built in dependency order: config and the secrets (admin token,
 * proxy key, the keys' secrets, the team's password), the secret mask and the log, stores, provider
 * directory and upstream, keys, team and limiter, model discovery, recorder, proxy, admin API,
 * server. The Electron shell and the CLI both call this.
 */
export async function startEngine(options: EngineOptions): Promise<Engine> {
  const clock = options.clock ?? Date.now;
  const env = options.env ?? process.env;
  const cleanup = closer();
  try {
    // The config and every secret the engine holds, each from its owner, before anything is
    // logged. What start-up has to say before the log exists waits in `notes`.
    const notes: string[] = [];
    const tightened = tightenDataFolder(options.dataDir);
    if (tightened) notes.push(tightened);
    const configPath = options.configPath ?? join(options.dataDir, CONFIG_FILE_NAME);
    const config = await openConfig(configPath, cleanup.add);
    const adminToken = newSecret();
    const keychain = options.keychain ?? createOsKeychain();
    cleanup.add(() => keychain.close());
    const proxyKey =
      options.proxyKey !== undefined
        ? { key: options.proxyKey, source: 'env' as const }
        : await resolveProxyKey(keychain, env, (note) => notes.push(note));
    const keySecrets = new SecretCache(config, keychain, env);
    // Read at start: a change of `team` takes effect on the next start.
    const teamLink = await resolveTeamLink(config.current.team, env, keychain);
    const teamSecrets = teamLinkSecrets(teamLink);

    // The one mask all outbound text goes through: the client's answers, the request log, the
    // admin API, the event stream and the log. Its sources are read on every call, so a key
    // added, replaced or removed later is covered at once. The list is remade only when the keys'
    // secrets change (`held()` answers the same array until then): a generator here made its
    // objects on every text masked, at least once per request.
    let sources: { held: string[]; proxyKey: string; all: string[] } | undefined;
    const mask = new SecretMask(() => {
      const held = keySecrets.held();
      if (sources?.held !== held || sources.proxyKey !== proxyKey.key)
        sources = {
          held,
          proxyKey: proxyKey.key,
          all: [adminToken, proxyKey.key, ...held, ...teamSecrets],
        };
      return sources.all;
    });
    const maskText = (text: string) => mask.mask(text);
    const log = (message: string) => options.log(mask.mask(message));
    for (const note of notes) log(note);
    watchConfig(config, configPath, log);
    const updateConfig = createConfigUpdater(config);

    // Database, stores and the event stream.
    const dbPath = join(options.dataDir, DATABASE_FILE_NAME);
    const db = openDatabase(dbPath);
    cleanup.add(() => db.close());
    const events = new EventHub({ mask: maskText });
    cleanup.add(() => events.close());
    config.on('change', () => events.publish('config.changed', { at: clock() }));
    // Before the limiter: its snapshot commits in the log's thread too.
    const requestLog = new RequestLogThread({
      path: dbPath,
      settings: () => config.current.settings,
      log,
      onRecord: (request) => events.publish('request.finished', { request }),
      now: clock,
    });
    cleanup.add(() => requestLog.close());

    // Provider directory and the upstream client (the key store checks keys with them).
    const providers = openProviderDirectory(
      config,
      join(options.dataDir, CATALOG_UPDATE_FILE_NAME),
      log,
    );
    const upstream = new UpstreamClient(options.upstreamTimeouts);
    cleanup.add(() => upstream.close());

    // Keys, over the secrets read above. A key's status reaches the event stream now, and the
    // limiter and discovery as each is built below.
    const keys = new KeyStore({
      config,
      baseUrlOf: (provider) => providers.baseUrls(provider),
      update: updateConfig,
      keychain,
      validateKey: options.validateKey ?? createKeyValidator(providers, upstream, clock),
      env,
      state: sqliteKeyStateStore(db),
      keyEnv: () => keyEnvOf(providers.catalog),
      log,
      secrets: keySecrets,
    });
    keys.onStatus((event) => events.publish('key.status', event));
    await keys.recordMissingBaseUrls();
    const secret = (keyId: string) => keys.resolveSecret(keyId);

    // Team mode and the limiter.
    const team = await startTeamFromLink(teamLink, {
      version: VERSION,
      clock,
      secret,
      log,
      onStatus: () => events.publish('config.changed', { at: clock() }),
      ...(options.teamHeartbeatMs === undefined ? {} : { heartbeatMs: options.teamHeartbeatMs }),
    });
    if (team !== undefined) cleanup.add(() => team.stop());
    const forecaster = new QuotaForecaster();
    // The journal is written by this thread; the snapshot is read here at start and committed in
    // the log's thread.
    const quotaStore = journalFileStore(journalFolder(options.dataDir), {
      load: () => sqliteLimiterSnapshots(db).load(),
      save: (snapshot, carried, folded) => requestLog.saveSnapshot(snapshot, [...carried], folded),
    });
    cleanup.add(() => quotaStore.close());
    const limiter = createLimiterGate({
      ...(team === undefined ? {} : { shared: team.pools }),
      clock,
      store: quotaStore,
      onChange: (view, state) =>
        events.publish('quota.changed', { view: forecaster.annotate(view), state }),
      onError: (err) =>
        log(`limiter: could not load or save its counts: ${(err as Error).message}`),
    });
    cleanup.add(() => limiter.stop());
    // A replaced or re-tested key starts clean: no invalid mark, cooldown or park left over.
    keys.onStatus((event) => {
      if (event.status === 'ok') limiter.clearKey(event.provider, event.id);
    });
    const quotaView = () => forecaster.annotate(limiter.view());

    // Model discovery and watch.
    const models = createModels({
      db,
      providers,
      // A caller that stands in for the provider's models call to check keys (tests) stands in
      // for discovery's too, so no test lists a real provider's models by accident.
      list:
        options.listModels ??
        (options.validateKey ? async () => undefined : httpModelLister(upstream, secret, log)),
      config: () => config.current,
      update: updateConfig,
      clock,
      log,
      onChange: (modelWatch) => events.publish('models.watch', { modelWatch }),
      ...(options.discoveryIntervalMs ? { intervalMs: options.discoveryIntervalMs } : {}),
    });
    cleanup.add(() => models.discovery.stop());
    config.on('change', () => models.watch.refresh());
    keys.onStatus((event) => {
      if (event.status === 'ok') models.discovery.keyAdded(event.provider, event.id);
    });
    const seed = () => limiter.seed(seedTargetsFor(config.current, providers));
    seed();
    config.on('change', seed);

    // Paid spend and the recorder.
    const isPaid = (keyId: string) => keyWithId(config.current.keys, keyId)?.tier === 'paid';
    const spend = new PaidSpend(clock, isPaid, spendSince(db, localMidnight(clock())));
    const recorder = createRequestRecorder({
      requestLog,
      events,
      providers,
      logBodies: () => config.current.settings.logBodies,
      mask: maskText,
      redactBody,
      onRecorded: (request, attempts) => {
        if (spend.record(request.route, attempts)) events.publish('spend.changed', spend.view());
        recordKeyHealth(keys, attempts);
      },
      onFinished: (summary) => observeAttempts(models.watch, summary),
    });

    // The proxy, and the tray's pause in front of it.
    const proxy = createProxyService({
      config,
      providers,
      upstream,
      secret,
      observer: recorder,
      limiter,
      paidSpendToday: (route) => spend.today(route),
      clock,
      log,
      mask: maskText,
      responses: threadResponseStore(requestLog),
    });
    const pause = routingPause(proxy.handler, log, () =>
      events.publish('config.changed', { at: clock() }),
    );

    // The admin API, then the server.
    let proxyUrl = '';
    const startedAt = clock();
    const admin = adminRoute({
      config,
      configPath,
      dataDir: options.dataDir,
      update: updateConfig,
      keychain,
      keys,
      requestLog,
      events,
      proxy,
      limiter,
      spend,
      models,
      quotaView,
      pause,
      team,
      proxyKey,
      proxyUrl: () => proxyUrl,
      startedAt,
      clock,
      log,
      mask: maskText,
      showCode: options.showCode,
      sendTestRequest: options.sendTestRequest,
    });
    const server = await startHttpServer(options.host, options.port, {
      allowRemote: options.allowRemote,
      proxyKey: () => proxyKey.key,
      adminToken,
      dashboardDir: options.dashboardDir,
      proxy: pause.handler,
      proxyErrors: errorEnvelopeFor,
      proxyPath: canonicalProxyPath,
      allowedOrigins: () => config.current.settings.allowedOrigins,
      admin,
      log,
      ...(options.serverTimeouts ? { timeouts: options.serverTimeouts } : {}),
      ...(options.heapRelease ? { activity: options.heapRelease } : {}),
    });

    const hostForUrl = options.host.includes(':') ? `[${options.host}]` : options.host;
    const url = `http://${hostForUrl}:${server.port}`;
    proxyUrl = `${url}/v1`;
    const runtimeFile = join(options.dataDir, RUNTIME_FILE_NAME);
    await writeRuntimeFile(runtimeFile, { url, proxyUrl, adminToken, startedAt });

    const stop = stopSequence({
      config,
      events,
      server,
      limiter,
      discovery: models.discovery,
      team,
      proxy,
      recorder,
      requestLog,
      db,
      keychain,
      runtimeFile,
    });
    models.discovery.start();
    options.heapRelease?.ready();
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
        return pause.paused;
      },
      setPaused: pause.setPaused,
      stop: (graceMs) => {
        options.heapRelease?.stop();
        return stop(graceMs);
      },
    };
  } catch (err) {
    await cleanup.run();
    throw err;
  }
}
