/**
 * Config load must be linear in the number of routes: 100,000 routes once blocked the event
 * loop for 23 s because every route looked itself up with `routes.find`. Counted, not timed:
 * every property read of a route or a key goes through a counting proxy, and doubling the
 * routes must double the reads, not quadruple them. (The time per size is a benchmark:
 * test/bench/configLoadBench.ts.)
 */
import { describe, expect, it } from 'vitest';
import { ConfigSchema, type Config } from '../../../app/config/schema.ts';
import { DEFAULT_CATALOG_PATH } from '../../../main/proxy/proxyService.ts';
import { loadShippedCatalog, ProviderDirectory } from '../../../main/engine/providerDirectory.ts';
import { seedTargetsFor } from '../../../main/engine/seedTargets.ts';
import { resolveModel } from '../../../main/engine/targets.ts';
import { manyRoutesConfig } from '../../bench/configFixture.ts';

const catalog = loadShippedCatalog(DEFAULT_CATALOG_PATH);

/** The config with every route and key behind a proxy that counts property reads. */
function counted(config: Config): { config: Config; reads: () => number } {
  let reads = 0;
  const wrap = <T extends object>(items: T[]): T[] =>
    items.map(
      (item) =>
        new Proxy<T>(item, {
          get(target, property, receiver) {
            reads++;
            return Reflect.get(target, property, receiver) as unknown;
          },
        }),
    );
  return {
    config: { ...config, routes: wrap(config.routes), keys: wrap(config.keys) },
    reads: () => reads,
  };
}

/** Route and key property reads to seed the limiter for a config of `routes` routes. */
function readsToSeed(routes: number): number {
  const config = ConfigSchema.parse(manyRoutesConfig(routes));
  const providers = new ProviderDirectory(catalog, config);
  const probe = counted(config);
  const targets = seedTargetsFor(probe.config, providers);
  expect(targets).toHaveLength(routes);
  return probe.reads();
}

describe('config load scales linearly with the routes', () => {
  it('seeding the limiter reads each route and key a bounded number of times', () => {
    const small = readsToSeed(2000);
    const large = readsToSeed(4000);
    // Linear: twice the routes (and keys), about twice the reads. Quadratic would be four times.
    expect(large / small).toBeLessThan(2.2);
    expect(small / 2000).toBeLessThan(40);
  });

  it('resolving a route name does not walk every route', () => {
    const config = ConfigSchema.parse(manyRoutesConfig(4000));
    const providers = new ProviderDirectory(catalog, config);
    const probe = counted(config);
    resolveModel('route-3999', probe.config, providers);
    const first = probe.reads();
    resolveModel('route-3998', probe.config, providers);
    // The second lookup uses the index the first built: a few reads, not 4,000.
    expect(probe.reads() - first).toBeLessThan(50);
  });
});
