import { create } from 'zustand';
import { createCatalogSlice } from './catalogSlice.ts';
import { createEngineSlice } from './engineSlice.ts';
import { createKeysSlice } from './keysSlice.ts';
import { createLiveSlice } from './liveSlice.ts';
import { createMetricsSlice } from './metricsSlice.ts';
import { createModelWatchSlice } from './modelWatchSlice.ts';
import { createQuotaSlice } from './quotaSlice.ts';
import { createRequestsSlice } from './requestsSlice.ts';
import { createRoutesSlice } from './routesSlice.ts';
import { createToastSlice } from './toastSlice.ts';
import type { Store } from './types.ts';

export type { Store } from './types.ts';

/** Builds a fresh store; the app uses `useStore`, tests build their own. */
export function createDashboardStore() {
  return create<Store>()((...a) => ({
    ...createEngineSlice(...a),
    ...createCatalogSlice(...a),
    ...createRoutesSlice(...a),
    ...createKeysSlice(...a),
    ...createQuotaSlice(...a),
    ...createMetricsSlice(...a),
    ...createRequestsSlice(...a),
    ...createLiveSlice(...a),
    ...createToastSlice(...a),
    ...createModelWatchSlice(...a),
  }));
}

/** The dashboard's one store. Components select narrowly: `useStore((s) => s.keys)`. */
export const useStore = createDashboardStore();
