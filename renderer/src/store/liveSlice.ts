import type { RequestFinishedEvent, RequestStartedEvent } from '../../../app/admin/events.ts';
import type { PaidSpendView, RequestListItem } from '../../../app/admin/types.ts';
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
  /** Requests finished in the last LIVE_WINDOW_MS, oldest first. */
  recent: LiveSample[];
  /** Requests started and not yet finished, by id. */
  inFlight: Record<string, number>;
  /** Paid USD per route today, as the engine counts it against each route's budget. */
  spendByRoute: Record<string, number>;
  liveSeeded: boolean;
  seedLive: (now: number) => Promise<void>;
  loadPaidSpend: () => Promise<void>;
  applyPaidSpend: (view: PaidSpendView) => void;
  onRequestStarted: (event: RequestStartedEvent) => void;
  onRequestFinished: (event: RequestFinishedEvent, now: number) => void;
};

export const LIVE_WINDOW_MS = 15 * 60_000;
const SEED_PAGES = 10;

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
  recent: [],
  inFlight: {},
  spendByRoute: {},
  liveSeeded: false,
  seedLive: async (now) => {
    // The live window's requests. Bounded, so a busy window costs a few pages, not the whole log.
    const from = now - LIVE_WINDOW_MS;
    const items: RequestListItem[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < SEED_PAGES; page++) {
      const answer = await call('listRequests', undefined, {
        query: { from, limit: 500, ...(cursor !== undefined ? { cursor } : {}) },
      });
      items.push(...answer.items);
      cursor = answer.nextCursor;
      if (cursor === undefined) break;
    }
    const recent = items.map(sampleOf).sort((a, b) => a.at - b.at);
    set({ recent, liveSeeded: true });
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
