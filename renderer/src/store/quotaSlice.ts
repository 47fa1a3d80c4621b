import type { QuotaChangedEvent } from '../../../app/admin/events.ts';
import type { LimiterState } from '../../../app/limiter/state.ts';
import type { LimiterView } from '../../../app/limiter/view.ts';
import { call, describeError } from '../api/client.ts';
import type { LoadState, SliceCreator } from './types.ts';

export type QuotaSlice = {
  quota: LimiterView | null;
  /** The limiter's state itself, for the plan preview's planRoute. */
  limiterState: LimiterState | null;
  quotaState: LoadState;
  quotaError: string | null;
  loadQuota: () => Promise<void>;
  /** Draws what a quota event carries: the engine throttles them, and each holds the whole view. */
  applyQuota: (event: QuotaChangedEvent) => void;
};

let inFlight: Promise<void> | undefined;

export const createQuotaSlice: SliceCreator<QuotaSlice> = (set, get) => ({
  quota: null,
  limiterState: null,
  quotaState: 'idle',
  quotaError: null,
  loadQuota: () => {
    inFlight ??= (async () => {
      if (get().quota === null) set({ quotaState: 'loading' });
      try {
        const [quota, limiterState] = await Promise.all([call('quota'), call('limiterState')]);
        set({ quota, limiterState, quotaState: 'ready', quotaError: null });
      } catch (err) {
        set({ quotaState: 'error', quotaError: describeError(err) });
      } finally {
        inFlight = undefined;
      }
    })();
    return inFlight;
  },
  applyQuota: ({ view, state }) =>
    set({ quota: view, limiterState: state, quotaState: 'ready', quotaError: null }),
});
