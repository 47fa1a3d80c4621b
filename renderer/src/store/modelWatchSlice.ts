import type { ModelWatchEvent } from '../../../app/admin/events.ts';
import {
  replaceModel,
  type DiscoveredModel,
  type ModelWatchEntry,
} from '../../../app/models/watch.ts';
import { call, describeError } from '../api/client.ts';
import type { SliceCreator } from './types.ts';

export type ModelWatchSlice = {
  /** Every route target's model and whether its provider dropped or deprecated it. */
  modelWatch: ModelWatchEntry[];
  /** What the providers list for the user's keys, for the chain editor's palette. */
  discoveredModels: DiscoveredModel[];
  loadModelWatch: () => Promise<void>;
  applyModelWatch: (event: ModelWatchEvent) => void;
  /**
   * The one-click replace: saves the route with the suggestion in place of the flagged model,
   * and makes the same change in the draft, leaving the draft's other edits alone.
   */
  replaceFlaggedModel: (entry: ModelWatchEntry) => Promise<void>;
};

export const createModelWatchSlice: SliceCreator<ModelWatchSlice> = (set, get) => ({
  modelWatch: [],
  discoveredModels: [],
  loadModelWatch: async () => {
    try {
      const [watch, discoveredModels] = await Promise.all([
        call('modelWatch'),
        call('discoveredModels'),
      ]);
      set({ modelWatch: watch.modelWatch, discoveredModels });
    } catch {
      // The banner and the discovered models are extras: the routes page works without them,
      // and the next event or config change loads them again.
    }
  },
  applyModelWatch: ({ modelWatch }) => {
    set({ modelWatch });
    void call('discoveredModels')
      .then((discoveredModels) => set({ discoveredModels }))
      .catch(() => undefined);
  },
  replaceFlaggedModel: async (entry) => {
    const suggestion = entry.suggestion;
    if (suggestion === null) return;
    const swap = (routes: ReturnType<typeof get>['savedRoutes']) =>
      routes.map((r) =>
        r.name === entry.route ? replaceModel(r, entry.provider, entry.model, suggestion) : r,
      );
    try {
      const saved = await call('putRoutes', swap(get().savedRoutes));
      set((s) => ({ savedRoutes: saved, draftRoutes: swap(s.draftRoutes) }));
      get().toast('success', `Route ${entry.route} now uses ${entry.provider}/${suggestion}.`);
      await get().loadModelWatch();
    } catch (err) {
      get().toast('error', `Could not replace the model: ${describeError(err)}`);
    }
  },
});
