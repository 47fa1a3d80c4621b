import type { EngineStatus, ParsedRequestOf } from '../../app/admin/contract.ts';
import type { PaidSpendView, RuleTestResult } from '../../app/admin/types.ts';
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
  testRules: (input: ParsedRequestOf<'testRules'>) => RuleTestResult;
};

/** The admin endpoints for the catalog, routes, quota and pausing. */
export function createRoutingHandlers(
  deps: RoutingDeps,
): Pick<
  AdminHandlers,
  | 'getCatalog'
  | 'putRoutes'
  | 'putRules'
  | 'testRules'
  | 'quota'
  | 'limiterState'
  | 'setPaused'
  | 'paidSpend'
> {
  return {
    getCatalog: () => ({ catalog: deps.providers.catalog, problems: [...deps.providers.problems] }),
    // The whole config is validated, so a target naming a key that does not exist is refused.
    putRoutes: async ({ body }) =>
      (await deps.update((config) => ({ ...config, routes: body }))).routes,
    // Validated with the routes they name: a rule naming no route is refused by field.
    putRules: async ({ body }) =>
      (await deps.update((config) => ({ ...config, rules: body }))).rules,
    testRules: ({ body }) => deps.testRules(body),
    quota: () => deps.quotaView(),
    limiterState: () => deps.limiter.state(),
    paidSpend: () => deps.paidSpend(),
    setPaused: ({ body }) => {
      deps.setPaused(body.paused);
      return deps.status();
    },
  };
}
