import { ADMIN_EVENTS_PATH } from '../../app/admin/events.ts';
import { createAdminHandlers } from '../admin/handlers.ts';
import { handleAdmin } from '../admin/router.ts';
import type { SendTestRequest } from '../admin/stateHandlers.ts';
import type { ConfigStore } from '../config/configFile.ts';
import { BaseUrlCodes } from '../keys/baseUrlCodes.ts';
import type { createConfigUpdater } from '../keys/configUpdates.ts';
import type { Keychain } from '../keys/keychain.ts';
import type { KeyStore } from '../keys/keyStore.ts';
import type { ResolvedProxyKey } from '../keys/proxyKey.ts';
import type { Models } from '../models/models.ts';
import type { ProxyService } from '../proxy/proxyService.ts';
import type { RequestHandler } from '../server/httpServer.ts';
import type { RequestLogThread } from '../store/requestLogThread.ts';
import type { Team } from '../team/team.ts';
import { VERSION } from '../version.ts';
import type { EventHub } from './eventHub.ts';
import type { LimiterGate } from './limiterGate.ts';
import type { PaidSpend } from './paidSpend.ts';
import type { RoutingPause } from './routingPause.ts';
import { createTestRequester } from './testRequest.ts';

export type AdminWiring = {
  config: ConfigStore;
  configPath: string;
  dataDir: string;
  update: ReturnType<typeof createConfigUpdater>;
  keychain: Keychain;
  keys: KeyStore;
  requestLog: RequestLogThread;
  events: EventHub;
  proxy: ProxyService;
  limiter: LimiterGate;
  spend: PaidSpend;
  models: Models;
  quotaView: () => ReturnType<LimiterGate['view']>;
  pause: RoutingPause;
  team: Team | undefined;
  proxyKey: ResolvedProxyKey;
  /** The proxy's URL, known once the server listens (admin requests come after that). */
  proxyUrl: () => string;
  startedAt: number;
  clock: () => number;
  log: (message: string) => void;
  mask: (text: string) => string;
  showCode: ((message: string) => string) | undefined;
  sendTestRequest: SendTestRequest | undefined;
};

/** The admin API's handlers on this engine's parts, and the route that serves them and the event stream. */
export function adminRoute(wiring: AdminWiring): RequestHandler {
  const { config, proxyKey, proxyUrl, clock, log, pause, team } = wiring;
  const status = () => ({
    version: VERSION,
    proxyUrl: proxyUrl(),
    dataDir: wiring.dataDir,
    configPath: wiring.configPath,
    configErrors: [...config.lastErrors],
    startedAt: new Date(wiring.startedAt).toISOString(),
    paused: pause.paused,
    ...(team === undefined ? {} : { team: team.status() }),
  });
  const handlers = createAdminHandlers({
    config,
    update: wiring.update,
    keychain: wiring.keychain,
    keys: wiring.keys,
    requestLog: wiring.requestLog,
    proxyKey: () => ({ proxyKey: proxyKey.key, proxyUrl: proxyUrl(), source: proxyKey.source }),
    baseUrlCodes: new BaseUrlCodes(clock),
    showCode:
      wiring.showCode ??
      ((message) => {
        log(message);
        return 'the terminal where Switchyard runs (its log)';
      }),
    sendTestRequest:
      wiring.sendTestRequest ?? createTestRequester(proxyUrl, () => proxyKey.key, clock),
    providers: wiring.proxy.providers,
    limiter: wiring.limiter,
    paidSpend: () => wiring.spend.view(),
    status,
    setPaused: pause.setPaused,
    testRules: (input) => wiring.proxy.testRules(input),
    quotaView: wiring.quotaView,
    models: wiring.models,
  });
  return (req, res, url) =>
    url.pathname === ADMIN_EVENTS_PATH
      ? wiring.events.attach(req, res)
      : handleAdmin(handlers, req, res, url, log, wiring.mask);
}
