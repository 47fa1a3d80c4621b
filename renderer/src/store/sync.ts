import { connectEvents } from '../api/events.ts';
import { useStore } from './index.ts';

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

  loadAll();
  const stopEvents = connectEvents({
    onState: (state) => get().setStream(state),
    onResync: resync,
    handlers: {
      'request.started': (event) => get().onRequestStarted(event),
      'request.finished': (event) => {
        const now = Date.now();
        get().onRequestFinished(event, now);
        get().applyRequestFinished(event, now);
        if (get().metricsState !== 'idle' && metricsTimer === undefined) {
          metricsTimer = setTimeout(() => {
            metricsTimer = undefined;
            void get().loadMetrics();
          }, METRICS_REFRESH_MS);
        }
      },
      'quota.changed': (event) => get().applyQuota(event),
      'models.watch': (event) => get().applyModelWatch(event),
      'spend.changed': (event) => get().applyPaidSpend(event),
      'key.status': (event) => get().applyKeyStatus(event),
      // Also sent when routing is paused or resumed (from the tray, the CLI or another window).
      'config.changed': () => {
        void get().loadEngine();
        void get().loadRoutes();
        void get().loadCatalog();
        void get().loadKeys();
        void get().loadModelWatch();
      },
      'events.dropped': resync,
    },
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
