import type { Model } from './model.ts';
import type { Catalog, Provider, Source } from './schema.ts';
import { loadCatalog } from './schema.ts';

/** What came of a catalog update file: the catalog in force, and a sentence when it was not used. */
export type OverlayResult = { catalog: Catalog; refused?: string };

function mergeModels(shipped: readonly Model[], update: readonly Model[]): Model[] {
  const byId = new Map(update.map((m) => [m.id, m]));
  const merged = shipped.map((m) => {
    const newer = byId.get(m.id);
    return newer === undefined ? m : { ...m, ...newer };
  });
  const known = new Set(shipped.map((m) => m.id));
  return [...merged, ...update.filter((m) => !known.has(m.id))];
}

/** The update's sources first, then the shipped ones it does not repeat: every figure keeps where it came from. */
function mergeSources(shipped: readonly Source[], update: readonly Source[]): Source[] {
  const seen = new Set(update.map((s) => `${s.field}|${s.url}`));
  return [...update, ...shipped.filter((s) => !seen.has(`${s.field}|${s.url}`))];
}

function mergeProvider(shipped: Provider, update: Provider): Provider {
  return {
    ...shipped,
    ...update,
    // A file in the data folder must not move where keys go: addresses change only in the config,
    // where a changed address holds keys back until the person confirms it.
    baseUrl: shipped.baseUrl,
    quirks: { ...shipped.quirks, ...update.quirks },
    models: mergeModels(shipped.models, update.models),
    sources: mergeSources(shipped.sources, update.sources),
  };
}

/**
 * Lays a catalog update file (parsed JSON from the data folder) over the shipped catalog, field
 * by field: a provider or model the update names takes its fields, the rest stays as shipped,
 * and both files' sources are kept. The update must validate and carry an `updated` date newer
 * than the shipped catalog's; otherwise the shipped one stays in force and `refused` says why.
 */
export function overlayCatalog(shipped: Catalog, updateJson: unknown): OverlayResult {
  const inForce: Catalog = { ...shipped, origin: 'shipped' };
  const parsed = loadCatalog(updateJson);
  if (!parsed.ok)
    return {
      catalog: inForce,
      refused: `the catalog update is invalid, so the shipped catalog stays in force: ${parsed.errors.slice(0, 3).join('; ')}`,
    };
  const update = parsed.catalog;
  if (update.updated === undefined)
    return {
      catalog: inForce,
      refused: 'the catalog update has no "updated" date, so the shipped catalog stays in force',
    };
  if (shipped.updated !== undefined && update.updated <= shipped.updated)
    return {
      catalog: inForce,
      refused: `the catalog update (${update.updated}) is not newer than the shipped catalog (${shipped.updated}); the shipped one stays in force`,
    };
  const byId = new Map(update.providers.map((p) => [p.id, p]));
  const providers = shipped.providers.map((p) => {
    const newer = byId.get(p.id);
    return newer === undefined ? p : mergeProvider(p, newer);
  });
  const known = new Set(shipped.providers.map((p) => p.id));
  return {
    catalog: {
      ...shipped,
      updated: update.updated,
      origin: 'update',
      providers: [...providers, ...update.providers.filter((p) => !known.has(p.id))],
    },
  };
}

/** The newest `checked` date among a provider's sources: how old its figures are at best. */
export function newestCheck(provider: Pick<Provider, 'sources'>): string | undefined {
  let newest: string | undefined;
  for (const s of provider.sources)
    if (newest === undefined || s.checked > newest) newest = s.checked;
  return newest;
}

/** The oldest `checked` date: the stalest figure the provider's entry holds. */
export function oldestCheck(provider: Pick<Provider, 'sources'>): string | undefined {
  let oldest: string | undefined;
  for (const s of provider.sources)
    if (oldest === undefined || s.checked < oldest) oldest = s.checked;
  return oldest;
}
