import type { Provider } from '../catalog/schema.ts';
import type { RouteTarget } from '../config/schema.ts';
import type { KeyTier } from '../limiter/state.ts';

/** What the expansion needs of a key: the config's KeyMeta and the admin API's KeyView both fit. */
export interface TargetKey {
  id: string;
  provider: string;
  tier: KeyTier;
}

/** A target made concrete: one provider, one model, one key of its pool (none for keyless servers). */
export interface ExpandedTarget<K extends TargetKey> {
  provider: Provider;
  model: string;
  keyId: string | undefined;
  tier: KeyTier;
  key: K | undefined;
}

/**
 * Expands a route's targets into candidates, in chain order: a target naming a key gives that
 * key; otherwise each key of the provider's pool in turn, so the pool falls to the next key before
 * the chain moves on. Keyless local servers (auth "none" or a key that is optional) run without
 * one. Targets that cannot run say why, in words a person can act on. The engine's dispatcher and
 * the dashboard's plan preview both use this, so they cannot disagree.
 */
export function expandTargets<K extends TargetKey>(
  targets: readonly RouteTarget[],
  providerOf: (id: string) => Provider | undefined,
  keys: readonly K[],
): { candidates: Array<ExpandedTarget<K>>; unusable: string[] } {
  const candidates: Array<ExpandedTarget<K>> = [];
  const unusable: string[] = [];
  for (const target of targets) {
    const provider = providerOf(target.provider);
    if (!provider) {
      unusable.push(
        `${target.provider}/${target.model}: the provider is not in the catalog or is disabled`,
      );
      continue;
    }
    const pool = keys.filter((k) =>
      target.key !== undefined ? k.id === target.key : k.provider === provider.id,
    );
    if (target.key !== undefined && pool.length === 0) {
      unusable.push(
        `${provider.name} (${target.model}): no key "${target.key}"; pick another key or the provider's pool`,
      );
      continue;
    }
    if (pool.length === 0) {
      if (provider.auth === 'none' || provider.quirks.keyOptional === true) {
        candidates.push({
          provider,
          model: target.model,
          keyId: undefined,
          tier: 'free',
          key: undefined,
        });
      } else {
        unusable.push(
          `${provider.name} (${target.model}): no key yet; add one under Providers & keys`,
        );
      }
      continue;
    }
    for (const key of pool)
      candidates.push({ provider, model: target.model, keyId: key.id, tier: key.tier, key });
  }
  return { candidates, unusable };
}
