import type { DatabaseSync } from 'node:sqlite';
import type { Config } from '../../app/config/schema.ts';
import type { ModelWatchEntry } from '../../app/models/watch.ts';
import type { ProviderDirectory } from '../engine/providerDirectory.ts';
import type { ConfigUpdater } from '../keys/configUpdates.ts';
import { DISCOVERY_INTERVAL_MS, ModelDiscovery, type ListModels } from './modelDiscovery.ts';
import { ModelStore } from './modelStore.ts';
import { ModelWatch } from './modelWatch.ts';

/** Discovery, the watch and their store, wired once for the engine. */
export type Models = { store: ModelStore; discovery: ModelDiscovery; watch: ModelWatch };

export function createModels(deps: {
  db: DatabaseSync;
  providers: ProviderDirectory;
  list: ListModels;
  config: () => Config;
  update: ConfigUpdater;
  clock: () => number;
  intervalMs?: number;
  log: (message: string) => void;
  onChange: (entries: ModelWatchEntry[]) => void;
}): Models {
  const store = new ModelStore(deps.db);
  const watch = new ModelWatch({
    store,
    config: deps.config,
    catalog: () => deps.providers.catalog,
    update: deps.update,
    clock: deps.clock,
    log: deps.log,
    onChange: deps.onChange,
  });
  const discovery = new ModelDiscovery({
    store,
    providers: deps.providers,
    list: deps.list,
    config: deps.config,
    clock: deps.clock,
    intervalMs: deps.intervalMs ?? DISCOVERY_INTERVAL_MS,
    log: deps.log,
    onListed: () => watch.refresh(),
  });
  return { store, discovery, watch };
}
