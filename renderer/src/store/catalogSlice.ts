import type { Catalog } from '../../../app/catalog/schema.ts';
import type { ProviderOverride } from '../../../app/config/schema.ts';
import { call, describeError } from '../api/client.ts';
import type { LoadState, SliceCreator } from './types.ts';

export type CatalogSlice = {
  /** The shipped catalog merged with the user's overrides and custom providers. */
  catalog: Catalog | null;
  /** Overrides the engine could not apply, one line each. */
  catalogProblems: string[];
  /** The config's own provider entries, to tell a custom provider from a shipped one. */
  overrides: Record<string, ProviderOverride>;
  catalogState: LoadState;
  catalogError: string | null;
  loadCatalog: () => Promise<void>;
  saveProvider: (id: string, override: ProviderOverride) => Promise<void>;
  deleteProvider: (id: string) => Promise<void>;
};

export const createCatalogSlice: SliceCreator<CatalogSlice> = (set, get) => ({
  catalog: null,
  catalogProblems: [],
  overrides: {},
  catalogState: 'idle',
  catalogError: null,
  loadCatalog: async () => {
    set({ catalogState: 'loading' });
    try {
      const [merged, overrides] = await Promise.all([call('getCatalog'), call('listProviders')]);
      set({
        catalog: merged.catalog,
        catalogProblems: merged.problems,
        overrides,
        catalogState: 'ready',
        catalogError: null,
      });
    } catch (err) {
      set({ catalogState: 'error', catalogError: describeError(err) });
    }
  },
  saveProvider: async (id, override) => {
    await call('putProvider', override, { params: { id } });
    await get().loadCatalog();
  },
  deleteProvider: async (id) => {
    await call('deleteProvider', undefined, { params: { id } });
    await get().loadCatalog();
  },
});
