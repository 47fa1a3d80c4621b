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

interface KeyIndex<K extends TargetKey> {
  byId: Map<string, K>;
  byProvider: Map<string, K[]>;
}

/** Each key list's index, built on first use: expanding every route of a config once is linear. */
const keyIndexes = new WeakMap<readonly TargetKey[], KeyIndex<TargetKey>>();

function keyIndex<K extends TargetKey>(keys: readonly K[]): KeyIndex<K> {
  const cached = keyIndexes.get(keys) as KeyIndex<K> | undefined;
  if (cached !== undefined) return cached;
  const index: KeyIndex<K> = { byId: new Map(), byProvider: new Map() };
  for (const key of keys) {
    if (!index.byId.has(key.id)) index.byId.set(key.id, key);
    const pool = index.byProvider.get(key.provider);
    if (pool === undefined) index.byProvider.set(key.provider, [key]);
    else pool.push(key);
  }
  keyIndexes.set(keys, index as KeyIndex<TargetKey>);
  return index;
}

/** The key with this id, by the list's index rather than a scan (asked once per target). */
export function keyWithId<K extends TargetKey>(keys: readonly K[], id: string): K | undefined {
  return keyIndex(keys).byId.get(id);
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
  const index = keyIndex(keys);
  for (const target of targets) {
    const provider = providerOf(target.provider);
    if (!provider) {
      unusable.push(
        `${target.provider}/${target.model}: the provider is not in the catalog or is disabled`,
      );
      continue;
    }
    const named = target.key === undefined ? undefined : index.byId.get(target.key);
    const pool =
      target.key === undefined
        ? (index.byProvider.get(provider.id) ?? [])
        : named === undefined
          ? []
          : [named];
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
