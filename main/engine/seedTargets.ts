import type { Config } from '../../app/config/schema.ts';
import type { LimiterTarget } from '../../app/limiter/state.ts';
import type { ProviderDirectory } from './providerDirectory.ts';
import { resolveModel, type Candidate } from './targets.ts';

/** A candidate as the limiter names its pool: a copy of just the four fields, whatever else the object carries. */
export function limiterTargetOf(candidate: Candidate): LimiterTarget {
  const { provider, model, keyId, tier } = candidate;
  return { provider, model, keyId, tier };
}

/** Every provider/key/model the routes can reach, so the gauges show them before the first request. */
export function seedTargetsFor(config: Config, providers: ProviderDirectory): LimiterTarget[] {
  const targets: LimiterTarget[] = [];
  for (const route of config.routes) {
    const resolution = resolveModel(route.name, config, providers);
    if (!resolution.ok) continue;
    for (const c of resolution.candidates) targets.push(limiterTargetOf(c));
  }
  return targets;
}
