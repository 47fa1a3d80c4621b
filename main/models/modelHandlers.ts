import type { AdminHandlers } from '../admin/router.ts';
import type { ModelStore } from './modelStore.ts';
import type { ModelWatch } from './modelWatch.ts';

/** The admin endpoints for discovered models and the model watch. */
export function createModelHandlers(deps: {
  watch: ModelWatch;
  store: ModelStore;
}): Pick<AdminHandlers, 'modelWatch' | 'discoveredModels'> {
  return {
    modelWatch: () => ({ modelWatch: deps.watch.entries() }),
    discoveredModels: () => deps.store.discovered(),
  };
}
