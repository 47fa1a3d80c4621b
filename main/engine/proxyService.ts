import { fileURLToPath } from 'node:url';
import type { ConfigStore } from '../config/configFile.ts';
import { createProxyHandler } from '../server/proxyRoutes.ts';
import type { RequestHandler } from '../server/httpServer.ts';
import { UpstreamClient, type UpstreamTimeouts } from '../upstream/client.ts';
import { codecFor } from './codecs.ts';
import { dispatch, type DispatchObserver } from './dispatcher.ts';
import { OPEN_GATE, type CapacityGate } from './gate.ts';
import { loadShippedCatalog, ProviderDirectory } from './providerDirectory.ts';

/** Where the shipped catalog is: resources/ beside main/ in the repo and in dist/ alike. */
export const DEFAULT_CATALOG_PATH = fileURLToPath(
  new URL('../../resources/providers.json', import.meta.url),
);

export type ProxyServiceOptions = {
  config: ConfigStore;
  /** The secret of a configured key; throws a message a person can act on when unavailable. */
  secret: (keyId: string) => Promise<string>;
  observer: DispatchObserver;
  gate?: CapacityGate;
  catalogPath?: string;
  timeouts?: Partial<UpstreamTimeouts>;
  clock?: () => number;
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
    loadShippedCatalog(options.catalogPath ?? DEFAULT_CATALOG_PATH),
    options.config.current,
  );
  options.config.on('change', (config) => providers.update(config));
  const upstream = new UpstreamClient(options.timeouts);
  const deps = {
    config: () => options.config.current,
    providers,
    upstream,
    secret: options.secret,
    gate: options.gate ?? OPEN_GATE,
    observer: options.observer,
    codecFor,
    clock,
  };
  const handler = createProxyHandler({
    config: deps.config,
    startedAt: clock(),
    clock,
    dispatch: (req, res) => dispatch(deps, req, res),
  });
  return { handler, providers, upstream, close: () => upstream.close() };
}
