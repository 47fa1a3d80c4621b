import { LIVE_WINDOW_MS } from '../../../app/admin/contract.ts';
import type { RequestFinishedEvent, RequestStartedEvent } from '../../../app/admin/events.ts';
import type { LiveMinute, PaidSpendView, RequestListItem } from '../../../app/admin/types.ts';
import { call } from '../api/client.ts';
import type { SliceCreator } from './types.ts';

/** One finished request, reduced to what the live counters need. */
export type LiveSample = {
  id: string;
  at: number;
  ok: boolean;
  /** More than one target was tried. */
  failover: boolean;
  route: string | null;
};

export type LiveSlice = {
  /** The engine's per-minute counts of the live window when the Overview was seeded. */
  seededMinutes: LiveMinute[];
  /** Requests finished since the seed (announced by events), oldest first. */
  recent: LiveSample[];
  /** Requests started and not yet finished, by id. */
  inFlight: Record<string, number>;
  /** Paid USD per route today, as the engine counts it against each route's budget. */
  spendByRoute: Record<string, number>;
  liveSeeded: boolean;
  seedLive: () => Promise<void>;
  loadPaidSpend: () => Promise<void>;
  applyPaidSpend: (view: PaidSpendView) => void;
  onRequestStarted: (event: RequestStartedEvent) => void;
  onRequestFinished: (event: RequestFinishedEvent, now: number) => void;
};

function sampleOf(item: RequestListItem): LiveSample {
  return {
    id: item.id,
    at: item.startedAt + item.totalMs,
    ok: item.status < 400,
    failover: item.attempts > 1,
    route: item.route,
  };
}

export const createLiveSlice: SliceCreator<LiveSlice> = (set, get) => ({
  seededMinutes: [],
  recent: [],
  inFlight: {},
  spendByRoute: {},
  liveSeeded: false,
  seedLive: async () => {
    // Counted by the engine over the whole window, never paged, so exact at any log size.
    const live = await call('liveTraffic');
    set((s) => ({
      seededMinutes: live.minutes,
      // Events that arrived while the seed was on its way; the older ones are in its counts.
      recent: s.recent.filter((r) => r.at > live.to),
      liveSeeded: true,
    }));
  },
  loadPaidSpend: async () => {
    try {
      get().applyPaidSpend(await call('paidSpend'));
    } catch {
      // The budget figures keep their last value; the next poll or spend event tries again.
    }
  },
  applyPaidSpend: (view) => set({ spendByRoute: view.byRoute }),
  onRequestStarted: (event) =>
    set((s) => ({ inFlight: { ...s.inFlight, [event.id]: event.startedAt } })),
  onRequestFinished: ({ request }, now) =>
    set((s) => {
      const { [request.id]: _done, ...inFlight } = s.inFlight;
      const recent = [
        ...s.recent.filter((r) => r.at >= now - LIVE_WINDOW_MS && r.id !== request.id),
        { ...sampleOf(request), at: now },
      ];
      return { inFlight, recent };
    }),
});
