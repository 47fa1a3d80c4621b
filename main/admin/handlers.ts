import { keepConfirmations } from '../../app/config/confirmedBaseUrl.ts';
import { createModelHandlers } from '../models/modelHandlers.ts';
import type { Models } from '../models/models.ts';
import type { AdminHandlers } from './router.ts';
import { createRoutingHandlers, type RoutingDeps } from './routingHandlers.ts';
import { createStateHandlers, type StateDeps } from './stateHandlers.ts';

/** What the admin API reads and changes; the engine builds it once at start. */
export type AdminDeps = StateDeps & RoutingDeps & { models: Models };

/** Every admin endpoint's handler: the compiler checks that none in ADMIN_API is missing. */
export function createAdminHandlers(deps: AdminDeps): AdminHandlers {
  const { config } = deps;
  return {
    status: deps.status,
    getConfig: () => config.current,
    putConfig: async ({ body }) => {
      // The confirmed address of each key is the engine's to keep, whatever the caller sends.
      await config.write(
        keepConfirmations(body, config.current, (p) => deps.providers.baseUrls(p)),
      );
      return config.current;
    },
    ...createStateHandlers(deps),
    ...createRoutingHandlers(deps),
    ...createModelHandlers(deps.models),
  };
}
