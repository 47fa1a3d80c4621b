import type { MetricsGroupBy, MetricsRange, MetricsResponse } from '../../../app/admin/types.ts';
import { call, describeError } from '../api/client.ts';
import type { LoadState, SliceCreator } from './types.ts';

export type MetricsSlice = {
  metricsRange: MetricsRange;
  metricsGroupBy: MetricsGroupBy;
  metrics: MetricsResponse | null;
  metricsState: LoadState;
  metricsError: string | null;
  loadMetrics: () => Promise<void>;
  setMetricsView: (view: { range?: MetricsRange; groupBy?: MetricsGroupBy }) => void;
};

let generation = 0;

export const createMetricsSlice: SliceCreator<MetricsSlice> = (set, get) => ({
  metricsRange: '1h',
  metricsGroupBy: 'provider',
  metrics: null,
  metricsState: 'idle',
  metricsError: null,
  loadMetrics: async () => {
    const mine = ++generation;
    const { metricsRange: range, metricsGroupBy: groupBy } = get();
    set({ metricsState: 'loading' });
    try {
      const metrics = await call('metrics', undefined, { query: { range, groupBy } });
      // A slower answer for a range the person has since left must not overwrite the new one.
      if (mine === generation) set({ metrics, metricsState: 'ready', metricsError: null });
    } catch (err) {
      if (mine === generation) set({ metricsState: 'error', metricsError: describeError(err) });
    }
  },
  setMetricsView: (view) => {
    set({
      ...(view.range ? { metricsRange: view.range } : {}),
      ...(view.groupBy ? { metricsGroupBy: view.groupBy } : {}),
    });
    void get().loadMetrics();
  },
});
