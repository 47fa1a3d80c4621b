import { existsSync, readFileSync } from 'node:fs';
import { overlayCatalog } from '../../app/catalog/overlay.ts';
import {
  checkOverrides,
  loadCatalog,
  mergeCatalog,
  type Catalog,
  type Provider,
} from '../../app/catalog/schema.ts';
import type { Config } from '../../app/config/schema.ts';

/** The shipped catalog, read and validated once. A broken catalog is a bug in the build: it throws. */
export function loadShippedCatalog(path: string): Catalog {
  const result = loadCatalog(JSON.parse(readFileSync(path, 'utf8')));
  if (!result.ok)
    throw new Error(`The provider catalog ${path} is invalid:\n  ${result.errors.join('\n  ')}`);
  return result.catalog;
}

/** The catalog update a person (or a future updater) may drop into the data folder. */
export const CATALOG_UPDATE_FILE_NAME = 'providers.json';

/**
 * The shipped catalog with a newer update file laid over it field by field (app/catalog/overlay.ts),
 * read at start. A missing file is the usual case; a refused one is logged and changes nothing.
 */
export function loadCatalogInForce(
  shippedPath: string,
  updatePath: string | undefined,
  log: (message: string) => void,
): Catalog {
  const shipped = loadShippedCatalog(shippedPath);
  if (updatePath === undefined || !existsSync(updatePath)) return { ...shipped, origin: 'shipped' };
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(updatePath, 'utf8'));
  } catch (err) {
    log(
      `catalog: ${updatePath} is not readable JSON (${(err as Error).message}); the shipped catalog stays in force`,
    );
    return { ...shipped, origin: 'shipped' };
  }
  const result = overlayCatalog(shipped, json);
  log(
    result.refused === undefined
      ? `catalog: the update ${updatePath} (${result.catalog.updated ?? 'undated'}) is in force over the shipped catalog`
      : `catalog: ${updatePath}: ${result.refused}`,
  );
  return result.catalog;
}

/**
 * The catalog as the user's config shapes it (overrides, custom providers, disabled ones),
 * recomputed only when the config changes, so the request path does a map lookup.
 */
export class ProviderDirectory {
  readonly #shipped: Catalog;
  /** The shipped catalog's base URLs by provider id: asked for every request (the key's address check). */
  readonly #shippedBaseUrls: Map<string, string>;
  #merged: Catalog;
  #byId = new Map<string, Provider>();
  #problems: string[] = [];

  constructor(shipped: Catalog, config: Config) {
    this.#shipped = shipped;
    this.#shippedBaseUrls = new Map();
    // The first of an id, as a search of the list finds it.
    for (const p of shipped.providers)
      if (!this.#shippedBaseUrls.has(p.id)) this.#shippedBaseUrls.set(p.id, p.baseUrl);
    this.#merged = shipped;
    this.update(config);
  }

  update(config: Config): void {
    this.#merged = mergeCatalog(this.#shipped, config.providers);
    this.#byId = new Map(this.#merged.providers.map((p) => [p.id, p]));
    this.#problems = checkOverrides(this.#shipped, config.providers);
  }

  get catalog(): Catalog {
    return this.#merged;
  }

  /** Lines explaining config overrides that could not apply (shown in the dashboard). */
  get problems(): readonly string[] {
    return this.#problems;
  }

  get(id: string): Provider | undefined {
    return this.#byId.get(id);
  }

  /** Where a provider points now, and where the shipped catalog points it (absent for custom ones). */
  baseUrls(id: string): { current: string; shipped?: string } | undefined {
    const current = this.#byId.get(id)?.baseUrl;
    if (current === undefined) return undefined;
    const shipped = this.#shippedBaseUrls.get(id);
    return shipped === undefined ? { current } : { current, shipped };
  }
}
