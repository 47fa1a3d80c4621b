import type { Config } from '../../app/config/schema.ts';
import type { LimiterTarget } from '../../app/limiter/state.ts';
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
