import {
  ADMIN_EVENT_NAMES,
  ADMIN_EVENTS_PATH,
  type AdminEventMap,
  type AdminEventName,
} from '../../../app/admin/events.ts';
import { adminBase } from './client.ts';

export type StreamState = 'connecting' | 'open' | 'reconnecting';

export type EventHandlers = {
  [N in AdminEventName]?: (data: AdminEventMap[N]) => void;
};

export type EventStreamOptions = {
  handlers: EventHandlers;
  onState: (state: StreamState) => void;
  /** Called after a reconnect: events may have been missed, so state should be fetched afresh. */
  onResync: () => void;
  /** For tests; the browser's EventSource otherwise. */
  createSource?: (url: string) => EventSource;
  /** Waits before reconnect attempts, in ms; the last one repeats. */
  backoffMs?: readonly number[];
};

const BACKOFF_MS = [1000, 2000, 5000, 10_000, 30_000];

/**
 * Follows /admin/events. The browser's EventSource retries by itself after a dropped connection,
 * but gives up for good on an HTTP error (a restarting engine answers 503, a new engine 401);
 * this wrapper then starts a new one with growing pauses, and asks for a resync whenever a
 * connection opens after a gap, because the events of the gap are lost.
 */
export function connectEvents(options: EventStreamOptions): () => void {
  const backoff = options.backoffMs ?? BACKOFF_MS;
  const create =
    options.createSource ?? ((url: string) => new EventSource(url, { withCredentials: true }));
  let source: EventSource | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let failures = 0;
  let everOpened = false;
  let gap = false;
  let stopped = false;

  const open = () => {
    options.onState(everOpened ? 'reconnecting' : 'connecting');
    const es = create(`${adminBase()}${ADMIN_EVENTS_PATH}`);
    source = es;
    es.onopen = () => {
      failures = 0;
      options.onState('open');
      if (gap) options.onResync();
      gap = false;
      everOpened = true;
    };
    es.onerror = () => {
      if (stopped) return;
      gap = true;
      options.onState(everOpened ? 'reconnecting' : 'connecting');
      if (es.readyState === 2) {
        es.close();
        const wait = backoff[Math.min(failures, backoff.length - 1)] ?? 30_000;
        failures++;
        timer = setTimeout(open, wait);
      }
    };
    for (const name of ADMIN_EVENT_NAMES) {
      es.addEventListener(name, (event) => {
        const handler = options.handlers[name] as ((data: unknown) => void) | undefined;
        if (!handler) return;
        let data: unknown;
        try {
          data = JSON.parse((event as MessageEvent<string>).data);
        } catch {
          // A malformed frame is dropped: the next resync repairs whatever it described.
          return;
        }
        handler(data);
      });
    }
  };

  open();
  return () => {
    stopped = true;
    clearTimeout(timer);
    source?.close();
  };
}
