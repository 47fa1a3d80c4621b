import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AdminEventMap, AdminEventName } from '../../../app/admin/events.ts';
import type { LimiterState } from '../../../app/limiter/state.ts';
import type { LimiterView } from '../../../app/limiter/view.ts';
import type { EventHandlers, EventStreamOptions } from '../../../renderer/src/api/events.ts';
import { createDashboardStore } from '../../../renderer/src/store/index.ts';
import { startSync } from '../../../renderer/src/store/sync.ts';
import { fakeAdmin, NOW, QUOTA, REQUEST, type Call } from '../fakeAdmin.ts';

/** The sync's event handlers, captured from connectEvents so the test can deliver events. */
const stream = vi.hoisted(() => ({ handlers: {} as EventHandlers }));
vi.mock('../../../renderer/src/api/events.ts', () => ({
  connectEvents: (options: EventStreamOptions) => {
    stream.handlers = options.handlers;
    options.onState('open');
    return () => undefined;
  },
}));

function emit<N extends AdminEventName>(name: N, data: AdminEventMap[N]): void {
  (stream.handlers[name] as ((payload: AdminEventMap[N]) => void) | undefined)?.(data);
}

const SPEND = { since: NOW - 3_600_000, byRoute: { fast: 1.25 } };

let calls: Call[];
let stop: () => void;
let store: ReturnType<typeof createDashboardStore>;

beforeEach(async () => {
  calls = fakeAdmin({ 'GET /admin/spend/today': SPEND });
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
    emit('request.finished', {
      request: { ...REQUEST, id: 'req-9', costUsd: 5 },
      attempts: [],
    });
    expect(store.getState().spendByRoute).toEqual({ fast: 1.25 });
    emit('spend.changed', { since: SPEND.since, byRoute: { fast: 2.5 } });
    expect(store.getState().spendByRoute).toEqual({ fast: 2.5 });
  });

  it('draws the quota event’s own view and state, without fetching them again', async () => {
    vi.useFakeTimers();
    const before = fetched('/admin/quota') + fetched('/admin/quota/state');
    const view: LimiterView = { ...QUOTA, at: NOW + 1000 };
    const state: LimiterState = { pools: {}, keys: {} };
    emit('quota.changed', { view, state });
    expect(store.getState().quota).toEqual(view);
    expect(store.getState().limiterState).toEqual(state);
    await vi.advanceTimersByTimeAsync(1000);
    expect(fetched('/admin/quota') + fetched('/admin/quota/state')).toBe(before);
  });
});
