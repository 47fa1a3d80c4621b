import type { RequestFinishedEvent, RequestStartedEvent } from '../../../app/admin/events.ts';
import type { KeyView, RequestListItem } from '../../../app/admin/types.ts';
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
  /** Spent on paid keys, in USD (free-tier cost estimates do not count against a budget). */
  paidUsd: number;
};

export type LiveSlice = {
  /** Requests finished in the last LIVE_WINDOW_MS, oldest first. */
  recent: LiveSample[];
  /** Requests started and not yet finished, by id. */
  inFlight: Record<string, number>;
  /** The local day the spend figures count (YYYY-MM-DD) and paid USD per route. */
  spendDay: string;
  spendByRoute: Record<string, number>;
  liveSeeded: boolean;
  seedLive: (now: number) => Promise<void>;
  onRequestStarted: (event: RequestStartedEvent) => void;
  onRequestFinished: (event: RequestFinishedEvent, now: number) => void;
};

export const LIVE_WINDOW_MS = 15 * 60_000;
const SEED_PAGES = 10;

/** The local calendar day of a time, as the budget figures count it. */
export function dayOf(epochMs: number): string {
  const d = new Date(epochMs);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

function startOfDay(epochMs: number): number {
  const d = new Date(epochMs);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

function isPaid(keys: readonly KeyView[], keyId: string | null): boolean {
  return keyId !== null && keys.some((k) => k.id === keyId && k.tier === 'paid');
}

function sampleOf(item: RequestListItem, paidUsd: number): LiveSample {
  return {
    id: item.id,
    at: item.startedAt + item.totalMs,
    ok: item.status < 400,
    failover: item.attempts > 1,
    route: item.route,
    paidUsd,
  };
}

export const createLiveSlice: SliceCreator<LiveSlice> = (set, get) => ({
  recent: [],
  inFlight: {},
  spendDay: '',
  spendByRoute: {},
  liveSeeded: false,
  seedLive: async (now) => {
    // Today's requests: the live window and each route's paid spend so far. Bounded, so a busy
    // day costs a few pages rather than the whole log.
    const from = Math.min(startOfDay(now), now - LIVE_WINDOW_MS);
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
    const keys = get().keys;
    const today = startOfDay(now);
    const spendByRoute: Record<string, number> = {};
    for (const item of items) {
      if (item.startedAt < today || item.route === null) continue;
      if (isPaid(keys, item.keyId) && item.costUsd !== null) {
        spendByRoute[item.route] = (spendByRoute[item.route] ?? 0) + item.costUsd;
      }
    }
    const recent = items
      .filter((item) => item.startedAt >= now - LIVE_WINDOW_MS)
      .map((item) => sampleOf(item, 0))
      .sort((a, b) => a.at - b.at);
    set({ recent, spendByRoute, spendDay: dayOf(now), liveSeeded: true });
  },
  onRequestStarted: (event) =>
    set((s) => ({ inFlight: { ...s.inFlight, [event.id]: event.startedAt } })),
  onRequestFinished: ({ request, attempts }, now) =>
    set((s) => {
      const { [request.id]: _done, ...inFlight } = s.inFlight;
      const paidUsd = attempts.reduce(
        (sum, a) => sum + (isPaid(s.keys, a.keyId) && a.costUsd !== null ? a.costUsd : 0),
        0,
      );
      const day = dayOf(now);
      const spendByRoute = day === s.spendDay ? { ...s.spendByRoute } : {};
      if (request.route !== null && paidUsd > 0) {
        spendByRoute[request.route] = (spendByRoute[request.route] ?? 0) + paidUsd;
      }
      const recent = [
        ...s.recent.filter((r) => r.at >= now - LIVE_WINDOW_MS && r.id !== request.id),
        { ...sampleOf(request, paidUsd), at: now },
      ];
      return { inFlight, recent, spendByRoute, spendDay: day };
    }),
});
