import type { EngineStatus } from '../../app/admin/contract.ts';
import type { PaidSpendView } from '../../app/admin/types.ts';
import type { Config } from '../../app/config/schema.ts';
import type { LimiterTarget } from '../../app/limiter/state.ts';
import type { ConfigUpdater } from '../keys/configUpdates.ts';
import type { AdminHandlers } from '../server/adminRouter.ts';
import type { LimiterGate } from './limiterGate.ts';
import type { ProviderDirectory } from './providerDirectory.ts';
import { resolveModel } from './targets.ts';

/** Every provider/key/model the routes can reach, so the gauges show them before the first request. */
export function seedTargetsFor(config: Config, providers: ProviderDirectory): LimiterTarget[] {
  const targets: LimiterTarget[] = [];
  for (const route of config.routes) {
    const resolution = resolveModel(route.name, config, providers);
    if (!resolution.ok) continue;
    for (const c of resolution.candidates) {
      targets.push({ provider: c.provider, model: c.model, keyId: c.keyId, tier: c.tier });
    }
  }
  return targets;
}

type RoutingDeps = {
  update: ConfigUpdater;
  providers: ProviderDirectory;
  limiter: LimiterGate;
  paidSpend: () => PaidSpendView;
  status: () => EngineStatus;
  setPaused: (paused: boolean) => void;
};

/** The admin endpoints for the catalog, routes, quota and pausing. */
export function createRoutingHandlers(
  deps: RoutingDeps,
): Pick<
  AdminHandlers,
  'getCatalog' | 'putRoutes' | 'quota' | 'limiterState' | 'setPaused' | 'paidSpend'
> {
  return {
    getCatalog: () => ({ catalog: deps.providers.catalog, problems: [...deps.providers.problems] }),
    // The whole config is validated, so a target naming a key that does not exist is refused.
    putRoutes: async ({ body }) =>
      (await deps.update((config) => ({ ...config, routes: body }))).routes,
    quota: () => deps.limiter.view(),
    limiterState: () => deps.limiter.state(),
    paidSpend: () => deps.paidSpend(),
    setPaused: ({ body }) => {
      deps.setPaused(body.paused);
      return deps.status();
    },
  };
}
