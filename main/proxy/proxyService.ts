import { fileURLToPath } from 'node:url';
import type { ConfigStore } from '../config/configFile.ts';
import { createProxyHandler } from './routes.ts';
import type { RequestHandler } from '../server/httpServer.ts';
import type { UpstreamClient } from '../upstream/client.ts';
import { codecFor } from './codecs.ts';
import type { DispatchObserver } from '../engine/dispatchReport.ts';
import { dispatch } from './dispatcher.ts';
import { countTokens } from './tokenCount.ts';
import { requestPlanner } from './requestPlan.ts';
import { OPEN_GATE } from './gate.ts';
import { SessionMemory } from './sessionMemory.ts';
import { testRules } from './ruleTester.ts';
import type { ParsedRequestOf } from '../../app/admin/contract.ts';
import type { RuleTestResult } from '../../app/admin/types.ts';
import type { LimiterGate } from '../engine/limiterGate.ts';
import { loadCatalogInForce, ProviderDirectory } from '../engine/providerDirectory.ts';
import type { ResponseStore } from '../store/storedResponses.ts';

/** Where the shipped catalog is: resources/ beside main/ in the repo and in dist/ alike. */
export const DEFAULT_CATALOG_PATH = fileURLToPath(
  new URL('../../resources/providers.json', import.meta.url),
);

export type ProxyServiceOptions = {
  config: ConfigStore;
  /** The secret of a configured key; throws a message a person can act on when unavailable. */
  secret: (keyId: string) => Promise<string>;
  observer: DispatchObserver;
  /** The limiter: capacity before each attempt, and its state for the plan. None: always admit. */
  limiter?: LimiterGate;
  /** Today's paid spend per route, for paid budgets. */
  paidSpendToday?: (route: string) => number;
  /** The catalog with the config's overrides (the key store and discovery read it too). */
  providers: ProviderDirectory;
  /** The client for provider calls; closed with the proxy. */
  upstream: UpstreamClient;
  clock?: () => number;
  /** The engine log, for exceptions in our own code (with the request id). */
  log?: (line: string) => void;
  /** Hides the engine's secrets in what reaches the client. */
  mask: (text: string) => string;
  /** Stored Responses API answers. */
  responses: ResponseStore;
};

export type ProxyService = {
  handler: RequestHandler;
  /** The Routes page's rule tester, on this engine's config, catalog and limiter. */
  testRules: (input: ParsedRequestOf<'testRules'>) => RuleTestResult;
  providers: ProviderDirectory;
  upstream: UpstreamClient;
  close: () => Promise<void>;
};

/**
 * The catalog in force (the shipped one, or a newer valid one in the data folder) with the
 * config's overrides, kept current as the config changes.
 */
export function openProviderDirectory(
  config: ConfigStore,
  catalogUpdatePath: string | undefined,
  log: (line: string) => void,
): ProviderDirectory {
  const providers = new ProviderDirectory(
    loadCatalogInForce(DEFAULT_CATALOG_PATH, catalogUpdatePath, log),
    config.current,
  );
  config.on('change', (current) => providers.update(current));
  return providers;
}

/** Assembles the request path: dispatcher and the /v1 edge, on the given catalog and upstream client. */
export function createProxyService(options: ProxyServiceOptions): ProxyService {
  const clock = options.clock ?? Date.now;
  const { providers, upstream } = options;
  const limiter = options.limiter;
  const plan = requestPlanner({
    config: options.config,
    limiter,
    clock,
    ...(options.paidSpendToday ? { paidSpendToday: options.paidSpendToday } : {}),
  });
  const deps = {
    config: () => options.config.current,
    providers,
    upstream,
    secret: options.secret,
    gate: limiter ?? OPEN_GATE,
    plan,
    observer: options.observer,
    sessions: new SessionMemory(clock),
    codecFor,
    clock,
    captureBodies: () => options.config.current.settings.logBodies,
    reportBug: (requestId: string, error: unknown) =>
      (options.log ?? console.error)(
        `bug: request ${requestId}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      ),
    mask: options.mask,
  };
  const handler = createProxyHandler({
    config: deps.config,
    startedAt: clock(),
    clock,
    dispatch: (req, res) => dispatch(deps, req, res),
    countTokens: (req, res) => countTokens(deps, req, res),
    responses: options.responses,
  });
  return {
    handler,
    providers,
    upstream,
    testRules: (input) => testRules(input, options.config.current, providers, plan),
    close: () => upstream.close(),
  };
}
