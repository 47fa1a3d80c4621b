import { fileURLToPath } from 'node:url';
import type { ConfigStore } from '../config/configFile.ts';
import { createProxyHandler } from '../server/proxyRoutes.ts';
import type { RequestHandler } from '../server/httpServer.ts';
import { UpstreamClient, type UpstreamTimeouts } from '../upstream/client.ts';
import { codecFor } from './codecs.ts';
import { dispatch, type DispatchObserver } from './dispatcher.ts';
import { countTokens } from './tokenCount.ts';
import type { Route } from '../../app/config/schema.ts';
import { EMPTY_LIMITER_STATE } from '../../app/limiter/state.ts';
import { detectSensitive } from '../../app/privacy/detect.ts';
import { planRoute } from '../../app/routing/plan.ts';
import { OPEN_GATE } from './gate.ts';
import type { LimiterGate } from './limiterGate.ts';
import { collectText, type ProxyRequest } from './proxyRequest.ts';
import type { Candidate } from './targets.ts';
import { loadCatalogInForce, ProviderDirectory } from './providerDirectory.ts';

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
  catalogPath?: string;
  /** A newer catalog file in the data folder, laid over the shipped one when it is valid and newer. */
  catalogUpdatePath?: string;
  timeouts?: Partial<UpstreamTimeouts>;
  clock?: () => number;
  /** The engine log, for exceptions in our own code (with the request id). */
  log?: (line: string) => void;
  /** Hides the engine's secrets in what reaches the client. */
  mask: (text: string) => string;
};

export type ProxyService = {
  handler: RequestHandler;
  providers: ProviderDirectory;
  upstream: UpstreamClient;
  close: () => Promise<void>;
};

/** Assembles the request path: catalog, upstream client, dispatcher and the /v1 edge. */
export function createProxyService(options: ProxyServiceOptions): ProxyService {
  const clock = options.clock ?? Date.now;
  const providers = new ProviderDirectory(
    loadCatalogInForce(
      options.catalogPath ?? DEFAULT_CATALOG_PATH,
      options.catalogUpdatePath,
      options.log ?? (() => undefined),
    ),
    options.config.current,
  );
  options.config.on('change', (config) => providers.update(config));
  const upstream = new UpstreamClient(options.timeouts);
  const limiter = options.limiter;
  const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const plan = (req: ProxyRequest, candidates: readonly Candidate[], route: Route | undefined) => {
    const settings = options.config.current.settings;
    const tools = req.body.tools;
    return planRoute({
      candidates,
      route,
      limiter: limiter?.state() ?? EMPTY_LIMITER_STATE,
      request: {
        promptChars: req.promptChars,
        ...(req.maxTokens !== undefined ? { maxTokens: req.maxTokens } : {}),
        hasTools: Array.isArray(tools) && tools.length > 0,
        // Scanning the prompt costs a pass over it: only when the user asked for it.
        sensitive:
          settings.detectSensitive &&
          detectSensitive(
            collectText([req.body.messages, req.body.system, req.body.prompt, req.body.input]).join(
              '\n',
            ),
          ).sensitive,
      },
      detectSensitive: settings.detectSensitive,
      paidSpendTodayUsd: route && options.paidSpendToday ? options.paidSpendToday(route.name) : 0,
      now: clock(),
      timeZone,
    });
  };
  const deps = {
    config: () => options.config.current,
    providers,
    upstream,
    secret: options.secret,
    gate: limiter ?? OPEN_GATE,
    plan,
    observer: options.observer,
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
  });
  return { handler, providers, upstream, close: () => upstream.close() };
}
