import type { AdminEvent } from '../../../app/admin/events.ts';
import type { LiveMinute, PaidSpendView } from '../../../app/admin/types.ts';
import { call } from '../api/client.ts';
import { addLiveCount, LIVE_BIN_MS, type LiveCount } from '../lib/liveCounts.ts';
import type { SliceCreator } from './types.ts';

/** The events that move the live counters. */
export type RequestEvent = Extract<AdminEvent, { name: 'request.started' | 'request.finished' }>;

export type LiveSlice = {
  /** The engine's per-minute counts of the live window when the Overview was seeded. */
  seededMinutes: LiveMinute[];
  /**
   * Requests finished since the seed (announced by events), counted per second of their arrival,
   * oldest first. Bounded by the live window however many requests a second the proxy serves.
   */
  recent: LiveCount[];
  /** Requests started and not yet finished. */
  inFlight: number;
  /** Paid USD per route today, as the engine counts it against each route's budget. */
  spendByRoute: Record<string, number>;
  liveSeeded: boolean;
  seedLive: () => Promise<void>;
  loadPaidSpend: () => Promise<void>;
  applyPaidSpend: (view: PaidSpendView) => void;
  /** The request events of one read of the stream, oldest first, applied in one update. */
  applyRequestEvents: (events: readonly RequestEvent[], now: number) => void;
};

export const createLiveSlice: SliceCreator<LiveSlice> = (set, get) => {
  // The ids behind `inFlight`. Kept out of the state, which holds only their count: a copy of the
  // set per event would cost as much as the requests in flight.
  const open = new Set<string>();
  return {
    seededMinutes: [],
    recent: [],
    inFlight: 0,
    spendByRoute: {},
    liveSeeded: false,
    seedLive: async () => {
      // A seed follows a start or a gap in the stream (a reconnect, dropped events): a request
      // whose finish was lost would otherwise count as in flight for ever; one still running
      // goes uncounted until it finishes, which then changes nothing.
      open.clear();
      set({ inFlight: 0 });
      // Counted by the engine over the whole window, never paged, so exact at any log size.
      const live = await call('liveTraffic');
      set((s) => ({
        seededMinutes: live.minutes,
        // Seconds that began after the engine counted; the earlier ones are in its counts. The
        // second `to` falls in goes with them, with any request announced in it after `to`: per
        // second is as fine as these counts split, and the match is loose anyway (a request
        // counted just before `to` may be announced up to a batch interval after it).
        recent: s.recent.filter((r) => r.t > live.to),
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
    applyRequestEvents: (events, now) => {
      const counted: LiveCount = {
        t: now - (now % LIVE_BIN_MS),
        requests: 0,
        errors: 0,
        failovers: 0,
      };
      for (const event of events) {
        if (event.name === 'request.started') {
          open.add(event.data.id);
          continue;
        }
        const { request } = event.data;
        open.delete(request.id);
        counted.requests++;
        if (request.status >= 400) counted.errors++;
        if (request.attempts > 1) counted.failovers++;
      }
      set((s) => ({
        inFlight: open.size,
        recent: counted.requests > 0 ? addLiveCount(s.recent, counted, now) : s.recent,
      }));
    },
  };
};
