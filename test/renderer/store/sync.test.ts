import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { LimiterState } from '../../../app/limiter/state.ts';
import type { LimiterView } from '../../../app/limiter/view.ts';
import { createDashboardStore } from '../../../renderer/src/store/index.ts';
import { startSync } from '../../../renderer/src/store/sync.ts';
import { liveStats } from '../../../renderer/src/lib/liveCounts.ts';
import { fakeAdmin, NOW, QUOTA, REQUEST, type Call } from '../fakeAdmin.ts';

/**
 * The engine's event stream as the dashboard reads it (fetch, not EventSource: the token goes in
 * a header): a response body the test writes SSE frames into.
 */
class EventStream {
  #controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  readonly #encoder = new TextEncoder();
  response(): Response {
    const body = new ReadableStream<Uint8Array>({
      start: (controller) => {
        this.#controller = controller;
      },
    });
    return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
  }
  emit(name: string, data: unknown) {
    this.emitTogether([[name, data]]);
  }
  /** Several events in one network write, as the engine sends a batch. */
  emitTogether(events: [name: string, data: unknown][]) {
    const text = events
      .map(([name, data]) => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`)
      .join('');
    this.#controller?.enqueue(this.#encoder.encode(text));
  }
}

const SPEND = { since: NOW - 3_600_000, byRoute: { fast: 1.25 } };
const MINUTE_START = NOW - (NOW % 60_000);
/** A busy window: far more requests than a paged seed of the log could read. */
const LIVE = {
  from: NOW - 900_000,
  to: NOW,
  minutes: [
    { t: MINUTE_START - 14 * 60_000, requests: 20_000, errors: 120, failovers: 40 },
    { t: MINUTE_START, requests: 2902, errors: 3, failovers: 2 },
  ],
};

let calls: Call[];
let events: EventStream;
let stop: () => void;
let store: ReturnType<typeof createDashboardStore>;

beforeEach(async () => {
  calls = fakeAdmin({ 'GET /admin/spend/today': SPEND, 'GET /admin/live': LIVE });
  events = new EventStream();
  const admin = globalThis.fetch;
  vi.stubGlobal('fetch', (url: string, init?: RequestInit) =>
    url.endsWith('/admin/events') ? Promise.resolve(events.response()) : admin(url, init),
  );
  store = createDashboardStore();
  stop = startSync(store);
  await vi.waitFor(() => {
    expect(store.getState().quota).not.toBeNull();
    expect(store.getState().liveSeeded).toBe(true);
  });
});
afterEach(() => {
  stop();
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

const fetched = (path: string) => calls.filter((c) => c.url.split('?')[0] === path).length;

describe('the dashboard’s sync', () => {
  it('draws the engine’s paid spend, not a sum of its own over the log', async () => {
    // The log holds a paid request on "fast" costing $0.00003; the engine counts $1.25.
    expect(REQUEST.route).toBe('fast');
    expect(store.getState().spendByRoute).toEqual({ fast: 1.25 });
    const drawn: unknown[] = [];
    const unsubscribe = store.subscribe((s) => drawn.push(s.spendByRoute));
    events.emit('request.finished', {
      request: { ...REQUEST, id: 'req-9', costUsd: 5 },
    });
    events.emit('spend.changed', { since: SPEND.since, byRoute: { fast: 2.5 } });
    await vi.waitFor(() => expect(store.getState().spendByRoute).toEqual({ fast: 2.5 }));
    unsubscribe();
    // Between the two events the dashboard drew the engine's figure, never one of its own.
    expect(new Set(drawn.map((d) => JSON.stringify(d)))).toEqual(
      new Set([JSON.stringify({ fast: 1.25 }), JSON.stringify({ fast: 2.5 })]),
    );
  });

  it('draws the quota event’s own view and state, without fetching them again', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
    const before = fetched('/admin/quota') + fetched('/admin/quota/state');
    const view: LimiterView = { ...QUOTA, at: NOW + 1000 };
    const state: LimiterState = { pools: {}, keys: {} };
    events.emit('quota.changed', { view, state });
    await vi.waitFor(() => expect(store.getState().quota).toEqual(view));
    expect(store.getState().limiterState).toEqual(state);
    await vi.advanceTimersByTimeAsync(1000);
    expect(fetched('/admin/quota') + fetched('/admin/quota/state')).toBe(before);
  });

  it('shows the engine’s live counts, without paging the log, and adds finished requests', async () => {
    const stats = () => {
      const s = store.getState();
      return liveStats(s.seededMinutes, s.recent, NOW + 1000);
    };
    expect(stats()).toEqual({ lastMinute: 2902, total: 22_902, errors: 123, failovers: 42 });
    expect(fetched('/admin/live')).toBe(1);
    expect(fetched('/admin/requests')).toBe(0);

    events.emit('request.finished', {
      request: { ...REQUEST, id: 'req-failed', status: 502, attempts: 2, totalMs: 0 },
    });
    await vi.waitFor(() =>
      expect(stats()).toEqual({ lastMinute: 2903, total: 22_903, errors: 124, failovers: 43 }),
    );
    // A quarter of an hour on, the seeded minutes have left the window; the new request too.
    const later = liveStats(
      store.getState().seededMinutes,
      store.getState().recent,
      NOW + 1_000_000,
    );
    expect(later).toEqual({ lastMinute: 0, total: 0, errors: 0, failovers: 0 });
  });

  it('applies a write of a thousand events in one store update, with every figure counted', async () => {
    const stats = () => {
      const s = store.getState();
      return liveStats(s.seededMinutes, s.recent, NOW + 1000);
    };
    const started = ['s-0', 's-1', 's-2'].map((id): [string, unknown] => [
      'request.started',
      {
        id,
        startedAt: NOW,
        kind: 'chat',
        inboundFormat: 'openai',
        requestedModel: 'fast',
        route: 'fast',
        streamed: false,
      },
    ]);
    // Two of the three started requests finish in the same write; one is still in flight.
    const finished = Array.from({ length: 1000 }, (_, i): [string, unknown] => [
      'request.finished',
      {
        request: {
          ...REQUEST,
          id: i < 2 ? `s-${i}` : `f-${i}`,
          status: i % 10 === 0 ? 502 : 200,
          attempts: i % 25 === 0 ? 2 : 1,
        },
      },
    ]);
    let notifications = 0;
    const unsubscribe = store.subscribe(() => notifications++);
    events.emitTogether([...started, ...finished]);
    await vi.waitFor(() =>
      expect(stats()).toEqual({
        lastMinute: 2902 + 1000,
        total: 22_902 + 1000,
        errors: 123 + 100,
        failovers: 42 + 40,
      }),
    );
    unsubscribe();
    expect(notifications).toBe(1);
    expect(store.getState().inFlight).toBe(1);
  });

  it('adds a write of finished requests to the open Requests list at once, newest first', async () => {
    await store.getState().loadRequests();
    expect(store.getState().requests.map((r) => r.id)).toEqual(['req-1']);
    let notifications = 0;
    const unsubscribe = store.subscribe(() => notifications++);
    events.emitTogether(
      ['req-a', 'req-1', 'req-b', 'req-c'].map((id): [string, unknown] => [
        'request.finished',
        { request: { ...REQUEST, id, startedAt: Date.now() } },
      ]),
    );
    await vi.waitFor(() => expect(store.getState().requests).toHaveLength(4));
    unsubscribe();
    // Each request once (req-1 was already listed), in one update per slice drawn.
    expect(store.getState().requests.map((r) => r.id)).toEqual([
      'req-c',
      'req-b',
      'req-a',
      'req-1',
    ]);
    expect(notifications).toBe(2);
  });

  it('fetches the open request’s attempts from the log when it is announced finished', async () => {
    await store.getState().loadDetail('req-1');
    const before = fetched('/admin/requests/req-1');
    events.emit('request.finished', { request: { ...REQUEST, status: 502 } });
    await vi.waitFor(() => expect(fetched('/admin/requests/req-1')).toBe(before + 1));
    expect(store.getState().detail?.attempts).toHaveLength(2);
  });

  it('applies only the last of the whole-state events a write carries', async () => {
    const drawn: unknown[] = [];
    const unsubscribe = store.subscribe((s) => drawn.push(s.spendByRoute));
    events.emitTogether(
      [1, 2, 3].map((usd): [string, unknown] => [
        'spend.changed',
        { since: SPEND.since, byRoute: { fast: usd } },
      ]),
    );
    await vi.waitFor(() => expect(store.getState().spendByRoute).toEqual({ fast: 3 }));
    unsubscribe();
    expect(drawn).toEqual([{ fast: 3 }]);
  });

  it('forgets the requests in flight when events were dropped, rather than counting them for ever', async () => {
    events.emit('request.started', {
      id: 'lost',
      startedAt: NOW,
      kind: 'chat',
      inboundFormat: 'openai',
      requestedModel: 'fast',
      route: 'fast',
      streamed: false,
    });
    await vi.waitFor(() => expect(store.getState().inFlight).toBe(1));
    // Its finish was among the events the engine dropped for this client.
    events.emit('events.dropped', { count: 40 });
    await vi.waitFor(() => expect(fetched('/admin/live')).toBe(2));
    expect(store.getState().inFlight).toBe(0);
  });
});
