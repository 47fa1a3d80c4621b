import type { EngineStatus } from '../../app/admin/contract.ts';
import type { PaidSpendView } from '../../app/admin/types.ts';
import type { LimiterView } from '../../app/limiter/view.ts';
import type { ConfigUpdater } from '../keys/configUpdates.ts';
import type { LimiterGate } from '../engine/limiterGate.ts';
import type { ProviderDirectory } from '../engine/providerDirectory.ts';
import type { AdminHandlers } from './router.ts';

export type RoutingDeps = {
  update: ConfigUpdater;
  providers: ProviderDirectory;
  limiter: LimiterGate;
  /** The gauges' view: the limiter's, with the run-out forecast the limiter itself does not know. */
  quotaView: () => LimiterView;
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
    quota: () => deps.quotaView(),
    limiterState: () => deps.limiter.state(),
    paidSpend: () => deps.paidSpend(),
    setPaused: ({ body }) => {
      deps.setPaused(body.paused);
      return deps.status();
    },
  };
}
