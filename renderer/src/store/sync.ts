import type {
  AdminEvent,
  AdminEventMap,
  AdminEventName,
  RequestFinishedEvent,
} from '../../../app/admin/events.ts';
import { connectEvents } from '../api/events.ts';
import { useStore } from './index.ts';
import type { RequestEvent } from './liveSlice.ts';

const METRICS_REFRESH_MS = 5000;
const QUOTA_POLL_MS = 15_000;

/**
 * Loads everything once, then keeps the store current from the event stream. Returns a stop
 * function. A periodic quota read catches windows that refill with no request to announce it.
 */
export function startSync(store = useStore): () => void {
  const get = store.getState;
  let metricsTimer: ReturnType<typeof setTimeout> | undefined;

  const loadAll = () => {
    const s = get();
    void s.loadEngine();
    void s.loadProxyKey();
    void s.loadKeychain();
    void s.loadCatalog();
    void s.loadRoutes();
    void s.loadQuota();
    void s.loadPaidSpend();
    void s.loadKeys();
    void s.loadModelWatch();
    void s.seedLive().catch(() => undefined);
  };

  const resync = () => {
    loadAll();
    const s = get();
    if (s.requestsState !== 'idle') void s.loadRequests();
    if (s.metricsState !== 'idle') void s.loadMetrics();
  };

  const refreshMetricsSoon = () => {
    if (get().metricsState === 'idle' || metricsTimer !== undefined) return;
    metricsTimer = setTimeout(() => {
      metricsTimer = undefined;
      void get().loadMetrics();
    }, METRICS_REFRESH_MS);
  };

  /**
   * One read of the stream: at a busy proxy, hundreds of requests. Each slice takes them in one
   * update, so the page renders once per read, not once per event; of the events that carry a
   * whole state (quota, spend, the model watch), only the last one of the read is applied.
   */
  const applyEvents = (events: readonly AdminEvent[]) => {
    const now = Date.now();
    const requestEvents: RequestEvent[] = [];
    const finished: RequestFinishedEvent[] = [];
    const latest: Partial<{ [N in AdminEventName]: AdminEventMap[N] }> = {};
    let configChanged = false;
    let dropped = false;
    for (const event of events) {
      switch (event.name) {
        case 'request.started':
          requestEvents.push(event);
          break;
        case 'request.finished':
          requestEvents.push(event);
          finished.push(event.data);
          break;
        case 'quota.changed':
          latest['quota.changed'] = event.data;
          break;
        case 'spend.changed':
          latest['spend.changed'] = event.data;
          break;
        case 'models.watch':
          latest['models.watch'] = event.data;
          break;
        case 'key.status':
          get().applyKeyStatus(event.data);
          break;
        // Also sent when routing is paused or resumed (from the tray, the CLI or another window).
        case 'config.changed':
          configChanged = true;
          break;
        case 'events.dropped':
          dropped = true;
          break;
      }
    }
    const s = get();
    if (requestEvents.length > 0) s.applyRequestEvents(requestEvents, now);
    if (finished.length > 0) {
      s.applyRequestsFinished(finished, now);
      refreshMetricsSoon();
    }
    if (latest['quota.changed']) s.applyQuota(latest['quota.changed']);
    if (latest['spend.changed']) s.applyPaidSpend(latest['spend.changed']);
    if (latest['models.watch']) s.applyModelWatch(latest['models.watch']);
    if (configChanged) {
      void s.loadEngine();
      void s.loadRoutes();
      void s.loadCatalog();
      void s.loadKeys();
      void s.loadModelWatch();
    }
    if (dropped) resync();
  };

  loadAll();
  const stopEvents = connectEvents({
    onState: (state) => get().setStream(state),
    onResync: resync,
    onEvents: applyEvents,
  });
  // Also catches the new day: the engine's spend starts again at local midnight.
  const poll = setInterval(() => {
    void get().loadQuota();
    void get().loadPaidSpend();
    // The team's members and their shares change with every member's traffic, not by events.
    if (get().engine?.team !== undefined) void get().loadEngine();
  }, QUOTA_POLL_MS);
  return () => {
    stopEvents();
    clearInterval(poll);
    clearTimeout(metricsTimer);
  };
}
