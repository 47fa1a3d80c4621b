import type { RequestFinishedEvent } from '../../../app/admin/events.ts';
import type { RequestDetail, RequestListItem } from '../../../app/admin/types.ts';
import { call, describeError } from '../api/client.ts';
import type { LoadState, SliceCreator } from './types.ts';

export type RequestSince = '15m' | '1h' | '24h' | 'all';

export type RequestFilters = {
  route: string;
  provider: string;
  /** '' for any, 'ok', 'error' or an HTTP status such as '429'. */
  status: string;
  since: RequestSince;
};

export type RequestsSlice = {
  requestFilters: RequestFilters;
  requests: RequestListItem[];
  requestsCursor: string | null;
  requestsState: LoadState;
  requestsError: string | null;
  droppedRows: number;
  detail: RequestDetail | null;
  detailError: string | null;
  setRequestFilters: (patch: Partial<RequestFilters>) => void;
  loadRequests: () => Promise<void>;
  loadOlderRequests: () => Promise<void>;
  loadDetail: (id: string) => Promise<void>;
  /** The requests finished in one read of the event stream, oldest first, in one update. */
  applyRequestsFinished: (finished: readonly RequestFinishedEvent[], now: number) => void;
};

const SINCE_MS: Record<RequestSince, number | null> = {
  '15m': 15 * 60_000,
  '1h': 3_600_000,
  '24h': 86_400_000,
  all: null,
};

const PAGE = 100;
const MAX_KEPT = 1000;

/** Whether a request belongs in the list the filters describe (for live additions). */
export function matchesFilters(item: RequestListItem, f: RequestFilters, now: number): boolean {
  if (f.route !== '' && item.route !== f.route) return false;
  if (f.provider !== '' && item.provider !== f.provider) return false;
  if (f.status === 'ok' && item.status >= 400) return false;
  if (f.status === 'error' && item.status < 400) return false;
  if (/^\d+$/.test(f.status) && item.status !== Number(f.status)) return false;
  const since = SINCE_MS[f.since];
  return since === null || item.startedAt >= now - since;
}

function queryFor(f: RequestFilters, now: number, cursor?: string) {
  const since = SINCE_MS[f.since];
  return {
    limit: PAGE,
    ...(f.route !== '' ? { route: f.route } : {}),
    ...(f.provider !== '' ? { provider: f.provider } : {}),
    ...(f.status !== '' ? { status: f.status } : {}),
    ...(since !== null ? { from: now - since } : {}),
    ...(cursor !== undefined ? { cursor } : {}),
  };
}

let generation = 0;

export const createRequestsSlice: SliceCreator<RequestsSlice> = (set, get) => ({
  requestFilters: { route: '', provider: '', status: '', since: '24h' },
  requests: [],
  requestsCursor: null,
  requestsState: 'idle',
  requestsError: null,
  droppedRows: 0,
  detail: null,
  detailError: null,
  setRequestFilters: (patch) => {
    set((s) => ({ requestFilters: { ...s.requestFilters, ...patch } }));
    void get().loadRequests();
  },
  loadRequests: async () => {
    const mine = ++generation;
    set({ requestsState: 'loading' });
    try {
      const page = await call('listRequests', undefined, {
        query: queryFor(get().requestFilters, Date.now()),
      });
      if (mine !== generation) return;
      set({
        requests: page.items,
        requestsCursor: page.nextCursor ?? null,
        droppedRows: page.droppedRows,
        requestsState: 'ready',
        requestsError: null,
      });
    } catch (err) {
      if (mine === generation) set({ requestsState: 'error', requestsError: describeError(err) });
    }
  },
  loadOlderRequests: async () => {
    const cursor = get().requestsCursor;
    if (cursor === null) return;
    const mine = generation;
    try {
      const page = await call('listRequests', undefined, {
        query: queryFor(get().requestFilters, Date.now(), cursor),
      });
      if (mine !== generation) return;
      set((s) => {
        const seen = new Set(s.requests.map((r) => r.id));
        return {
          requests: [...s.requests, ...page.items.filter((r) => !seen.has(r.id))],
          requestsCursor: page.nextCursor ?? null,
        };
      });
    } catch (err) {
      set({ requestsError: describeError(err) });
    }
  },
  loadDetail: async (id) => {
    if (get().detail?.request.id !== id) set({ detail: null });
    try {
      set({ detail: await call('getRequest', undefined, { params: { id } }), detailError: null });
    } catch (err) {
      set({ detailError: describeError(err) });
    }
  },
  applyRequestsFinished: (finished, now) => {
    const s = get();
    const listed = s.requestsState === 'ready';
    const seen = listed ? new Set(s.requests.map((r) => r.id)) : undefined;
    const added: RequestListItem[] = [];
    let detailFinished = false;
    for (const { request } of finished) {
      if (
        seen !== undefined &&
        !seen.has(request.id) &&
        matchesFilters(request, s.requestFilters, now)
      ) {
        seen.add(request.id);
        added.push(request);
      }
      if (s.detail?.request.id === request.id) detailFinished = true;
    }
    // Newest first, as the list is drawn. No update when the list is not open: the page on
    // screen has nothing new to draw.
    if (added.length > 0) set({ requests: [...added.reverse(), ...s.requests].slice(0, MAX_KEPT) });
    // The event carries no attempts (every request's would go to every dashboard); the open
    // request's come from the log.
    if (detailFinished && s.detail !== null) void get().loadDetail(s.detail.request.id);
  },
});
