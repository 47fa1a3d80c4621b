import type { Settings } from '../../../app/admin/contract.ts';
import type { Route, Rule } from '../../../app/config/schema.ts';
import { ApiError, call, describeError } from '../api/client.ts';
import type { LoadState, SliceCreator } from './types.ts';

export type RoutesSlice = {
  /** The routes as the engine has them. */
  savedRoutes: Route[];
  /** The routes as the editor has them; differs from savedRoutes while there are unsaved changes. */
  draftRoutes: Route[];
  routesState: LoadState;
  routesError: string | null;
  /** The engine's routes changed (another window, a hand edit) while this draft had unsaved edits. */
  routesChangedElsewhere: boolean;
  /** The engine's answer to the last save that it refused, one problem per line. */
  saveProblems: string[];
  saving: boolean;
  /** The engine's settings (detectSensitive matters to the plan preview). */
  settings: Settings | null;
  /** The engine's rules (the Connect page notes which apply to each tool). */
  savedRules: Rule[];
  loadRoutes: () => Promise<void>;
  setDraftRoutes: (routes: Route[]) => void;
  updateDraftRoute: (index: number, update: (route: Route) => Route) => void;
  discardDraft: () => void;
  /** Resolves true when the engine took the routes. */
  saveRoutes: () => Promise<boolean>;
  /** Sets settings.defaultRoute (undefined: unknown model names get a 404); resolves with a problem, or null. */
  saveDefaultRoute: (route: string | undefined) => Promise<string | null>;
};

function same(a: Route[], b: Route[]): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Whether the editor holds edits the engine has not got. */
export function hasUnsavedRoutes(s: { savedRoutes: Route[]; draftRoutes: Route[] }): boolean {
  return !same(s.savedRoutes, s.draftRoutes);
}

export const createRoutesSlice: SliceCreator<RoutesSlice> = (set, get) => ({
  savedRoutes: [],
  draftRoutes: [],
  routesState: 'idle',
  routesError: null,
  routesChangedElsewhere: false,
  saveProblems: [],
  saving: false,
  settings: null,
  savedRules: [],
  loadRoutes: async () => {
    if (get().routesState === 'idle') set({ routesState: 'loading' });
    try {
      const config = await call('getConfig');
      set((s) => {
        const dirty = hasUnsavedRoutes(s);
        const changed = !same(s.savedRoutes, config.routes);
        if (!dirty) {
          return {
            settings: config.settings,
            savedRules: config.rules,
            savedRoutes: config.routes,
            draftRoutes: config.routes,
            routesState: 'ready',
            routesError: null,
          };
        }
        // Unsaved edits are never replaced behind the person's back: keep the draft and say so.
        return {
          settings: config.settings,
          savedRules: config.rules,
          savedRoutes: config.routes,
          routesState: 'ready',
          routesError: null,
          routesChangedElsewhere: s.routesChangedElsewhere || changed,
        };
      });
    } catch (err) {
      set({ routesState: 'error', routesError: describeError(err) });
    }
  },
  setDraftRoutes: (routes) => set({ draftRoutes: routes, saveProblems: [] }),
  updateDraftRoute: (index, update) =>
    set((s) => ({
      draftRoutes: s.draftRoutes.map((r, i) => (i === index ? update(r) : r)),
      saveProblems: [],
    })),
  discardDraft: () =>
    set((s) => ({ draftRoutes: s.savedRoutes, routesChangedElsewhere: false, saveProblems: [] })),
  saveRoutes: async () => {
    set({ saving: true, saveProblems: [] });
    try {
      const saved = await call('putRoutes', get().draftRoutes);
      set({
        savedRoutes: saved,
        draftRoutes: saved,
        saving: false,
        routesChangedElsewhere: false,
      });
      return true;
    } catch (err) {
      const problems =
        err instanceof ApiError && err.issues.length > 0
          ? err.issues.map((issue) => `${issue.path}: ${issue.message}`)
          : [describeError(err)];
      set({ saving: false, saveProblems: problems });
      return false;
    }
  },
  saveDefaultRoute: async (route) => {
    const current = get().settings;
    if (current === null) return 'The settings have not loaded yet; try again in a moment.';
    const { defaultRoute: _old, ...rest } = current;
    try {
      const settings = await call(
        'putSettings',
        route === undefined ? rest : { ...rest, defaultRoute: route },
      );
      set({ settings });
      return null;
    } catch (err) {
      return describeError(err);
    }
  },
});
